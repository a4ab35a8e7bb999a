package docs_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
)

// root is the repository root, relative to this package.
const root = ".."

// maxREADME is the README's size budget: a newcomer reads it in two minutes.
const maxREADME = 20 * 1024

// modulePath is the module's import path.
const modulePath = "github.com/gitscrum-bridge/gitscrum-bridge"

// markdownFiles are README.md and every page of docs/, relative to root.
func markdownFiles(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	require.NotEmpty(t, pages)
	files := []string{"README.md"}
	for _, p := range pages {
		files = append(files, "docs/"+filepath.Base(p))
	}
	return files
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
	require.NoError(t, err)
	return string(raw)
}

func TestREADMESize(t *testing.T) {
	readme := readFile(t, "README.md")
	assert.LessOrEqual(t, len(readme), maxREADME,
		"README.md is %d bytes, over its budget of %d: move detail into docs/", len(readme), maxREADME)
}

// TestLinksResolve: every relative link, and its #anchor, in README.md and docs/
// points at a file that exists and a heading it has.
func TestLinksResolve(t *testing.T) {
	broken := brokenLinks(os.DirFS(root), markdownFiles(t))
	assert.Empty(t, broken, "broken links:\n%s", strings.Join(broken, "\n"))
}

// installed holds the binaries installed by the README's install command into a
// temporary GOBIN, once for the package; TestMain removes it.
var (
	installDir string
	install    = sync.OnceValues(func() (string, error) {
		dir, err := os.MkdirTemp("", "gitscrum-docs-test")
		if err != nil {
			return "", err
		}
		installDir = dir
		cmd := exec.Command("go", "install", "./cmd/...")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOBIN="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", &exec.Error{Name: "go install ./cmd/... : " + string(out), Err: err}
		}
		return dir, nil
	})
)

func TestMain(m *testing.M) {
	// The binaries' default state store lives under XDG_STATE_HOME: keep it out
	// of the home directory of whoever runs the tests, and apart from other
	// packages' tests (a signed request replayed through a shared file is refused).
	state, err := os.MkdirTemp("", "gitscrum-state")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_ = os.Setenv("XDG_STATE_HOME", state)
	code := m.Run()
	_ = os.RemoveAll(state)
	if installDir != "" {
		_ = os.RemoveAll(installDir)
	}
	os.Exit(code)
}

// binary is the path of the named binary, installed with `go install ./cmd/...`.
func binary(t *testing.T, name string) string {
	t.Helper()
	dir, err := install()
	require.NoError(t, err)
	return filepath.Join(dir, name)
}

// run runs the named installed binary with args in an environment without the
// caller's GITSCRUM_* and SLACK_* settings, and returns what it printed.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary(t, name), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s: %s", name, strings.Join(args, " "), out)
	return string(out)
}

var (
	helpFlag = regexp.MustCompile(`^  -([A-Za-z0-9][A-Za-z0-9._-]*)(?: \S+)?$`)
	envName  = regexp.MustCompile(`\b(?:GITSCRUM|SLACK)_[A-Z0-9_]+\b`)
	envConst = regexp.MustCompile(`^(?:GITSCRUM|SLACK)_[A-Z0-9_]+$`)
)

// helpFlags returns the flags a usage text lists, as flag.PrintDefaults prints them.
func helpFlags(usage string) []string {
	var flags []string
	sc := bufio.NewScanner(strings.NewReader(usage))
	for sc.Scan() {
		if m := helpFlag.FindStringSubmatch(sc.Text()); m != nil {
			flags = append(flags, m[1])
		}
	}
	return flags
}

