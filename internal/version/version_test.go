package version_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/version"
)

const rev = "2577c65a1b2c3d4e5f60718293a4b5c6d7e8f901"

func TestFrom(t *testing.T) {
	main := func(v string, settings ...debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: version.ModulePath, Version: v}, Settings: settings}
	}
	vcs := []debug.BuildSetting{
		{Key: "-trimpath", Value: "true"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: rev},
		{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"},
		{Key: "vcs.modified", Value: "false"},
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want version.Info
		line string
	}{
		{
			name: "go install of a release",
			bi:   main("v1.2.0"),
			want: version.Info{Version: "v1.2.0", GoVersion: "go1.26.8"},
			line: "gitscrum-mcp v1.2.0 (go1.26.8)",
		},
		{
			name: "go build in a clean clone",
			bi:   main("v0.0.0-20260102030405-2577c65a1b2c", vcs...),
			want: version.Info{Version: "v0.0.0-20260102030405-2577c65a1b2c", Revision: rev, Time: "2026-01-02T03:04:05Z", GoVersion: "go1.26.8"},
			line: "gitscrum-mcp v0.0.0-20260102030405-2577c65a1b2c (revision " + rev + ", 2026-01-02T03:04:05Z; go1.26.8)",
		},
		{
			name: "go build in a clone with changes",
			bi: main("v0.0.0-20260102030405-2577c65a1b2c+dirty",
				debug.BuildSetting{Key: "vcs.revision", Value: rev}, debug.BuildSetting{Key: "vcs.modified", Value: "true"}),
			want: version.Info{Version: "v0.0.0-20260102030405-2577c65a1b2c+dirty", Revision: rev, Modified: true, GoVersion: "go1.26.8"},
			line: "gitscrum-mcp v0.0.0-20260102030405-2577c65a1b2c+dirty (revision " + rev + ", modified; go1.26.8)",
		},
		{
			name: "built with -buildvcs=false",
			bi:   main("(devel)"),
			want: version.Info{Version: version.Dev, GoVersion: "go1.26.8"},
			line: "gitscrum-mcp dev (go1.26.8)",
		},
		{
			name: "a dependency of another program: its version, not the program's revision",
			bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "example.com/other", Version: "v3.0.0"},
				Deps:     []*debug.Module{nil, {Path: "example.com/lib", Version: "v0.1.0"}, {Path: version.ModulePath, Version: "v1.4.0"}},
				Settings: vcs},
			want: version.Info{Version: "v1.4.0", GoVersion: "go1.26.8"},
			line: "gitscrum-mcp v1.4.0 (go1.26.8)",
		},
		{
			name: "another program that does not depend on it",
			bi:   &debug.BuildInfo{Main: debug.Module{Path: "example.com/other", Version: "v3.0.0"}},
			want: version.Info{Version: version.Dev},
			line: "gitscrum-mcp dev",
		},
		{name: "no build information", bi: nil, want: version.Info{Version: version.Dev}, line: "gitscrum-mcp dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := version.From(tt.bi)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.line, got.Line("gitscrum-mcp"))
		})
	}
}

func TestReadDescribesTheRunningBinary(t *testing.T) {
	got := version.Read()
	assert.Equal(t, runtime.Version(), got.GoVersion)
	assert.NotEmpty(t, got.Version)
}

func TestLineShowsTheGivenVersion(t *testing.T) {
	assert.Regexp(t, `^gitscrum-slack v9\.9\.9 \(.*`+regexp.QuoteMeta(runtime.Version())+`\)$`, version.Line("gitscrum-slack", "v9.9.9"))
	assert.Regexp(t, `^gitscrum-slack `+regexp.QuoteMeta(version.Read().Version)+`( |$)`, version.Line("gitscrum-slack", ""))
}

func TestModulePathIsGoMod(t *testing.T) {
	data, err := os.ReadFile("../../go.mod")
	require.NoError(t, err)
	assert.Equal(t, modfile.ModulePath(data), version.ModulePath)
}

// TestGitscrumVersionOfADependency builds a program that requires gitscrum-bridge
// at v1.2.3 (replaced by this tree) and prints its build information: From finds
// v1.2.3 in it, with no -ldflags.
func TestGitscrumVersionOfADependency(t *testing.T) {
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go tool builds the program under test")
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	ours, err := os.ReadFile(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	mf, err := modfile.ParseLax("go.mod", ours, nil)
	require.NoError(t, err)
	dir := t.TempDir()
	gomod := "module example.com/useragent\n\ngo " + mf.Go.Version + "\n\n" +
		"require " + version.ModulePath + " v1.2.3\n\nreplace " + version.ModulePath + " v1.2.3 => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	require.NoError(t, err)
	main := "package main\n\nimport (\n\t\"fmt\"\n\t\"runtime/debug\"\n\n\t_ \"" + version.ModulePath + "/gitscrum\"\n)\n\n" +
		"func main() {\n\tbi, _ := debug.ReadBuildInfo()\n\tfmt.Print(bi)\n}\n"
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "main.go": []byte(main)} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	bin := filepath.Join(dir, "useragent")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	build.Dir = dir
	// Offline: every module is already in the cache for this repository's build.
	build.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command(bin).CombinedOutput()
	require.NoError(t, err, "%s", out)
	bi, err := debug.ParseBuildInfo(string(out))
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "v1.2.3", version.From(bi).Version)
}

// TestCurrentPrefersTheStamp: a link-time Stamp is the version of --version and of
// the user agent; without one, the build information's.
func TestCurrentPrefersTheStamp(t *testing.T) {
	assert.Equal(t, version.Read().Version, version.Current())
	assert.Equal(t, "gitscrum-bridge/"+version.Read().Version, version.UserAgent())
	version.Stamp = "v9.8.7"
	t.Cleanup(func() { version.Stamp = "" })
	assert.Equal(t, "v9.8.7", version.Current())
	assert.Equal(t, "gitscrum-bridge/v9.8.7", version.UserAgent())
}
