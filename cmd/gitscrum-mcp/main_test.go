package main_test

import (
	"bufio"
	"bytes"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/syncbuf"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/version"
)

// testVersion is stamped into the binary under test, as a release build would be.
const testVersion = "v0.0.0-test"

// bin is the gitscrum-mcp binary, built once for the package.
var bin string

// stateHome is XDG_STATE_HOME for the tests: the default state store is under it.
var stateHome string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gitscrum-mcp-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "gitscrum-mcp")
	// The default state store lives under XDG_STATE_HOME: keep it out of the
	// home directory of whoever runs the tests, in-process and in children.
	stateHome = filepath.Join(dir, "state")
	_ = os.Setenv("XDG_STATE_HOME", stateHome)
	build := exec.Command("go", "build", "-o", bin,
		"-ldflags", "-X github.com/gitscrum-bridge/gitscrum-bridge/internal/version.Stamp="+testVersion, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build gitscrum-mcp:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// baseEnv is a hermetic environment: none of the caller's GITSCRUM_* settings.
func baseEnv(extra ...string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "XDG_STATE_HOME=" + stateHome}
	for _, k := range []string{"GITSCRUM_TOKEN", "GITSCRUM_API_URL", "GITSCRUM_COMPANY_SLUG", "GITSCRUM_TIMEOUT", "GITSCRUM_CACHE_TTL", "GITSCRUM_READ_ONLY", "GITSCRUM_LOG_LEVEL", "GITSCRUM_MAX_IN_FLIGHT", "GITSCRUM_MAX_CONNS",
		"GITSCRUM_DATABASE_URL", "GITSCRUM_DB_MAX_CONNS", "GITSCRUM_DB_MAX_IDLE_CONNS", "GITSCRUM_AUDIT_RETENTION"} {
		env = append(env, k+"=")
	}
	return append(env, extra...)
}

// lockedBuffer collects output that is written while the test reads it.
type lockedBuffer = syncbuf.Buffer

// waitFor waits until re matches what b holds and returns the first submatch.
func waitFor(t *testing.T, b *lockedBuffer, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(b.String()); m != nil {
			if len(m) > 1 {
				return m[1]
			}
			return m[0]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("stderr never matched %s:\n%s", re, b.String())
	return ""
}

// waitFor waits until re matches the buffer and returns the first submatch.

// emulator serves demo data on loopback for the binary to use as its GitScrum.
func startEmulator(t *testing.T) (*emulator.Server, string) {
	t.Helper()
	emu := emulator.New(emulator.WithDemoData())
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	return emu, ts.URL
}

func initRequest() mcp.InitializeRequest {
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "binary-test", Version: "1"}
	return init
}

// stdioClient spawns the binary with mcp-go's stdio client and initializes it.
func stdioClient(t *testing.T, env []string, args ...string) (*client.Client, *lockedBuffer, *mcp.InitializeResult) {
	t.Helper()
	stderr := &lockedBuffer{}
	c, err := client.NewStdioMCPClientWithOptions(bin, env, args, transport.WithCommandStderrWriter(stderr))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	res, err := c.Initialize(context.Background(), initRequest())
	require.NoError(t, err, stderr.String())
	return c, stderr, res
}

