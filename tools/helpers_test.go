package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// env is an MCP server with the tools, an emulator it talks to over real HTTP, and
// mcp-go's in-process client connected to it.
type env struct {
	emu *emulator.Server
	url string
	srv *server.MCPServer
	mcp *client.Client

	mu    sync.Mutex
	calls []tools.Call
}

// envConfig is what a test may change before the env is built.
type envConfig struct {
	opts      tools.Options
	token     string
	clientOpt []gitscrum.Option
	// upstream wraps the emulator, to stand for a GitScrum that behaves otherwise.
	upstream func(http.Handler) http.Handler
}

func withReadOnly() func(*envConfig) { return func(c *envConfig) { c.opts.ReadOnly = true } }
func withSlug(s string) func(*envConfig) {
	return func(c *envConfig) { c.opts.CompanySlug = s }
}
func withToken(tok string) func(*envConfig) { return func(c *envConfig) { c.token = tok } }
func withUpstream(wrap func(http.Handler) http.Handler) func(*envConfig) {
	return func(c *envConfig) { c.upstream = wrap }
}
func withClientOptions(o ...gitscrum.Option) func(*envConfig) {
	return func(c *envConfig) { c.clientOpt = append(c.clientOpt, o...) }
}

// newEnv builds an env on the demo data, default workspace "demo", no retries.
func newEnv(t testing.TB, mods ...func(*envConfig)) *env {
	t.Helper()
	e := &env{emu: emulator.New(emulator.WithDemoData())}
	cfg := envConfig{opts: tools.Options{CompanySlug: emulator.DemoWorkspace}, token: emulator.DefaultToken}
	for _, m := range mods {
		m(&cfg)
	}
	var upstream http.Handler = e.emu
	if cfg.upstream != nil {
		upstream = cfg.upstream(e.emu)
	}
	ts := httptest.NewServer(upstream)
	t.Cleanup(ts.Close)
	e.url = ts.URL

	gopts := append([]gitscrum.Option{
		gitscrum.WithBaseURL(ts.URL), gitscrum.WithToken(cfg.token),
		gitscrum.WithRetryPolicy(gitscrum.NoRetries), gitscrum.WithTimeout(3 * time.Second),
	}, cfg.clientOpt...)
	gc, err := gitscrum.New(gopts...)
	require.NoError(t, err)
	cfg.opts.Client = gc
	cfg.opts.Observe = func(c tools.Call) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.calls = append(e.calls, c)
	}
	e.srv, err = tools.New(cfg.opts)
	require.NoError(t, err)
	e.mcp = connect(t, e.srv)
	return e
}

// connect starts and initializes an in-process client of srv.
func connect(t testing.TB, srv *server.MCPServer) *client.Client {
	t.Helper()
	c, err := client.NewInProcessClient(srv)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "tools-test", Version: "1"}
	_, err = c.Initialize(ctx, init)
	require.NoError(t, err)
	return c
}

// call calls a tool; a protocol error fails the test, since every failure must be a
// tool result. A successful result is checked against the tool's output schema.
func (e *env) call(t testing.TB, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	return callTool(t, e.mcp, name, args)
}

func callTool(t testing.TB, c *client.Client, name string, args any) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(context.Background(), req)
	require.NoError(t, err, "tool failures must be results, not protocol errors")
	if res.IsError || name == "list_clients" || !returnsClient(res) {
		require.Len(t, res.Content, 1, "one text block")
	} else {
		require.Len(t, res.Content, 2, "a text block and the client's resource_link")
	}
	if !res.IsError {
		require.NotNil(t, res.StructuredContent, "a success carries structuredContent")
		validateOutput(t, name, res.StructuredContent)
		if len(res.Content) == 2 {
			checkClientLink(t, res)
		}
	}
	return res
}

// returnsClient reports whether a result's structuredContent holds a client: every
// success of get, create and update does, except an answer to a question the user
// declined (see elicit.go), which has nothing to link to.
func returnsClient(res *mcp.CallToolResult) bool {
	m, ok := res.StructuredContent.(map[string]any)
	if !ok {
		return true
	}
	_, answered := m["answer"]
	return !answered
}

// checkClientLink asserts that a result's second content item is the resource_link
// of the client in its structuredContent.
func checkClientLink(t testing.TB, res *mcp.CallToolResult) {
	t.Helper()
	link, ok := res.Content[1].(mcp.ResourceLink)
	require.True(t, ok, "second content item is %T, not a resource_link", res.Content[1])
	rec := structured(t, res)["client"].(map[string]any)
	uuid, _ := rec["uuid"].(string)
	require.Equal(t, "resource_link", link.Type)
	require.True(t, strings.HasPrefix(link.URI, "gitscrum://") && strings.HasSuffix(link.URI, "/clients/"+uuid), link.URI)
	require.Equal(t, rec["name"], link.Name)
	require.Equal(t, "application/json", link.MIMEType)
}

// lastOutcome is the outcome Observe saw for the latest call.
func (e *env) lastOutcome(t testing.TB) string {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	require.NotEmpty(t, e.calls)
	return e.calls[len(e.calls)-1].Outcome
}

// textOf returns the text block of a result.
func textOf(t testing.TB, res *mcp.CallToolResult) string {
	t.Helper()
	switch c := res.Content[0].(type) {
	case mcp.TextContent:
		return c.Text
	case *mcp.TextContent:
		return c.Text
	}
	t.Fatalf("content is %T, not text", res.Content[0])
	return ""
}

// structured returns the structuredContent as the client sees it on the wire.
func structured(t testing.TB, res *mcp.CallToolResult) map[string]any {
	t.Helper()
	b, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

var (
	schemaOnce sync.Once
	schemas    map[string]*jsonschema.Schema
)

// validateOutput checks structured content against the tool's declared outputSchema
// with an independent JSON Schema validator.
func validateOutput(t testing.TB, tool string, v any) {
	t.Helper()
	schemaOnce.Do(func() {
		schemas = map[string]*jsonschema.Schema{}
		for _, def := range tools.Definitions(false) {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(def.RawOutputSchema))
			if err != nil {
				panic(err)
			}
			c := jsonschema.NewCompiler()
			loc := "mem://" + def.Name + ".json"
			if err := c.AddResource(loc, doc); err != nil {
				panic(err)
			}
			schemas[def.Name] = c.MustCompile(loc)
		}
	})
	b, err := json.Marshal(v)
	require.NoError(t, err)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err)
	require.NoError(t, schemas[tool].Validate(inst), "structuredContent of %s: %s", tool, b)
}

// newGitscrumClient returns a client of the emulator at url, without retries.
func newGitscrumClient(url, token string) (*gitscrum.Client, error) {
	return gitscrum.New(gitscrum.WithBaseURL(url), gitscrum.WithToken(token),
		gitscrum.WithRetryPolicy(gitscrum.NoRetries), gitscrum.WithTimeout(3*time.Second))
}

// postsTo counts the emulator's requests with a method, e.g. the creates.
func postsTo(emu *emulator.Server, method string) int {
	n := 0
	for _, r := range emu.Requests() {
		if r.Method == method {
			n++
		}
	}
	return n
}

// containsAll asserts that s contains every one of parts.
func containsAll(t testing.TB, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		require.True(t, strings.Contains(s, p), "%q not found in:\n%s", p, s)
	}
}
