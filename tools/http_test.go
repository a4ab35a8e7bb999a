package tools_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/version"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

// httpEnv serves the tools' HTTP handler over a real loopback listener.
func httpEnv(t *testing.T, o tools.HTTPOptions, mods ...func(*envConfig)) (*env, string) {
	t.Helper()
	e := newEnv(t, mods...)
	if o.Client == nil {
		o.Client = clientOf(t, e)
	}
	ts := httptest.NewServer(tools.NewHTTPHandler(e.srv, o))
	t.Cleanup(ts.Close)
	return e, ts.URL
}

// clientOf returns the gitscrum client the env's MCP server was built with.
func clientOf(t *testing.T, e *env) *gitscrum.Client {
	t.Helper()
	c, err := newGitscrumClient(e.url, emulator.DefaultToken)
	require.NoError(t, err)
	return c
}

// httpClient connects mcp-go's streamable HTTP client, with headers.
func httpClient(t *testing.T, url string, headers map[string]string) (*client.Client, error) {
	t.Helper()
	c, err := client.NewStreamableHttpClient(url+tools.MCPPath, transport.WithHTTPHeaders(headers))
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "http-test", Version: "1"}
	_, err = c.Initialize(ctx, init)
	return c, err
}

// rawPost posts one JSON-RPC message and returns the response.
func rawPost(t *testing.T, url string, header http.Header, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+tools.MCPPath, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

// tokensSeen returns the bearer tokens of the emulator's requests.
func tokensSeen(emu *emulator.Server) []string {
	var out []string
	for _, r := range emu.Requests() {
		out = append(out, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}
	return out
}

func TestHTTPRequestTokenIsUsed(t *testing.T) {
	for _, loopback := range []bool{true, false} {
		t.Run(fmt.Sprintf("loopback=%v", loopback), func(t *testing.T) {
			e, url := httpEnv(t, tools.HTTPOptions{Loopback: loopback})
			e.emu.AddToken("alice-token-0001")
			c, err := httpClient(t, url, map[string]string{"Authorization": "Bearer alice-token-0001"})
			require.NoError(t, err)
			res := callTool(t, c, "get_client", map[string]any{"client": emulator.DemoAcmeUUID})
			require.False(t, res.IsError, textOf(t, res))
			assert.Equal(t, []string{"alice-token-0001"}, tokensSeen(e.emu), "the request's token, never the server's")
		})
	}
}

// TestHTTPManyUsers: concurrent users each act with their own token.
func TestHTTPManyUsers(t *testing.T) {
	e, url := httpEnv(t, tools.HTTPOptions{Loopback: false})
	users := []string{"user-token-aaaa", "user-token-bbbb", "user-token-cccc"}
	clients := make([]*client.Client, len(users))
	for i, u := range users {
		e.emu.AddToken(u)
		c, err := httpClient(t, url, map[string]string{"Authorization": "Bearer " + u})
		require.NoError(t, err)
		clients[i] = c
	}
	const perUser = 5
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			for range perUser {
				res := callTool(t, c, "get_client", map[string]any{"client": emulator.DemoAcmeUUID})
				assert.False(t, res.IsError)
			}
		})
	}
	wg.Wait()
	count := map[string]int{}
	for _, tok := range tokensSeen(e.emu) {
		count[tok]++
	}
	assert.Equal(t, map[string]int{users[0]: perUser, users[1]: perUser, users[2]: perUser}, count)
}

