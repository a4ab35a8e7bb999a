package deploy_test

import (
	"bufio"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/syncbuf"
)

// root is the repository root, relative to this package.
const root = ".."

// binaryNames are the commands under cmd/.
var binaryNames = []string{"gitscrum-mcp", "gitscrum-slack", "gitscrum-sandbox"}

// binDir holds the binaries built once for the package with the Dockerfile's go build
// line; TestMain removes it.
var binDir string

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
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var buildBinaries = sync.OnceValues(func() (string, error) {
	words, err := dockerfileBuildLine()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "gitscrum-deploy-test")
	if err != nil {
		return "", err
	}
	binDir = dir
	env, args := splitAssignments(words)
	args = replaceFlagValue(args, "-o", dir+string(filepath.Separator))
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s: %w\n%s", strings.Join(words, " "), err, out)
	}
	return dir, nil
})

// binary is the path of the named binary, built with the Dockerfile's go build line.
func binary(t *testing.T, name string) string {
	t.Helper()
	dir, err := buildBinaries()
	require.NoError(t, err, "build the binaries with the Dockerfile's go build line")
	return filepath.Join(dir, name)
}

// splitAssignments splits the leading NAME=value words of a shell command from the
// command itself.
func splitAssignments(words []string) (env, cmd []string) {
	i := 0
	for i < len(words) && regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`).MatchString(words[i]) {
		i++
	}
	return words[:i], words[i:]
}

// replaceFlagValue returns args with the value after flag replaced by value.
func replaceFlagValue(args []string, flag, value string) []string {
	out := append([]string(nil), args...)
	for i := 0; i+1 < len(out); i++ {
		if out[i] == flag {
			out[i+1] = value
		}
	}
	return out
}

// hermeticEnv is an environment with none of the caller's GITSCRUM_* or SLACK_*
// settings, plus extra.
func hermeticEnv(extra ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, extra...)
}

// flagInfo is one flag as -h prints it.
type flagInfo struct {
	def   string // the default, unquoted; "" when -h shows none
	usage string
}

// helpFlags runs bin -h and returns its flags by name, as flag.PrintDefaults lists them.
func helpFlags(t *testing.T, bin string) map[string]flagInfo {
	t.Helper()
	return parseFlagDefaults(help(t, bin))
}

// help is what bin -h prints.
func help(t *testing.T, bin string) string {
	t.Helper()
	cmd := exec.Command(bin, "-h")
	cmd.Env = hermeticEnv()
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s -h exits 0: %s", bin, out)
	return string(out)
}

var (
	flagLine   = regexp.MustCompile(`^  -([A-Za-z0-9][A-Za-z0-9._-]*)(?: \S+)?$`)
	defaultEnd = regexp.MustCompile(`\(default (.*)\)$`)
)

// parseFlagDefaults reads the output of flag.PrintDefaults.
func parseFlagDefaults(out string) map[string]flagInfo {
	flags := map[string]flagInfo{}
	name := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if m := flagLine.FindStringSubmatch(line); m != nil {
			name = m[1]
			flags[name] = flagInfo{}
			continue
		}
		if name == "" || !strings.HasPrefix(line, "    \t") {
			name = ""
			continue
		}
		f := flags[name]
		f.usage = strings.TrimSpace(f.usage + " " + strings.TrimSpace(line))
		if m := defaultEnd.FindStringSubmatch(f.usage); m != nil {
			f.def = strings.Trim(m[1], `"`)
		}
		flags[name] = f
	}
	return flags
}

var envName = regexp.MustCompile(`\b(?:GITSCRUM|SLACK)_[A-Z0-9_]+\b`)

// documentedEnv is every environment variable the named binary documents: in its
// -h output and in its package documentation (go doc ./cmd/<name>).
func documentedEnv(t *testing.T, name string) map[string]bool {
	t.Helper()
	text := help(t, binary(t, name))
	files, err := filepath.Glob(filepath.Join(root, "cmd", name, "*.go"))
	require.NoError(t, err)
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.ParseComments|parser.PackageClauseOnly)
		require.NoError(t, err)
		if f.Doc != nil {
			text += "\n" + f.Doc.Text()
		}
	}
	env := map[string]bool{}
	for _, name := range envName.FindAllString(text, -1) {
		env[name] = true
	}
	require.NotEmpty(t, env, "%s documents no environment variable", name)
	return env
}

// lockedBuffer collects output that is written while the test reads it.
type lockedBuffer = syncbuf.Buffer

// process is a binary running in the background.
type process struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan error
}

// start runs bin with args and env until the test ends.
func start(t *testing.T, bin string, args, env []string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), stderr: &lockedBuffer{}, done: make(chan error, 1)}
	p.cmd.Env = env
	p.cmd.Stderr = p.stderr
	require.NoError(t, p.cmd.Start())
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

var listenAddr = regexp.MustCompile(`\baddr=(\S+)`)

// addr waits for the address the process logs it listens on.
func (p *process) addr(t *testing.T) string {
	t.Helper()
	var addr string
	require.Eventually(t, func() bool {
		m := listenAddr.FindStringSubmatch(p.stderr.String())
		if m != nil {
			addr = m[1]
		}
		return m != nil
	}, 10*time.Second, 10*time.Millisecond, "no listen address logged:\n%s", p.stderr.String())
	return addr
}

// stop sends SIGTERM and waits up to within for a clean exit.
func (p *process) stop(t *testing.T, within time.Duration) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-p.done:
		require.NoError(t, err, "exit status after SIGTERM; stderr:\n%s", p.stderr.String())
	case <-time.After(within):
		t.Fatalf("still running %s after SIGTERM; stderr:\n%s", within, p.stderr.String())
	}
}
