package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/snapshot"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/version"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// updateSnapshots reports whether to rewrite the schema snapshots and the tools
// region of docs/mcp.md instead of comparing them: exactly when UPDATE_SNAPSHOTS=1.
func updateSnapshots() bool { return snapshot.Updating(os.Getenv) }

// TestSnapshotSwitch: UPDATE_SNAPSHOTS=0 compares (it used to rewrite, since any
// value did); only 1 rewrites.
func TestSnapshotSwitch(t *testing.T) {
	t.Setenv("UPDATE_SNAPSHOTS", "0")
	assert.False(t, updateSnapshots())
	t.Setenv("UPDATE_SNAPSHOTS", "1")
	assert.True(t, updateSnapshots())
}

func listTools(t *testing.T, e *env) []mcp.Tool {
	t.Helper()
	res, err := e.mcp.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	return res.Tools
}

func TestAnnotations(t *testing.T) {
	e := newEnv(t)
	type hints struct{ readOnly, destructive, idempotent, openWorld bool }
	want := map[string]hints{
		"list_clients":  {readOnly: true, destructive: false, idempotent: true, openWorld: true},
		"get_client":    {readOnly: true, destructive: false, idempotent: true, openWorld: true},
		"create_client": {readOnly: false, destructive: false, idempotent: false, openWorld: true},
		"update_client": {readOnly: false, destructive: true, idempotent: true, openWorld: true},
	}
	got := listTools(t, e)
	require.Len(t, got, 4)
	for _, tool := range got {
		a := tool.Annotations
		for _, p := range []*bool{a.ReadOnlyHint, a.DestructiveHint, a.IdempotentHint, a.OpenWorldHint} {
			require.NotNil(t, p, "%s: every hint is set explicitly", tool.Name)
		}
		assert.Equal(t, want[tool.Name], hints{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}, tool.Name)
		assert.NotEmpty(t, tool.Title, tool.Name)
		assert.Empty(t, a.Title, "%s: the title is sent once, as the tool's own title", tool.Name)
		assert.NotEmpty(t, tool.Description, tool.Name)
		assert.Equal(t, "object", tool.OutputSchema.Type, "%s declares an outputSchema", tool.Name)
		assert.Equal(t, false, tool.InputSchema.AdditionalProperties, "%s: unknown arguments are refused", tool.Name)
		assert.Contains(t, tool.InputSchema.Properties, "company_slug", tool.Name)
	}
}

func TestReadOnly(t *testing.T) {
	e := newEnv(t, withReadOnly())
	got := listTools(t, e)
	require.Len(t, got, 2)
	assert.ElementsMatch(t, []string{"list_clients", "get_client"}, []string{got[0].Name, got[1].Name})

	req := mcp.CallToolRequest{}
	req.Params.Name = "create_client"
	req.Params.Arguments = map[string]any{"name": "X"}
	_, err := e.mcp.CallTool(context.Background(), req)
	require.Error(t, err, "a tool that is not offered cannot be called")
	assert.Empty(t, e.emu.Requests())
	assert.Len(t, tools.Definitions(true), 2)
}

// TestDescriptionsNameTheAlternative: every tool description says when to use
// another tool instead, by its name.
func TestDescriptionsNameTheAlternative(t *testing.T) {
	want := map[string]string{
		"list_clients":  "use get_client",
		"get_client":    "use list_clients",
		"create_client": "use update_client",
		"update_client": "use create_client",
	}
	defs := tools.Definitions(false)
	require.Len(t, defs, len(want))
	for _, def := range defs {
		assert.Contains(t, def.Description, want[def.Name], def.Name)
	}
}

// TestSchemasAreJSONSchema2020: every input and output schema compiles as JSON
// Schema 2020-12 (the compiler checks it against the meta-schema), and the compact
// output schemas still refuse a record with a field missing or of the wrong type.
func TestSchemasAreJSONSchema2020(t *testing.T) {
	compile := func(t *testing.T, name string, raw []byte) *jsonschema.Schema {
		t.Helper()
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		require.NoError(t, err)
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		require.NoError(t, c.AddResource(name, doc))
		s, err := c.Compile(name)
		require.NoError(t, err, "%s: %s", name, raw)
		return s
	}
	out := map[string]*jsonschema.Schema{}
	for _, def := range tools.Definitions(false) {
		in, err := json.Marshal(def.InputSchema)
		require.NoError(t, err)
		compile(t, "mem://"+def.Name+"/input.json", in)
		out[def.Name] = compile(t, "mem://"+def.Name+"/output.json", def.RawOutputSchema)
	}
	record := `"uuid":"u1","name":"Acme","email":"","phone":"","website":"","address":"","notes":"","projects_count":2,"invoices_total":10.5`
	for _, tc := range []struct {
		tool, doc string
		ok        bool
	}{
		{"get_client", `{"client":{` + record + `,"created_at":"2024-01-02T03:04:05Z"}}`, true},
		{"get_client", `{"client":{` + record + `}}`, true},
		{"get_client", `{"client":{"name":"Acme","email":"","phone":"","website":"","address":"","notes":"","projects_count":2,"invoices_total":1}}`, false},
		{"get_client", `{"client":{` + strings.Replace(record, `"name":"Acme"`, `"name":7`, 1) + `}}`, false},
		{"create_client", `{"client":{` + strings.Replace(record, `"projects_count":2`, `"projects_count":"2"`, 1) + `}}`, false},
		{"create_client", `{"client":{` + strings.Replace(record, `"projects_count":2`, `"projects_count":2.5`, 1) + `}}`, false},
		{"update_client", `{"client":{` + record + `},"changes":[{"field":"name","before":"A","after":"Acme"}]}`, true},
		{"update_client", `{"client":{` + record + `},"changes":[{"field":"name","before":"A"}]}`, false},
		{"update_client", `{"client":{` + record + `}}`, false},
		{"list_clients", `{"total":1,"offset":0,"clients":[{"uuid":"u1","name":"Acme"}]}`, true},
		{"list_clients", `{"total":3,"offset":0,"next_offset":1,"clients":[{"uuid":"u1","name":"Acme"}]}`, true},
		{"list_clients", `{"total":1,"offset":0,"clients":[{"uuid":"u1"}]}`, false},
		{"list_clients", `{"total":1,"offset":0,"clients":[{"uuid":"u1","name":null}]}`, false},
		{"list_clients", `{"total":"1","offset":0,"clients":[]}`, false},
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(tc.doc))
		require.NoError(t, err)
		err = out[tc.tool].Validate(inst)
		if tc.ok {
			assert.NoError(t, err, "%s: %s", tc.tool, tc.doc)
		} else {
			assert.Error(t, err, "%s: %s", tc.tool, tc.doc)
		}
	}
}

