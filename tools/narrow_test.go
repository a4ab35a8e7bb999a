package tools_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// pathClient connects mcp-go's streamable HTTP client to path, with headers.
func pathClient(t *testing.T, url, path string, headers map[string]string) *client.Client {
	t.Helper()
	c, err := client.NewStreamableHttpClient(url+path, transport.WithHTTPHeaders(headers))
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "narrow-test", Version: "1"}
	_, err = c.Initialize(context.Background(), init)
	require.NoError(t, err)
	return c
}

func listedTools(t *testing.T, c *client.Client) []string {
	t.Helper()
	res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	slices.Sort(names)
	return names
}

// TestHTTPNarrowing: X-MCP-Tools, X-MCP-Readonly and /mcp/readonly narrow what a
// request sees and may call; they never widen a read-only server.
func TestHTTPNarrowing(t *testing.T) {
	all := []string{"create_client", "get_client", "list_clients", "update_client"}
	reads := []string{"get_client", "list_clients"}
	for _, tc := range []struct {
		name     string
		readOnly bool // the server's own setting
		path     string
		headers  map[string]string
		want     []string
	}{
		{name: "nothing asked", path: tools.MCPPath, want: all},
		{name: "X-MCP-Tools", path: tools.MCPPath, headers: map[string]string{"X-MCP-Tools": "list_clients, get_client"}, want: reads},
		{name: "X-MCP-Tools with an empty item", path: tools.MCPPath, headers: map[string]string{"X-MCP-Tools": "update_client,,"}, want: []string{"update_client"}},
		{name: "X-MCP-Readonly true", path: tools.MCPPath, headers: map[string]string{"X-MCP-Readonly": "true"}, want: reads},
		{name: "X-MCP-Readonly false", path: tools.MCPPath, headers: map[string]string{"X-MCP-Readonly": "false"}, want: all},
		// Read as GITSCRUM_READ_ONLY is (settings.ParseBool): yes and on count too.
		{name: "X-MCP-Readonly yes", path: tools.MCPPath, headers: map[string]string{"X-MCP-Readonly": "yes"}, want: reads},
		{name: "X-MCP-Readonly ON", path: tools.MCPPath, headers: map[string]string{"X-MCP-Readonly": " ON "}, want: reads},
		{name: "X-MCP-Readonly no", path: tools.MCPPath, headers: map[string]string{"X-MCP-Readonly": "no"}, want: all},
		{name: "both", path: tools.MCPPath, headers: map[string]string{"X-MCP-Readonly": "1", "X-MCP-Tools": "get_client,create_client"}, want: []string{"get_client"}},
		{name: "/mcp/readonly", path: tools.ReadOnlyPath, want: reads},
		{name: "/mcp/readonly ignores X-MCP-Readonly false", path: tools.ReadOnlyPath, headers: map[string]string{"X-MCP-Readonly": "false"}, want: reads},
		{name: "read-only server, X-MCP-Readonly false", readOnly: true, path: tools.MCPPath, headers: map[string]string{"X-MCP-Readonly": "false"}, want: reads},
		{name: "read-only server, X-MCP-Tools names a write tool", readOnly: true, path: tools.MCPPath, headers: map[string]string{"X-MCP-Tools": "create_client,get_client"}, want: []string{"get_client"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mods []func(*envConfig)
			if tc.readOnly {
				mods = append(mods, withReadOnly())
			}
			e, url := httpEnv(t, tools.HTTPOptions{Loopback: true}, mods...)
			c := pathClient(t, url, tc.path, tc.headers)
			assert.Equal(t, tc.want, listedTools(t, c))
			for _, name := range all {
				req := mcp.CallToolRequest{}
				req.Params.Name = name
				req.Params.Arguments = map[string]any{"client": "Initech", "name": "Narrowed Co"}
				before := len(e.emu.Requests())
				_, err := c.CallTool(context.Background(), req)
				if slices.Contains(tc.want, name) {
					assert.NoError(t, err, name)
					continue
				}
				require.Error(t, err, "%s is not visible, so it cannot be called", name)
				assert.Contains(t, err.Error(), "tool '"+name+"' not found")
				assert.Len(t, e.emu.Requests(), before, "%s sent nothing to GitScrum", name)
			}
		})
	}
}

// TestHTTPNarrowingRefused: an X-MCP-Tools name that is no tool, or an
// X-MCP-Readonly that is no boolean, is a 400 that says so.
func TestHTTPNarrowingRefused(t *testing.T) {
	_, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
	for _, tc := range []struct {
		header, value, want string
	}{
		{"X-MCP-Tools", "list_clients,delete_client", `"delete_client", which is no tool of this server; its tools are list_clients, get_client, create_client, update_client`},
		{"X-MCP-Tools", " , ", "names no tool"},
		{"X-MCP-Tools", strings.Repeat("get_client,", 65), "more than 64"},
		{"X-MCP-Readonly", "yes please", "X-MCP-Readonly must be true or false"},
	} {
		resp := rawPost(t, url, http.Header{tc.header: {tc.value}}, initializeBody)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, tc.value)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		var m map[string]string
		require.NoError(t, json.Unmarshal(body, &m))
		assert.Contains(t, m["message"], tc.want)
	}
}

// TestHTTPReadOnlyPathGuards: /mcp/readonly keeps the token rule and the Origin
// check of /mcp.
func TestHTTPReadOnlyPathGuards(t *testing.T) {
	_, url := httpEnv(t, tools.HTTPOptions{Loopback: false})
	req, err := http.NewRequest(http.MethodPost, url+tools.ReadOnlyPath, strings.NewReader(initializeBody))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no token on a non-loopback listener")

	_, url = httpEnv(t, tools.HTTPOptions{Loopback: true})
	req, err = http.NewRequest(http.MethodPost, url+tools.ReadOnlyPath, strings.NewReader(initializeBody))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://evil.example")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

// TestHTTPNarrowedToolsListIsPrivate: a narrowed tools/list is not what every
// caller sees, so its caching hint is private; an unnarrowed one is public.
func TestHTTPNarrowedToolsListIsPrivate(t *testing.T) {
	_, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
	scope := func(h http.Header) string {
		h.Set("Mcp-Protocol-Version", "2026-07-28")
		h.Set("Mcp-Method", "tools/list")
		resp := rawPost(t, url, h, `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{`+modernMeta+`}}`)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var m struct {
			Result struct {
				CacheScope string `json:"cacheScope"`
				Tools      []any  `json:"tools"`
			} `json:"result"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
		return m.Result.CacheScope + "/" + itoa(len(m.Result.Tools))
	}
	assert.Equal(t, "public/4", scope(http.Header{}))
	assert.Equal(t, "private/1", scope(http.Header{"X-Mcp-Tools": {"get_client"}}))
	assert.Equal(t, "private/2", scope(http.Header{"X-Mcp-Readonly": {"true"}}))
	// Two lines, as a proxy that appends its own sends them: only what both name.
	assert.Equal(t, "private/1", scope(http.Header{"X-Mcp-Tools": {"get_client,list_clients,update_client", "get_client"}}))
	assert.Equal(t, "private/1", scope(http.Header{"X-Mcp-Tools": {"get_client", "get_client,list_clients,update_client"}}))
}
