// Package version tells which build of gitscrum-bridge is running, from the build
// information the go command embeds in every binary: the module version ("v1.2.0"
// after go install …@v1.2.0, a pseudo-version from a clone) and the VCS revision,
// commit time and modified flag. No -ldflags are needed for go install or go build.
package version

import (
	"runtime/debug"
	"strings"
)

// ModulePath is the path of the gitscrum-bridge module, as go.mod declares it.
const ModulePath = "github.com/gitscrum-bridge/gitscrum-bridge"

// Dev is the version of a build whose build information names none: a test
// binary, go run, or a build with -buildvcs=false from a clone ("(devel)").
const Dev = "dev"

// Info is what a binary knows of its own build.
type Info struct {
	// Version is the gitscrum-bridge module version, or [Dev].
	Version string
	// Revision is the VCS commit the binary was built from; "" when unknown
	// (built outside a repository, with -buildvcs=false, or as a dependency).
	Revision string
	// Time is the commit time of Revision (RFC 3339), or "".
	Time string
	// Modified says the work tree had uncommitted changes when it was built.
	Modified bool
	// GoVersion is the Go toolchain that built the binary, e.g. "go1.26.8".
	GoVersion string
}

// Read returns the build information of the running binary.
func Read() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Info{Version: Dev}
	}
	return From(bi)
}

// From extracts the gitscrum-bridge version from bi. When gitscrum-bridge is the
// main module, the VCS settings describe its revision; when another program
// imports it, the version is that of the dependency and the revision is unknown.
func From(bi *debug.BuildInfo) Info {
	info := Info{Version: Dev}
	if bi == nil {
		return info
	}
	info.GoVersion = bi.GoVersion
	if bi.Main.Path != ModulePath {
		for _, dep := range bi.Deps {
			if dep != nil && dep.Path == ModulePath {
				info.Version = moduleVersion(dep.Version)
				break
			}
		}
		return info
	}
	info.Version = moduleVersion(bi.Main.Version)
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// moduleVersion maps the go command's "(devel)" and "" to [Dev].
func moduleVersion(v string) string {
	if v == "" || v == "(devel)" {
		return Dev
	}
	return v
}

// Line is the --version output of program, without a newline:
//
//	gitscrum-mcp v1.2.0 (revision 0123abcd…, 2026-01-02T03:04:05Z, modified; go1.26.8)
//
// The parenthesis holds only what is known; with no build information at all it
// is "gitscrum-mcp dev".
func (i Info) Line(program string) string {
	var b strings.Builder
	b.WriteString(program)
	b.WriteByte(' ')
	b.WriteString(i.Version)
	var vcs []string
	if i.Revision != "" {
		vcs = append(vcs, "revision "+i.Revision)
	}
	if i.Time != "" {
		vcs = append(vcs, i.Time)
	}
	if i.Modified {
		vcs = append(vcs, "modified")
	}
	var parts []string
	if len(vcs) > 0 {
		parts = append(parts, strings.Join(vcs, ", "))
	}
	if i.GoVersion != "" {
		parts = append(parts, i.GoVersion)
	}
	if len(parts) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(parts, "; "))
		b.WriteByte(')')
	}
	return b.String()
}

// Stamp, when set at link time with -ldflags
// "-X github.com/gitscrum-bridge/gitscrum-bridge/internal/version.Stamp=v1.2.3", is
// the version the binaries report instead of the build information's. Empty in a
// plain go build or go install, which need no -ldflags.
var Stamp string

// Current is the version of the running binary: [Stamp] when set, else [Read]'s.
func Current() string {
	if Stamp != "" {
		return Stamp
	}
	return Read().Version
}

// UserAgent is the User-Agent the binaries send to GitScrum:
// "gitscrum-bridge/<Current>".
func UserAgent() string { return "gitscrum-bridge/" + Current() }

// Line is the --version output of the running program: [Info.Line] of [Read],
// with ver as the version when it is not empty. The binaries pass [Current], so
// that a [Stamp] shows too.
func Line(program, ver string) string {
	i := Read()
	if ver != "" {
		i.Version = ver
	}
	return i.Line(program)
}
