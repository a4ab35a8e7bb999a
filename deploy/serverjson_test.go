package deploy_test

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/version"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// serverSchema is the server.json format server.json is written in.
const serverSchema = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"

// serverJSON is the part of the MCP Registry's server.json format (schema
// 2025-12-11) that gitscrum-mcp uses; decoding rejects any other field.
type serverJSON struct {
	Schema      string `json:"$schema"`
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Repository  struct {
		URL       string `json:"url"`
		Source    string `json:"source"`
		Subfolder string `json:"subfolder"`
	} `json:"repository"`
	Version  string          `json:"version"`
	Packages []serverPackage `json:"packages"`
	Remotes  []serverRemote  `json:"remotes"`
}

type serverPackage struct {
	RegistryType string `json:"registryType"`
	Identifier   string `json:"identifier"`
	Version      string `json:"version"`
	Transport    struct {
		Type string `json:"type"`
	} `json:"transport"`
	EnvironmentVariables []serverInput `json:"environmentVariables"`
}

type serverRemote struct {
	Type      string                 `json:"type"`
	URL       string                 `json:"url"`
	Variables map[string]serverInput `json:"variables"`
	Headers   []serverInput          `json:"headers"`
}

// serverInput is an Input, KeyValueInput or InputWithVariables of the format.
type serverInput struct {
	Name        string                 `json:"name"`
	Description string                 `json:"description"`
	Value       string                 `json:"value"`
	Default     string                 `json:"default"`
	Format      string                 `json:"format"`
	Choices     []string               `json:"choices"`
	IsRequired  bool                   `json:"isRequired"`
	IsSecret    bool                   `json:"isSecret"`
	Variables   map[string]serverInput `json:"variables"`
}

func mustServerJSON(t *testing.T) serverJSON {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "server.json"))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s serverJSON
	require.NoError(t, dec.Decode(&s), "server.json")
	require.False(t, dec.More(), "one JSON value")
	return s
}

var templateVar = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

func TestServerJSON(t *testing.T) {
	s := mustServerJSON(t)
	assert.Equal(t, serverSchema, s.Schema)

	// The registry proves the io.github.<owner> namespace by GitHub login, and a Go
	// package by its module path starting github.com/<owner>/.
	parts := strings.Split(version.ModulePath, "/")
	require.Len(t, parts, 3)
	require.Equal(t, "github.com", parts[0])
	assert.Equal(t, "io.github."+parts[1]+"/"+tools.ServerName, s.Name, "named after the server's own name")
	assert.Regexp(t, `^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$`, s.Name)
	assert.NotEmpty(t, s.Description)
	assert.LessOrEqual(t, len([]rune(s.Description)), 100)
	assert.Equal(t, "https://"+version.ModulePath, s.Repository.URL)
	assert.Equal(t, "github", s.Repository.Source)
	assert.DirExists(t, filepath.Join(root, s.Repository.Subfolder))

	require.Len(t, s.Packages, 1)
	pkg := s.Packages[0]
	assert.Equal(t, "go", pkg.RegistryType)
	assert.Equal(t, version.ModulePath, pkg.Identifier)
	assert.Equal(t, "stdio", pkg.Transport.Type, "gitscrum-mcp speaks stdio unless given --http")

	// Environment: exactly what the binary documents, with its defaults.
	mcpBin := binary(t, "gitscrum-mcp")
	documented := documentedEnv(t, "gitscrum-mcp")
	flags := helpFlags(t, mcpBin)
	listed := map[string]bool{}
	for _, e := range pkg.EnvironmentVariables {
		assert.False(t, listed[e.Name], "%s listed twice", e.Name)
		listed[e.Name] = true
		assert.NotEmpty(t, e.Description, e.Name)
		if e.Default != "" {
			flag, ok := flagForEnv(flags, e.Name)
			require.True(t, ok, "no flag of gitscrum-mcp says (env %s), to compare its default", e.Name)
			def := flag.def
			if e.Format == "boolean" && def == "" {
				def = "false"
			}
			assert.Equal(t, def, e.Default, "%s: the default of its flag", e.Name)
		}
		for _, v := range acceptedValues(e) {
			assert.Equal(t, 0, exitCode(t, mcpBin, e.Name+"="+v), "gitscrum-mcp accepts %s=%s", e.Name, v)
		}
		if len(acceptedValues(e)) > 0 {
			assert.Equal(t, 2, exitCode(t, mcpBin, e.Name+"=not-a-choice"), "gitscrum-mcp checks %s", e.Name)
		}
	}
	assert.Equal(t, documented, listed, "server.json lists every variable gitscrum-mcp documents, and no other")
	assert.True(t, envInput(t, pkg, "GITSCRUM_TOKEN").IsSecret)

	// The HTTP remote: streamable HTTP at the binary's endpoint, with the bearer
	// token the binary requires on a non-loopback address.
	require.Len(t, s.Remotes, 1)
	remote := s.Remotes[0]
	assert.Equal(t, "streamable-http", remote.Type)
	u, err := url.Parse(templateVar.ReplaceAllLiteralString(remote.URL, "example.com"))
	require.NoError(t, err)
	assert.Equal(t, "https", u.Scheme, "TLS in front of the binary")
	assert.Equal(t, tools.MCPPath, u.Path)
	for _, m := range templateVar.FindAllStringSubmatch(remote.URL, -1) {
		assert.Contains(t, remote.Variables, m[1], "URL variable {%s}", m[1])
	}
	require.Len(t, remote.Headers, 1)
	auth := remote.Headers[0]
	assert.Equal(t, "Authorization", auth.Name)
	assert.True(t, strings.HasPrefix(auth.Value, "Bearer {"), "Authorization: Bearer <GitScrum token>")
	assert.True(t, auth.IsRequired && auth.IsSecret)
	for _, m := range templateVar.FindAllStringSubmatch(auth.Value, -1) {
		require.Contains(t, auth.Variables, m[1], "header variable {%s}", m[1])
		assert.True(t, auth.Variables[m[1]].IsSecret, m[1])
	}
}