func callTool(t *testing.T, c *client.Client, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(context.Background(), req)
	require.NoError(t, err)
	return res
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

func toolNames(t *testing.T, c *client.Client) []string {
	t.Helper()
	res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}

func TestVersion(t *testing.T) {
	out, err := exec.Command(bin, "--version").CombinedOutput()
	require.NoError(t, err)
	bi, err := buildinfo.ReadFile(bin)
	require.NoError(t, err)
	want := version.From(bi)
	want.Version = testVersion // the -ldflags -X stamp wins over the build information
	assert.Equal(t, want.Line("gitscrum-mcp")+"\n", string(out))
	assert.True(t, strings.HasPrefix(string(out), "gitscrum-mcp "+testVersion+" ("), "%s", out)
}

func TestBadUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  []string
		want string
	}{
		{args: []string{"--log-level", "loud"}, want: `invalid value "loud" for flag -log-level: want debug, info, warn or error`},
		{env: []string{"GITSCRUM_LOG_LEVEL=loud"}, want: `GITSCRUM_LOG_LEVEL="loud"`},
		{env: []string{"GITSCRUM_MAX_IN_FLIGHT=0"}, want: `GITSCRUM_MAX_IN_FLIGHT="0": want a whole number from 1`},
		{args: []string{"--max-conns", "none"}, want: `invalid value "none" for flag -max-conns`},
		{args: []string{"--no-such-flag"}, want: "flag provided but not defined"},
		{args: []string{"extra"}, want: `unexpected argument "extra"`},
		{env: []string{"GITSCRUM_READ_ONLY=perhaps"}, want: "GITSCRUM_READ_ONLY"},
		{env: []string{"GITSCRUM_TIMEOUT=soon"}, want: "GITSCRUM_TIMEOUT"},
		// A flag refuses what its environment variable refuses (internal/settings).
		{args: []string{"--sandbox", "--timeout=0"}, want: `invalid value "0" for flag -timeout: want a duration above 0`},
		{args: []string{"--sandbox", "--timeout=-1s"}, want: `invalid value "-1s" for flag -timeout`},
		{env: []string{"GITSCRUM_TIMEOUT=0"}, args: []string{"--sandbox"}, want: `GITSCRUM_TIMEOUT="0": want a duration above 0`},
		{args: []string{"--sandbox", "--cache-ttl=-1s"}, want: `invalid value "-1s" for flag -cache-ttl`},
		{args: []string{"--sandbox", "--shutdown-timeout=-1s"}, want: `invalid value "-1s" for flag -shutdown-timeout`},
		{args: []string{"--sandbox=maybe"}, want: `invalid boolean value "maybe" for -sandbox`},
	} {
		cmd := exec.Command(bin, tc.args...)
		cmd.Env = baseEnv(tc.env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "%v %v", tc.args, tc.env)
		assert.Equal(t, 2, exit.ExitCode())
		assert.Contains(t, stderr.String(), tc.want)
	}
}

// TestPortInUse: an --http address already taken is one error line and exit 1,
// with nothing logged before it as if the server had started.
func TestPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--sandbox", "--http", busy.Addr().String())
	cmd.Env = baseEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "exits non-zero: %s", stderr.String())
	assert.Equal(t, 1, exit.ExitCode())
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	require.Len(t, lines, 1, "one line:\n%s", stderr.String())
	assert.Contains(t, lines[0], `level=ERROR msg="gitscrum-mcp cannot start"`)
	assert.Contains(t, lines[0], "address already in use")
}

// TestStdioSandbox: the README's main command, driven by a real MCP client over
// real stdio pipes.
func TestStdioSandbox(t *testing.T) {
	c, stderr, init := stdioClient(t, baseEnv(), "--sandbox")
	assert.Equal(t, "gitscrum-mcp", init.ServerInfo.Name)
	assert.Equal(t, testVersion, init.ServerInfo.Version)
	assert.ElementsMatch(t, []string{"list_clients", "get_client", "create_client", "update_client"}, toolNames(t, c))

	res := callTool(t, c, "get_client", map[string]any{"client": "acme corp"})
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), emulator.DemoAcmeUUID)
	sc, _ := json.Marshal(res.StructuredContent)
	assert.Contains(t, string(sc), `"name":"Acme Corp"`)

	res = callTool(t, c, "create_client", map[string]any{"name": "Acme Corp"})
	require.True(t, res.IsError)
	assert.Contains(t, text(res), "Not created")

	assert.Contains(t, stderr.String(), "sandbox mode")
}

func TestStdioReadOnly(t *testing.T) {
	for name, setup := range map[string]struct {
		env  []string
		args []string
	}{
		"flag": {args: []string{"--sandbox", "--read-only"}},
		"env":  {env: []string{"GITSCRUM_READ_ONLY=1"}, args: []string{"--sandbox"}},
		// The same spellings as gitscrum-slack (internal/settings).
		"env yes": {env: []string{"GITSCRUM_READ_ONLY=yes"}, args: []string{"--sandbox"}},
		"flag on": {args: []string{"--sandbox", "--read-only=on"}},
	} {
		t.Run(name, func(t *testing.T) {
			c, _, init := stdioClient(t, baseEnv(setup.env...), setup.args...)
			assert.ElementsMatch(t, []string{"list_clients", "get_client"}, toolNames(t, c))
			assert.Contains(t, init.Instructions, "Read-only")
		})
	}
}

