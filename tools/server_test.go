package tools_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/snapshot"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// updateSnapshots reports whether to rewrite the schema snapshots and the README's
// tools region instead of comparing them: exactly when UPDATE_SNAPSHOTS=1.
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
		assert.Equal(t, tool.Title, a.Title, tool.Name)
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

// TestToolsListSize: tools/list for all four tools, as sent, stays under 8 KB.
func TestToolsListSize(t *testing.T) {
	e := newEnv(t)
	res, err := e.mcp.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	b, err := json.Marshal(res)
	require.NoError(t, err)
	t.Logf("tools/list result: %d bytes for %d tools", len(b), len(res.Tools))
	assert.Less(t, len(b), 8*1024)
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

func TestNewNeedsClient(t *testing.T) {
	_, err := tools.New(tools.Options{})
	require.Error(t, err)
}
