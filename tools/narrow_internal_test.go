package tools

import (
	"context"
	"net/http"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
)

// FuzzParseNarrowing: whatever the headers, parsing never panics, a request is
// only ever narrowed (the names it keeps are tools of the server), and /mcp/readonly
// stays read-only.
func FuzzParseNarrowing(f *testing.F) {
	f.Add("list_clients,get_client", "true", false)
	f.Add(" , ,update_client", "false", true)
	f.Add("delete_client", "yes", false)
	f.Fuzz(func(t *testing.T, toolsValue, readOnlyValue string, path bool) {
		r := &http.Request{Header: http.Header{}}
		r.Header.Set(ToolsHeader, toolsValue)
		r.Header.Set(ReadOnlyHeader, readOnlyValue)
		n, msg := parseNarrowing(r, path)
		if msg != "" {
			return
		}
		if path && !n.readOnly {
			t.Fatal("the read-only path lost read-only")
		}
		known := map[string]bool{}
		for _, name := range toolNames() {
			known[name] = true
		}
		for name := range n.only {
			if !known[name] {
				t.Fatalf("kept %q, which is no tool", name)
			}
		}
	})
}

// TestNarrowingBuildsNoSpecs: narrowing a request reuses what New built: filtering
// the tools and reading the headers allocate a few values, where building the
// tool specs again would allocate hundreds.
func TestNarrowingBuildsNoSpecs(t *testing.T) {
	h := &handler{write: map[string]bool{}}
	var offered []mcp.Tool
	for _, sp := range specs() {
		h.write[sp.def.Name] = sp.write
		offered = append(offered, sp.def)
	}
	ctx := context.WithValue(context.Background(), narrowingKey{}, narrowing{readOnly: true})
	filter := testing.AllocsPerRun(100, func() {
		if got := h.filterTools(ctx, offered); len(got) != 2 {
			t.Fatalf("read-only narrowing kept %d tools", len(got))
		}
	})
	assert.LessOrEqual(t, filter, 1.0, "allocations of one narrowed tools/list filter")

	r := &http.Request{Header: http.Header{}}
	r.Header.Set(ToolsHeader, "list_clients,get_client")
	parse := testing.AllocsPerRun(100, func() {
		if _, msg := parseNarrowing(r, false); msg != "" {
			t.Fatal(msg)
		}
	})
	assert.LessOrEqual(t, parse, 8.0, "allocations of reading one request's narrowing headers")
}

// TestToolNamesMatchSpecs: toolNames, which the narrowing headers are read
// against, names the tools specs builds, in the same order.
func TestToolNamesMatchSpecs(t *testing.T) {
	var names []string
	for _, sp := range specs() {
		names = append(names, sp.def.Name)
	}
	assert.Equal(t, names, toolNames())
}