func TestHTTPWithoutToken(t *testing.T) {
	t.Run("loopback: the server's own token is the fallback", func(t *testing.T) {
		e, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
		c, err := httpClient(t, url, nil)
		require.NoError(t, err)
		res := callTool(t, c, "get_client", map[string]any{"client": emulator.DemoAcmeUUID})
		require.False(t, res.IsError, textOf(t, res))
		assert.Equal(t, []string{emulator.DefaultToken}, tokensSeen(e.emu))
	})
	for _, tc := range []struct {
		name     string
		opts     tools.HTTPOptions
		envMods  []func(*envConfig)
		header   string
		wantAuth string
		wantMsg  string
	}{
		{name: "not loopback: 401", opts: tools.HTTPOptions{Loopback: false},
			wantAuth: `Bearer realm="gitscrum-mcp"`, wantMsg: "non-loopback address"},
		{name: "loopback, but the server has no token: 401", opts: tools.HTTPOptions{Loopback: true},
			envMods: []func(*envConfig){withToken("")}, wantAuth: `Bearer realm="gitscrum-mcp"`, wantMsg: "Authorization: Bearer <token>"},
		{name: "not a bearer token: 401", opts: tools.HTTPOptions{Loopback: true}, header: "Basic dXNlcjpwYXNz",
			wantAuth: `Bearer realm="gitscrum-mcp", error="invalid_request"`, wantMsg: "must be"},
		{name: "empty bearer: 401", opts: tools.HTTPOptions{Loopback: true}, header: "Bearer ",
			wantAuth: `Bearer realm="gitscrum-mcp", error="invalid_request"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, url := httpEnv(t, tc.opts, tc.envMods...)
			if tc.opts.Client == nil && len(tc.envMods) > 0 {
				// Rebuild the handler on a client without a token.
				c, err := newGitscrumClient(e.url, "")
				require.NoError(t, err)
				ts := httptest.NewServer(tools.NewHTTPHandler(e.srv, tools.HTTPOptions{Client: c, Loopback: tc.opts.Loopback}))
				t.Cleanup(ts.Close)
				url = ts.URL
			}
			h := http.Header{}
			if tc.header != "" {
				h.Set("Authorization", tc.header)
			}
			resp := rawPost(t, url, h, initializeBody)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.Equal(t, tc.wantAuth, resp.Header.Get("WWW-Authenticate"))
			var body map[string]string
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			assert.Equal(t, "unauthorized", body["error"])
			assert.Contains(t, body["message"], tc.wantMsg)
			assert.Empty(t, e.emu.Requests())
		})
	}
	t.Run("mcp-go client sees the refusal", func(t *testing.T) {
		_, url := httpEnv(t, tools.HTTPOptions{Loopback: false})
		_, err := httpClient(t, url, nil)
		require.Error(t, err)
	})
}

func TestHTTPInvalidRequestToken(t *testing.T) {
	_, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
	c, err := httpClient(t, url, map[string]string{"Authorization": "Bearer wrong-token-xyz"})
	require.NoError(t, err)
	res := callTool(t, c, "list_clients", nil)
	require.True(t, res.IsError)
	containsAll(t, textOf(t, res), "GitScrum refused the token sent in this request's Authorization header (401 Unauthorized)",
		`"Authorization: Bearer <token>"`)
	assert.NotContains(t, textOf(t, res), "wrong-token-xyz")
}

func TestHTTPSandboxIgnoresTokens(t *testing.T) {
	e, url := httpEnv(t, tools.HTTPOptions{Loopback: false, Sandbox: true})
	for _, h := range []map[string]string{nil, {"Authorization": "Bearer someone-elses-token"}} {
		c, err := httpClient(t, url, h)
		require.NoError(t, err)
		res := callTool(t, c, "get_client", map[string]any{"client": "Initech"})
		require.False(t, res.IsError, textOf(t, res))
	}
	for _, tok := range tokensSeen(e.emu) {
		assert.Equal(t, emulator.DefaultToken, tok)
	}
}

// TestHTTPHealthAndRouting: GET /healthz answers with the server's name and the
// version of HTTPOptions (version.Dev when none); any other path is a 404.
func TestHTTPHealthAndRouting(t *testing.T) {
	for _, tc := range []struct{ version, want string }{{"v9.9.9-test", "v9.9.9-test"}, {"", version.Dev}} {
		_, url := httpEnv(t, tools.HTTPOptions{Loopback: false, Version: tc.version})
		resp, err := http.Get(url + tools.HealthPath)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		var body map[string]string
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		assert.Equal(t, map[string]string{"status": "ok", "server": tools.ServerName, "version": tc.want}, body)
	}
	_, url := httpEnv(t, tools.HTTPOptions{Loopback: false})

	resp2, err := http.Get(url + "/nope")
	require.NoError(t, err)
	defer resp2.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp2.StatusCode)
}

// TestHTTPDNSRebinding: over loopback, a foreign Host or Origin is refused.
func TestHTTPDNSRebinding(t *testing.T) {
	_, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
	tests := []struct {
		name   string
		host   string
		origin string
		want   int
	}{
		{name: "foreign Host", host: "evil.example", want: http.StatusForbidden},
		{name: "foreign Origin", origin: "https://evil.example", want: http.StatusForbidden},
		{name: "null Origin", origin: "null", want: http.StatusForbidden},
		{name: "local Origin", origin: "http://localhost:6274", want: http.StatusOK},
		{name: "no Origin", want: http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, url+tools.MCPPath, strings.NewReader(initializeBody))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if tc.host != "" {
				req.Host = tc.host
			}
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tc.want, resp.StatusCode)
		})
	}
}

// TestHTTPBodyLimit: a body declared over MaxRequestBody gets 413 with a message
// that says the bound, before anything is read or authenticated; a chunked body is
// cut at the bound with 413 too; a body within it is served, chunked or not.
func TestHTTPBodyLimit(t *testing.T) {
	e, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
	message := func(pad int) string {
		return `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},` +
			`"clientInfo":{"name":"raw","version":"1"},"pad":"` + strings.Repeat("x", pad) + `"}}`
	}
	assert.Equal(t, 256<<10, tools.MaxRequestBody)

	resp := rawPost(t, url, http.Header{"Authorization": {"Bearer garbage-token"}}, message(tools.MaxRequestBody))
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	var body map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	assert.Equal(t, "request_too_large", body["error"])
	assert.Contains(t, body["message"], "this endpoint accepts at most 256 KiB (262144 bytes)")

	req, err := http.NewRequest(http.MethodPost, url+tools.MCPPath, io.MultiReader(strings.NewReader(message(tools.MaxRequestBody))))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.ContentLength = -1 // unknown: sent chunked
	chunked, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body = nil
	require.NoError(t, json.NewDecoder(chunked.Body).Decode(&body))
	_ = chunked.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, chunked.StatusCode, "chunked, cut at the bound")
	assert.Equal(t, "The request body is over 256 KiB (262144 bytes), the most this endpoint accepts.", body["message"])

	req, err = http.NewRequest(http.MethodPost, url+tools.MCPPath, io.MultiReader(strings.NewReader(initializeBody)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.ContentLength = -1
	small, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = small.Body.Close()
	assert.Equal(t, http.StatusOK, small.StatusCode, "a chunked body within the bound is served")

	resp = rawPost(t, url, nil, message(tools.MaxRequestBody-1024))
	assert.Equal(t, http.StatusOK, resp.StatusCode, "a body within the bound is served")
	assert.Empty(t, e.emu.Requests())
}

// TestHTTPForwardedNeverFallsBack: on loopback, a request without a token that a
// proxy relayed (any forwarding header, any value, any case) gets 401 with the
// Bearer challenge and a message saying why, and GitScrum is not called; the
// same request with its own token is served.
func TestHTTPForwardedNeverFallsBack(t *testing.T) {
	e, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
	e.emu.AddToken("user-token-proxy")
	for _, h := range []string{
		"Forwarded", "X-Forwarded-For", "x-forwarded-for", "X-Forwarded-Host", "X-Forwarded-Proto",
		"X-Real-IP", "X-Real-Ip", "True-Client-IP", "CF-Connecting-IP", "X-Client-IP", "Via",
	} {
		t.Run(h, func(t *testing.T) {
			e.emu.ResetRequests()
			req, err := http.NewRequest(http.MethodPost, url+tools.MCPPath, strings.NewReader(initializeBody))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			req.Header[h] = []string{""} // present, even empty
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.Equal(t, `Bearer realm="gitscrum-mcp"`, resp.Header.Get("WWW-Authenticate"))
			var body map[string]string
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			assert.Contains(t, body["message"], "This request came through a proxy (it carries ")
			assert.Contains(t, body["message"], "Authorization: Bearer <token>")
			assert.Empty(t, e.emu.Requests())
		})
	}
	c, err := httpClient(t, url, map[string]string{"X-Forwarded-For": "203.0.113.7", "Authorization": "Bearer user-token-proxy"})
	require.NoError(t, err)
	e.emu.ResetRequests()
	res := callTool(t, c, "get_client", map[string]any{"client": emulator.DemoAcmeUUID})
	require.False(t, res.IsError, textOf(t, res))
	assert.Equal(t, []string{"user-token-proxy"}, tokensSeen(e.emu))
}

// TestHTTPDrains: served as gitscrum-mcp serves it, on shutdown a call in flight
// finishes and its answer arrives.
func TestHTTPDrains(t *testing.T) {
	e := newEnv(t)
	e.emu.SetLatency(300 * time.Millisecond)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	h := tools.NewHTTPHandler(e.srv, tools.HTTPOptions{Client: clientOf(t, e), Loopback: true})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	srv := httpserver.ForSlowest(2*gitscrum.DefaultTimeout).Server(h, nil)
	go func() { done <- httpserver.Run(ctx, ln, srv, 5*time.Second, nil) }()
	url := "http://" + ln.Addr().String()

	c, err := httpClient(t, url, nil)
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
		got <- textOf(t, res)
	}()
	eventually(t, "the call to reach GitScrum", func() bool { return len(e.emu.Requests()) > 0 })
	cancel()
	select {
	case text := <-got:
		assert.Contains(t, text, "Acme Corp")
	case <-time.After(5 * time.Second):
		t.Fatal("the in-flight call got no answer")
	}
	require.NoError(t, <-done)
	_, err = net.DialTimeout("tcp", ln.Addr().String(), time.Second)
	assert.Error(t, err, "no new connections after shutdown")
}

func TestIsLoopbackAddr(t *testing.T) {
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:8080", true}, {"127.1.2.3:1", true}, {"[::1]:8080", true},
		{"0.0.0.0:8080", false}, {"[::]:8080", false}, {"192.0.2.10:80", false},
	} {
		a, err := net.ResolveTCPAddr("tcp", tc.addr)
		require.NoError(t, err)
		assert.Equal(t, tc.want, tools.IsLoopbackAddr(a), tc.addr)
	}
	assert.False(t, tools.IsLoopbackAddr(nil))
}