// TestStdioUpstream: configured through the environment against a GitScrum (the
// emulator); the token never reaches the logs, even at debug level.
func TestStdioUpstream(t *testing.T) {
	emu, url := startEmulator(t)
	const token = "upstream-secret-token-123"
	emu.AddToken(token)
	c, stderr, _ := stdioClient(t, baseEnv("GITSCRUM_API_URL="+url, "GITSCRUM_TOKEN="+token, "GITSCRUM_COMPANY_SLUG=demo"), "--log-level", "debug")

	res := callTool(t, c, "list_clients", map[string]any{"query": "zurich"})
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "Zürich Versicherungen AG")
	require.NotEmpty(t, emu.Requests())
	assert.Equal(t, "Bearer "+token, emu.Requests()[0].Header.Get("Authorization"))

	emu.ExpireToken(token)
	res = callTool(t, c, "get_client", map[string]any{"client": "Initech"})
	require.True(t, res.IsError)
	assert.Contains(t, text(res), "it has expired")
	assert.NotContains(t, text(res), token)
	assert.Contains(t, stderr.String(), "tool call")
	assert.NotContains(t, stderr.String(), token)
}

func TestStdioWithoutTokenOrWorkspace(t *testing.T) {
	c, stderr, _ := stdioClient(t, baseEnv())
	res := callTool(t, c, "list_clients", nil)
	require.True(t, res.IsError)
	assert.Contains(t, text(res), "No workspace given")
	res = callTool(t, c, "list_clients", map[string]any{"company_slug": "demo"})
	require.True(t, res.IsError)
	assert.Contains(t, text(res), "GITSCRUM_TOKEN")
	assert.Contains(t, stderr.String(), "GITSCRUM_TOKEN is not set")
}

// startHTTP runs the binary with --http and returns the port it listens on.
func startHTTP(t *testing.T, env []string, addr string, extra ...string) (*exec.Cmd, string, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--http", addr}, extra...)...)
	cmd.Env = env
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
	})
	port := waitFor(t, stderr, regexp.MustCompile(`addr=\S*:(\d+)`))
	return cmd, port, stderr
}

func httpMCPClient(t *testing.T, url, token string) (*client.Client, error) {
	t.Helper()
	var opts []transport.StreamableHTTPCOption
	if token != "" {
		opts = append(opts, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
	}
	c, err := client.NewStreamableHttpClient(url, opts...)
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	_, err = c.Initialize(context.Background(), initRequest())
	return c, err
}

// TestHTTPBinary: the token rules over real HTTP, on a loopback address and on all
// interfaces.
func TestHTTPBinary(t *testing.T) {
	emu, upstreamURL := startEmulator(t)
	emu.AddToken("user-token-0001")
	env := baseEnv("GITSCRUM_API_URL="+upstreamURL, "GITSCRUM_TOKEN="+emulator.DefaultToken, "GITSCRUM_COMPANY_SLUG=demo")

	t.Run("loopback", func(t *testing.T) {
		_, port, stderr := startHTTP(t, env, "127.0.0.1:0")
		url := "http://127.0.0.1:" + port
		assert.Contains(t, stderr.String(), "token_fallback=true")

		resp, err := http.Get(url + "/healthz")
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)

		emu.ResetRequests()
		c, err := httpMCPClient(t, url+"/mcp", "")
		require.NoError(t, err)
		res := callTool(t, c, "get_client", map[string]any{"client": emulator.DemoAcmeUUID})
		require.False(t, res.IsError, text(res))
		assert.Equal(t, "Bearer "+emulator.DefaultToken, emu.Requests()[0].Header.Get("Authorization"), "without a token: the server's own")

		emu.ResetRequests()
		c2, err := httpMCPClient(t, url+"/mcp", "user-token-0001")
		require.NoError(t, err)
		res = callTool(t, c2, "get_client", map[string]any{"client": emulator.DemoAcmeUUID})
		require.False(t, res.IsError, text(res))
		assert.Equal(t, "Bearer user-token-0001", emu.Requests()[0].Header.Get("Authorization"), "with a token: the request's")

		emu.ResetRequests()
		req, _ := http.NewRequest(http.MethodPost, url+"/mcp", strings.NewReader(
			`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_clients","arguments":{}}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		resp, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "relayed by a proxy: no fallback")
		assert.Equal(t, `Bearer realm="gitscrum-mcp"`, resp.Header.Get("WWW-Authenticate"))
		assert.Empty(t, emu.Requests())
	})

	t.Run("all interfaces", func(t *testing.T) {
		_, port, stderr := startHTTP(t, env, "0.0.0.0:0")
		url := "http://127.0.0.1:" + port
		assert.Contains(t, stderr.String(), "loopback=false")

		req, _ := http.NewRequest(http.MethodPost, url+"/mcp", strings.NewReader(
			`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.Equal(t, `Bearer realm="gitscrum-mcp"`, resp.Header.Get("WWW-Authenticate"))

		emu.ResetRequests()
		c, err := httpMCPClient(t, url+"/mcp", "user-token-0001")
		require.NoError(t, err)
		res := callTool(t, c, "list_clients", map[string]any{"query": "initech"})
		require.False(t, res.IsError, text(res))
		for _, r := range emu.Requests() {
			assert.Equal(t, "Bearer user-token-0001", r.Header.Get("Authorization"))
		}
	})
}

// rawStdio runs the binary with plain pipes, for the signal tests.
type rawStdio struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	lines  chan map[string]any
	stderr *lockedBuffer
}

func startRawStdio(t *testing.T, env []string, args ...string) *rawStdio {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	r := &rawStdio{cmd: cmd, in: in, lines: make(chan map[string]any, 16), stderr: &lockedBuffer{}}
	cmd.Stderr = r.stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				m = map[string]any{"not-json": sc.Text()}
			}
			r.lines <- m
		}
		close(r.lines)
	}()
	r.send(t, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	require.EqualValues(t, 1, r.next(t)["id"])
	r.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return r
}