// binaryEnv returns every environment variable the named binary may read: those
// its -h names, and every string constant shaped like one (GITSCRUM_…, SLACK_…) in
// the non-test Go files of the module's packages the binary is built from.
func binaryEnv(t *testing.T, name, usage string) []string {
	t.Helper()
	set := map[string]bool{}
	for _, e := range envName.FindAllString(usage, -1) {
		set[e] = true
	}
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles \",\"}}", "./cmd/"+name)
	cmd.Dir = root
	out, err := cmd.Output()
	require.NoError(t, err, "go list -deps ./cmd/%s", name)
	fset := token.NewFileSet()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.Split(line, "\t")
		require.Len(t, parts, 3, line)
		if parts[0] != modulePath && !strings.HasPrefix(parts[0], modulePath+"/") {
			continue
		}
		for _, file := range strings.Split(parts[2], ",") {
			if file == "" {
				continue
			}
			f, err := parser.ParseFile(fset, filepath.Join(parts[1], file), nil, 0)
			require.NoError(t, err)
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil && envConst.MatchString(s) {
						set[s] = true
					}
				}
				return true
			})
		}
	}
	env := make([]string, 0, len(set))
	for e := range set {
		env = append(env, e)
	}
	slices.Sort(env)
	return env
}

// TestConfigurationTables: the README's table of each binary names every flag and
// every environment variable the binary accepts (flags from its -h, variables from
// its -h and its source), and nothing it does not accept.
func TestConfigurationTables(t *testing.T) {
	readme := readFile(t, "README.md")
	for _, tc := range []struct {
		binary  string
		section string
		args    [][]string // usage texts to read: each is binary + args
	}{
		{"gitscrum-mcp", "gitscrum-mcp", [][]string{{"-h"}}},
		{"gitscrum-slack", "gitscrum-slack", [][]string{{"-h"}, {"manifest", "-h"}}},
		{"gitscrum-sandbox", "gitscrum-sandbox", [][]string{{"-h"}}},
	} {
		t.Run(tc.binary, func(t *testing.T) {
			sec := section(readme, tc.section)
			require.NotEmpty(t, sec, "README.md has no section %q", tc.section)
			var flags []string
			usage := ""
			for _, args := range tc.args {
				u := run(t, tc.binary, args...)
				usage += u
				flags = append(flags, helpFlags(u)...)
			}
			require.Contains(t, flags, "version", "the flags were read from -h")
			var env []string
			if tc.binary != "gitscrum-sandbox" { // the sandbox reads no environment
				env = binaryEnv(t, tc.binary, usage)
				require.Contains(t, env, "GITSCRUM_TOKEN", "the environment variables were read")
			}
			missing, unknown := configGaps(sec, flags, env)
			assert.Empty(t, missing, "README.md's %s table lacks these (flags: %v, env: %v)", tc.section, flags, env)
			assert.Empty(t, unknown, "README.md's %s table names what %s does not accept", tc.section, tc.binary)
		})
	}
}

// TestOutcomeTable: the troubleshooting table of docs/operations.md has one row
// per word of the outcome vocabulary, in its order, and no other.
func TestOutcomeTable(t *testing.T) {
	sec := section(readFile(t, "docs/operations.md"), "Troubleshooting: outcomes")
	require.NotEmpty(t, sec)
	var words []string
	for _, row := range tableRows(sec) {
		words = append(words, strings.Trim(row[0], "`"))
	}
	assert.Equal(t, outcome.All(), words)
}

// TestFuzzTargetCount: the number of fuzz targets docs/architecture.md states is
// the number in the repository.
func TestFuzzTargetCount(t *testing.T) {
	n := 0
	fuzz := regexp.MustCompile(`(?m)^func Fuzz[A-Za-z0-9_]*\(`)
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, "_test.go") {
			raw, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n += len(fuzz.FindAll(raw, -1))
		}
		return nil
	}))
	require.Positive(t, n)
	stated := regexp.MustCompile(`(\d+) fuzz targets`).FindStringSubmatch(readFile(t, "docs/architecture.md"))
	require.NotNil(t, stated, "docs/architecture.md says how many fuzz targets there are")
	assert.Equal(t, strconv.Itoa(n), stated[1], "docs/architecture.md: the number of fuzz targets (func Fuzz… in *_test.go)")
}