// flagForEnv finds the flag whose usage says it mirrors the variable.
func flagForEnv(flags map[string]flagInfo, env string) (flagInfo, bool) {
	re := regexp.MustCompile(`\(env ` + regexp.QuoteMeta(env) + `[=)]`)
	for _, f := range flags {
		if re.MatchString(f.usage) {
			return f, true
		}
	}
	return flagInfo{}, false
}

// acceptedValues are the values server.json says a variable takes.
func acceptedValues(e serverInput) []string {
	if e.Format == "boolean" {
		return []string{"true", "false"}
	}
	return e.Choices
}

// exitCode runs gitscrum-mcp --version with env: 0 when the binary accepts the
// environment, 2 when it refuses it.
func exitCode(t *testing.T, bin string, env ...string) int {
	t.Helper()
	cmd := exec.Command(bin, "--version")
	cmd.Env = hermeticEnv(env...)
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	require.NoError(t, err)
	return 0
}

func envInput(t *testing.T, pkg serverPackage, name string) serverInput {
	t.Helper()
	for _, e := range pkg.EnvironmentVariables {
		if e.Name == name {
			return e
		}
	}
	require.Failf(t, "not listed", "%s", name)
	return serverInput{}
}

// TestServerJSONVersion: server.json describes the release it names. Its version is
// semver, its Go package is that release's module version, and a binary installed
// at it reports it in --version and in the MCP initialize answer. A binary built
// from this tree is never newer than that release: after tagging v<version>, the
// first change bumps server.json to the next version.
func TestServerJSONVersion(t *testing.T) {
	s := mustServerJSON(t)
	require.Len(t, s.Packages, 1)
	pkg := s.Packages[0]
	assert.Equal(t, "v"+s.Version, semver.Canonical("v"+s.Version), "version %q is MAJOR.MINOR.PATCH", s.Version)
	assert.Equal(t, "v"+s.Version, pkg.Version, "the Go module version of the release")
	assert.False(t, module.IsPseudoVersion(pkg.Version))

	installed := version.From(&debug.BuildInfo{Main: debug.Module{Path: version.ModulePath, Version: pkg.Version}})
	assert.Equal(t, pkg.Version, installed.Version, "what go install …@%s reports", pkg.Version)

	bi, err := buildinfo.ReadFile(binary(t, "gitscrum-mcp"))
	require.NoError(t, err)
	if built := version.From(bi).Version; built != version.Dev {
		assert.LessOrEqual(t, semver.Compare(built, pkg.Version), 0, "this tree (%s) is newer than server.json's release %s", built, pkg.Version)
		if !module.IsPseudoVersion(built) {
			assert.Equal(t, pkg.Version, semver.Canonical(built), "a release build is the release server.json names")
		}
	}
}

// TestServerJSONTransports speaks MCP to the built binary over both transports
// server.json names: it answers with the server name server.json is named after
// and with its own version.
func TestServerJSONTransports(t *testing.T) {
	s := mustServerJSON(t)
	bin := binary(t, "gitscrum-mcp")
	bi, err := buildinfo.ReadFile(bin)
	require.NoError(t, err)
	want := mcp.Implementation{Name: tools.ServerName, Version: version.From(bi).Version}
	_, serverName, _ := strings.Cut(s.Name, "/")
	assert.Equal(t, serverName, want.Name)

	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "deploy-test", Version: "1"}

	t.Run(s.Packages[0].Transport.Type, func(t *testing.T) {
		require.Equal(t, "stdio", s.Packages[0].Transport.Type)
		stderr := &lockedBuffer{}
		c, err := client.NewStdioMCPClientWithOptions(bin, hermeticEnv(), []string{"--sandbox"}, transport.WithCommandStderrWriter(stderr))
		require.NoError(t, err)
		defer c.Close()
		res, err := c.Initialize(context.Background(), init)
		require.NoError(t, err, stderr.String())
		assert.Equal(t, want.Name, res.ServerInfo.Name)
		assert.Equal(t, want.Version, res.ServerInfo.Version)
	})

	remote := s.Remotes[0]
	t.Run(remote.Type, func(t *testing.T) {
		require.Equal(t, "streamable-http", remote.Type)
		p := start(t, bin, []string{"--sandbox", "--http", "127.0.0.1:0"}, hermeticEnv())
		u, err := url.Parse(templateVar.ReplaceAllLiteralString(remote.URL, p.addr(t)))
		require.NoError(t, err)
		u.Scheme = "http" // no TLS proxy in the test
		c, err := client.NewStreamableHttpClient(u.String(), transport.WithHTTPHeaders(map[string]string{
			remote.Headers[0].Name: templateVar.ReplaceAllLiteralString(remote.Headers[0].Value, "sandbox-token"),
		}))
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, c.Start(context.Background()))
		res, err := c.Initialize(context.Background(), init)
		require.NoError(t, err, p.stderr.String())
		assert.Equal(t, want.Name, res.ServerInfo.Name)
		assert.Equal(t, want.Version, res.ServerInfo.Version)
	})
}
