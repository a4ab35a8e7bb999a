package deploy_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"
)

// Names in deploy/Dockerfile that the tests and the manifests rely on.
const (
	buildStage   = "build"
	binaryArg    = "BINARY"
	serverLabel  = "io.modelcontextprotocol.server.name"
	defaultImage = "gitscrum-mcp"
)

// imageBinaries are the binaries the Dockerfile can put in an image: the two with an
// HTTP mode (gitscrum-sandbox is for trying things out, not for deploying).
var imageBinaries = []string{"gitscrum-mcp", "gitscrum-slack"}

// dockerfile is deploy/Dockerfile as BuildKit's own parser reads it.
type dockerfile struct {
	stages   []instructions.Stage
	metaArgs []instructions.ArgCommand
	warnings []string
}

func parseDockerfile() (*dockerfile, error) {
	f, err := os.Open("Dockerfile")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("parse Dockerfile: %w", err)
	}
	d := &dockerfile{}
	for _, w := range res.Warnings {
		d.warnings = append(d.warnings, w.Short)
	}
	lint := linter.New(&linter.Config{Warn: func(rule, _, _, msg string, _ []parser.Range) {
		d.warnings = append(d.warnings, rule+": "+msg)
	}})
	d.stages, d.metaArgs, err = instructions.Parse(res.AST, lint)
	if err != nil {
		return nil, fmt.Errorf("parse Dockerfile instructions: %w", err)
	}
	return d, nil
}

func mustParseDockerfile(t *testing.T) *dockerfile {
	t.Helper()
	d, err := parseDockerfile()
	require.NoError(t, err)
	return d
}

// stage returns the stage called name.
func (d *dockerfile) stage(t *testing.T, name string) instructions.Stage {
	t.Helper()
	for _, s := range d.stages {
		if s.Name == name {
			return s
		}
	}
	require.Failf(t, "no such stage", "%q", name)
	return instructions.Stage{}
}

// metaArg is the default of the ARG declared before the first FROM.
func (d *dockerfile) metaArg(name string) (string, bool) {
	for _, a := range d.metaArgs {
		for _, kv := range a.Args {
			if kv.Key == name && kv.Value != nil {
				return *kv.Value, true
			}
		}
	}
	return "", false
}

// buildWords is the go build line of the build stage, split into words as the shell
// would split it.
func (d *dockerfile) buildWords() ([]string, error) {
	var found [][]string
	for _, s := range d.stages {
		for _, c := range s.Commands {
			run, ok := c.(*instructions.RunCommand)
			if !ok || !strings.Contains(strings.Join(run.CmdLine, " "), "go build") {
				continue
			}
			if s.Name != buildStage || !run.PrependShell {
				return nil, fmt.Errorf("go build runs in stage %q, shell form %v; want the %q stage, shell form", s.Name, run.PrependShell, buildStage)
			}
			words, err := shellWords(strings.Join(run.CmdLine, " "))
			if err != nil {
				return nil, err
			}
			found = append(found, words)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("want one go build line in the Dockerfile, found %d", len(found))
	}
	return found[0], nil
}

// dockerfileBuildLine is the Dockerfile's go build line, in words.
func dockerfileBuildLine() ([]string, error) {
	d, err := parseDockerfile()
	if err != nil {
		return nil, err
	}
	return d.buildWords()
}

// keepVars leaves every $variable as it is, so that two lines compare as written.
type keepVars struct{}

func (keepVars) Get(name string) (string, bool) { return "$" + name, true }
func (keepVars) Keys() []string                 { return nil }

// shellWords splits a shell command line into words with BuildKit's shell lexer.
func shellWords(line string) ([]string, error) {
	return shell.NewLex('\\').ProcessWords(line, keepVars{})
}

// ciBuildWords is the go build line of .ci/run, in words.
func ciBuildWords(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, ".ci", "run"))
	require.NoError(t, err)
	defer f.Close()
	var found [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "echo ") || !strings.Contains(line, "go build") {
			continue
		}
		words, err := shellWords(line)
		require.NoError(t, err)
		found = append(found, words)
	}
	require.NoError(t, sc.Err())
	require.Len(t, found, 1, ".ci/run has one go build line, the release build")
	return found[0]
}

// TestDockerfileBuildsLikeCI: the image's go build line is the one .ci/run builds
// the release binaries with, but for the output directory.
func TestDockerfileBuildsLikeCI(t *testing.T) {
	d := mustParseDockerfile(t)
	image, err := d.buildWords()
	require.NoError(t, err)
	ci := ciBuildWords(t)
	assert.Equal(t, replaceFlagValue(ci, "-o", "OUT/"), replaceFlagValue(image, "-o", "OUT/"),
		"deploy/Dockerfile and .ci/run build differently:\n  %s\n  %s", strings.Join(image, " "), strings.Join(ci, " "))
	env, cmd := splitAssignments(image)
	assert.Contains(t, env, "CGO_ENABLED=0", "a static binary, for an image without libc")
	assert.Contains(t, cmd, "-trimpath")
	assert.Equal(t, []string{"go", "build"}, cmd[:2])
	assert.Equal(t, "./cmd/...", cmd[len(cmd)-1])
}