func (r *rawStdio) send(t *testing.T, line string) {
	t.Helper()
	_, err := io.WriteString(r.in, line+"\n")
	require.NoError(t, err)
}

func (r *rawStdio) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case m, ok := <-r.lines:
		require.True(t, ok, "stdout closed; stderr:\n%s", r.stderr.String())
		return m
	case <-time.After(10 * time.Second):
		t.Fatalf("no answer; stderr:\n%s", r.stderr.String())
	}
	return nil
}

// exitCode waits for the process and returns its exit code.
func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if err != nil && !assert.ErrorAs(t, err, &exit) {
			return -1
		}
		return cmd.ProcessState.ExitCode()
	case <-time.After(10 * time.Second):
		t.Fatal("the process did not exit")
	}
	return -1
}

// waitForRequest waits until the emulator has received a request: the call is in
// flight.
func waitForRequest(t *testing.T, emu *emulator.Server) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(emu.Requests()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the call never reached the emulator")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSignalStdio: on SIGTERM the call in flight is answered, a request sent after
// the signal is not, and the process exits 0.
func TestSignalStdio(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			emu, url := startEmulator(t)
			emu.SetLatency(500 * time.Millisecond)
			r := startRawStdio(t, baseEnv("GITSCRUM_API_URL="+url, "GITSCRUM_TOKEN="+emulator.DefaultToken, "GITSCRUM_COMPANY_SLUG=demo"))
			r.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_client","arguments":{"client":%q}}}`, emulator.DemoAcmeUUID))
			waitForRequest(t, emu)
			require.NoError(t, r.cmd.Process.Signal(sig))
			waitFor(t, r.stderr, regexp.MustCompile(`shutting down`))
			r.send(t, `{"jsonrpc":"2.0","id":3,"method":"tools/list"}`)

			m := r.next(t)
			assert.EqualValues(t, 2, m["id"])
			assert.Contains(t, fmt.Sprint(m["result"]), "Acme Corp")
			assert.Equal(t, 0, exitCode(t, r.cmd), r.stderr.String())
			for m := range r.lines {
				t.Errorf("answered after the signal: %v", m)
			}
		})
	}
}

// TestSignalHTTP: on SIGTERM the HTTP server lets the call in flight finish and
// exits 0.
func TestSignalHTTP(t *testing.T) {
	emu, upstreamURL := startEmulator(t)
	emu.SetLatency(500 * time.Millisecond)
	cmd, port, stderr := startHTTP(t, baseEnv("GITSCRUM_API_URL="+upstreamURL, "GITSCRUM_TOKEN="+emulator.DefaultToken, "GITSCRUM_COMPANY_SLUG=demo"), "127.0.0.1:0")
	c, err := httpMCPClient(t, "http://127.0.0.1:"+port+"/mcp", "")
	require.NoError(t, err)

	got := make(chan string, 1)
	go func() {
		req := mcp.CallToolRequest{}
		req.Params.Name = "get_client"
		req.Params.Arguments = map[string]any{"client": emulator.DemoAcmeUUID}
		res, err := c.CallTool(context.Background(), req)
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		got <- text(res)
	}()
	waitForRequest(t, emu)
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case s := <-got:
		assert.Contains(t, s, "Acme Corp")
	case <-time.After(10 * time.Second):
		t.Fatal("no answer")
	}
	assert.Equal(t, 0, exitCode(t, cmd), stderr.String())
	assert.Contains(t, stderr.String(), "shutting down")
}