// toolsListBudget bounds the tools/list result for all four tools, as the server
// sends it: a model reads it at the start of every conversation.
const toolsListBudget = 4500

// TestToolsListSize: the tools/list result, marshalled by the server exactly as it
// goes on the wire (the "result" member of the JSON-RPC answer), stays within
// toolsListBudget bytes with every tool and its output schema.
func TestToolsListSize(t *testing.T) {
	e := newEnv(t)
	resp := e.srv.HandleMessage(context.Background(), json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	b, err := json.Marshal(resp)
	require.NoError(t, err)
	var msg struct {
		Result json.RawMessage `json:"result"`
	}
	require.NoError(t, json.Unmarshal(b, &msg))
	var res struct {
		Tools []struct {
			Name         string          `json:"name"`
			OutputSchema json.RawMessage `json:"outputSchema"`
		} `json:"tools"`
	}
	require.NoError(t, json.Unmarshal(msg.Result, &res))
	require.Len(t, res.Tools, 4)
	for _, tool := range res.Tools {
		assert.NotEmpty(t, tool.OutputSchema, "%s keeps its outputSchema", tool.Name)
	}
	t.Logf("tools/list result: %d bytes for %d tools (%d with the JSON-RPC envelope)", len(msg.Result), len(res.Tools), len(b))
	assert.LessOrEqual(t, len(msg.Result), toolsListBudget, "tools/list result bytes")
}

// TestSchemaSnapshots: each tool's definition (title, description, annotations,
// input and output schema) is kept in testdata/<tool>.json. UPDATE_SNAPSHOTS=1
// rewrites the files.
func TestSchemaSnapshots(t *testing.T) {
	for _, def := range tools.Definitions(false) {
		t.Run(def.Name, func(t *testing.T) {
			got, err := json.MarshalIndent(def, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			path := filepath.Join("testdata", def.Name+".json")
			if updateSnapshots() {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no snapshot; run the tests with UPDATE_SNAPSHOTS=1")
			assert.Equal(t, string(want), string(got), "%s changed; if intended, run the tests with UPDATE_SNAPSHOTS=1", path)
		})
	}
}

func TestInstructions(t *testing.T) {
	for _, tc := range []struct {
		mods []func(*envConfig)
		want []string
	}{
		{want: []string{"clients (customer companies) of a GitScrum workspace", "Default workspace: demo"}},
		{mods: []func(*envConfig){withSlug(""), withReadOnly()}, want: []string{"No default workspace", "Read-only"}},
	} {
		e := newEnv(t, tc.mods...)
		c, err := client.NewInProcessClient(e.srv)
		require.NoError(t, err)
		require.NoError(t, c.Start(context.Background()))
		init := mcp.InitializeRequest{}
		init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
		res, err := c.Initialize(context.Background(), init)
		require.NoError(t, err)
		containsAll(t, res.Instructions, tc.want...)
		assert.Equal(t, tools.ServerName, res.ServerInfo.Name)
		_ = c.Close()
	}
}

// TestServerVersion: the initialize answer gives Options.Version as the server's
// version, and version.Dev when none is set.
func TestServerVersion(t *testing.T) {
	for _, tc := range []struct{ version, want string }{{"v9.9.9-test", "v9.9.9-test"}, {"", version.Dev}} {
		e := newEnv(t, func(c *envConfig) { c.opts.Version = tc.version })
		c, err := client.NewInProcessClient(e.srv)
		require.NoError(t, err)
		require.NoError(t, c.Start(context.Background()))
		init := mcp.InitializeRequest{}
		init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
		res, err := c.Initialize(context.Background(), init)
		require.NoError(t, err)
		assert.Equal(t, tc.want, res.ServerInfo.Version)
		_ = c.Close()
	}
}

func TestNewNeedsClient(t *testing.T) {
	_, err := tools.New(tools.Options{})
	require.Error(t, err)
}