func TestDockerfile(t *testing.T) {
	d := mustParseDockerfile(t)
	assert.Empty(t, d.warnings, "BuildKit's parser and linter have nothing to say")

	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	mf, err := modfile.ParseLax("go.mod", gomod, nil)
	require.NoError(t, err)
	build := d.stage(t, buildStage)
	assert.Equal(t, "golang:"+mf.Go.Version, build.BaseName, "the build stage uses the Go of go.mod")

	def, ok := d.metaArg(binaryArg)
	require.True(t, ok, "ARG %s before the first FROM", binaryArg)
	assert.Equal(t, defaultImage, def)
	final := d.stages[len(d.stages)-1]
	assert.Equal(t, "${"+binaryArg+"}", final.BaseName, "the last stage is the one %s names", binaryArg)

	for _, s := range d.stages {
		for _, c := range s.Commands {
			_, isHealthcheck := c.(*instructions.HealthCheckCommand)
			assert.False(t, isHealthcheck, "no HEALTHCHECK (stage %q): orchestrators probe /healthz", s.Name)
		}
	}

	for _, bin := range imageBinaries {
		t.Run(bin, func(t *testing.T) {
			img := d.image(t, bin)
			assert.Equal(t, "scratch", img.base, "nothing but the binary and CA certificates")
			assert.Equal(t, []string{"/" + bin}, img.entrypoint)
			uid, gid := img.ids(t)
			assert.NotZero(t, uid, "not root")
			assert.NotZero(t, gid, "not root's group")
			assert.Contains(t, img.copies, "/out/"+bin+" → /"+bin)
			assert.Contains(t, img.copies, "/etc/ssl/certs/ca-certificates.crt → /etc/ssl/certs/ca-certificates.crt")
			if bin == "gitscrum-mcp" {
				assert.Equal(t, mustServerJSON(t).Name, img.labels[serverLabel], "the MCP Registry checks this label against server.json")
			} else {
				assert.NotContains(t, img.labels, serverLabel)
			}
		})
	}
}

// image is what one image of the Dockerfile is made of, following its stages back
// to the base image.
type image struct {
	base       string
	user       string
	entrypoint []string
	labels     map[string]string
	copies     []string          // "source → destination" copied from the build stage
	chown      map[string]string // destination → --chown of a copy from the build stage
	env        map[string]string
	volumes    []string
}

// image resolves the stages of the image that BINARY=bin builds.
func (d *dockerfile) image(t *testing.T, bin string) image {
	t.Helper()
	img := image{labels: map[string]string{}, chown: map[string]string{}, env: map[string]string{}}
	name := strings.ReplaceAll(d.stages[len(d.stages)-1].BaseName, "${"+binaryArg+"}", bin)
	var chain []instructions.Stage
	for {
		var s *instructions.Stage
		for i := range d.stages {
			if d.stages[i].Name == name {
				s = &d.stages[i]
			}
		}
		if s == nil {
			img.base = name
			break
		}
		chain = append([]instructions.Stage{*s}, chain...)
		name = s.BaseName
	}
	lex := shell.NewLex('\\')
	expand := func(word string) (string, error) {
		w, _, err := lex.ProcessWord(word, keepVars{})
		return w, err
	}
	for _, s := range chain {
		for _, c := range s.Commands {
			if e, ok := c.(instructions.SupportsSingleWordExpansion); ok {
				require.NoError(t, e.Expand(expand), "expand %s", c.Name())
			}
			switch c := c.(type) {
			case *instructions.UserCommand:
				img.user = c.User
			case *instructions.EntrypointCommand:
				require.False(t, c.PrependShell, "ENTRYPOINT in exec form: there is no shell")
				img.entrypoint = c.CmdLine
			case *instructions.LabelCommand:
				for _, kv := range c.Labels {
					img.labels[kv.Key] = kv.Value
				}
			case *instructions.CopyCommand:
				if c.From == buildStage {
					for _, src := range c.SourcePaths {
						img.copies = append(img.copies, src+" → "+c.DestPath)
					}
					img.chown[c.DestPath] = c.Chown
				}
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					img.env[kv.Key] = kv.Value
				}
			case *instructions.VolumeCommand:
				img.volumes = append(img.volumes, c.Volumes...)
			}
		}
	}
	return img
}

// ids parses the numeric UID:GID of USER; a name could not be checked by
// runAsNonRoot and does not exist in a scratch image.
func (img image) ids(t *testing.T) (uid, gid int64) {
	t.Helper()
	u, g, ok := strings.Cut(img.user, ":")
	require.True(t, ok, "USER %q is UID:GID", img.user)
	uid, err1 := strconv.ParseInt(u, 10, 64)
	gid, err2 := strconv.ParseInt(g, 10, 64)
	require.NoError(t, errors.Join(err1, err2), "USER %q is numeric", img.user)
	return uid, gid
}