// readmeCommands are the README's shell commands (one per line of its sh blocks,
// without the comment), and how each is exercised: run by this test, or by the
// named test or CI step, whose file must hold the given text.
var readmeCommands = map[string]struct {
	file, holds string                         // exercised elsewhere: file (from root) contains holds
	check       func(t *testing.T, out string) // run here, installed binaries on the PATH
}{
	"go run ./cmd/gitscrum-mcp --sandbox": {file: "cmd/gitscrum-mcp/main_test.go", holds: "func TestStdioSandbox("},
	"go test -race -count=1 ./...":        {file: ".ci/run", holds: "\ngo test -race -count=1 ./...\n"},
	".ci/run":                             {file: ".ci/run", holds: "#!/usr/bin/env bash"},
	"go install ./cmd/...":                {check: func(t *testing.T, _ string) {}}, // TestREADMECommands installs with it
	"gitscrum-mcp --version":              {check: checkVersion},
	"gitscrum-slack manifest --url https://slack-bot.example.com": {check: func(t *testing.T, out string) {
		m := manifest(t, out)
		assert.Contains(t, out, `"url": "https://slack-bot.example.com/slack/commands"`)
		assert.NotEqual(t, true, m.Settings["socket_mode_enabled"])
	}},
	"gitscrum-slack manifest": {check: func(t *testing.T, out string) {
		m := manifest(t, out)
		assert.Equal(t, true, m.Settings["socket_mode_enabled"])
	}},
}

// versionLine is what --version prints; the README shows one.
var versionLine = regexp.MustCompile(`^gitscrum-mcp (v\S+|dev) \((revision [0-9a-f]{40}, \S+(, modified)?; )?go\S+\)$`)

func checkVersion(t *testing.T, out string) {
	t.Helper()
	assert.Regexp(t, versionLine, strings.TrimSpace(out))
	shown := ""
	for _, block := range codeBlocks(section(readFile(t, "README.md"), "Install"), "") {
		shown += block
	}
	assert.Regexp(t, versionLine, strings.TrimSpace(shown), "the README shows a line of the same form")
}

type slackManifest struct {
	Settings map[string]any `json:"settings"`
	Features struct {
		SlashCommands []map[string]any `json:"slash_commands"`
	} `json:"features"`
}

func manifest(t *testing.T, out string) slackManifest {
	t.Helper()
	var m slackManifest
	require.NoError(t, json.Unmarshal([]byte(out), &m), out)
	require.NotEmpty(t, m.Features.SlashCommands)
	return m
}

// shellCommands returns the commands of md's sh blocks: one per line, comments and
// blank lines left out, spaces collapsed.
func shellCommands(md string) []string {
	var cmds []string
	for _, block := range codeBlocks(md, "sh") {
		for _, line := range strings.Split(block, "\n") {
			if i := strings.Index(line, " #"); i >= 0 {
				line = line[:i]
			}
			line = strings.Join(strings.Fields(line), " ")
			if line != "" && !strings.HasPrefix(line, "#") {
				cmds = append(cmds, line)
			}
		}
	}
	return cmds
}

// TestREADMECommands: every command the README shows is exercised: run here with
// the binaries it installs, or by the test or CI step readmeCommands names.
func TestREADMECommands(t *testing.T) {
	cmds := shellCommands(readFile(t, "README.md"))
	require.NotEmpty(t, cmds)
	dir := filepath.Dir(binary(t, "gitscrum-mcp")) // `go install ./cmd/...` into a temporary GOBIN
	for _, c := range cmds {
		how, ok := readmeCommands[c]
		if !assert.True(t, ok, "README.md shows %q, which no test runs: add it to readmeCommands", c) {
			continue
		}
		switch {
		case how.file != "":
			assert.Contains(t, readFile(t, how.file), how.holds, "%q is exercised by %s", c, how.file)
		case c == "go install ./cmd/...":
			for _, name := range []string{"gitscrum-mcp", "gitscrum-slack", "gitscrum-sandbox"} {
				assert.FileExists(t, filepath.Join(dir, name))
			}
		default:
			words := strings.Fields(c)
			out := run(t, words[0], words[1:]...)
			how.check(t, out)
		}
	}
	for c := range readmeCommands {
		assert.Contains(t, cmds, c, "readmeCommands lists %q, which README.md no longer shows", c)
	}
}

// TestREADMEJSON: every JSON block of the README (assistant configurations) is
// valid JSON.
func TestREADMEJSON(t *testing.T) {
	blocks := codeBlocks(readFile(t, "README.md"), "json")
	require.NotEmpty(t, blocks)
	for _, b := range blocks {
		assert.True(t, json.Valid([]byte(b)), "not JSON:\n%s", b)
	}
}
