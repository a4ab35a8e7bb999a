package tools

import (
	"context"
	"net/http"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
)

// FuzzParseNarrowing: whatever the headers, parsing never panics, a request is
// only ever narrowed (the names it keeps are tools of the server), /mcp/readonly
// stays read-only, and a second line of either header never widens what the
// first allowed.
func FuzzParseNarrowing(f *testing.F) {
	f.Add("list_clients,get_client", "update_client,get_client", "true", "false", false)
	f.Add(" , ,update_client", "update_client", "false", "no", true)
	f.Add("delete_client", "", "yes", "", false)
	f.Fuzz(func(t *testing.T, toolsValue, toolsAdded, readOnlyValue, readOnlyAdded string, path bool) {
		r := &http.Request{Header: http.Header{}}
		r.Header.Set(ToolsHeader, toolsValue)
		r.Header.Set(ReadOnlyHeader, readOnlyValue)
		first, firstMsg := parseNarrowing(r, path)
		r.Header.Add(ToolsHeader, toolsAdded)
		r.Header.Add(ReadOnlyHeader, readOnlyAdded)
		n, msg := parseNarrowing(r, path)
		if msg != "" {
			return
		}
		if firstMsg == "" {
			for _, name := range toolNames() {
				for _, write := range []bool{false, true} {
					if n.allows(name, write) && !first.allows(name, write) {
						t.Fatalf("a second line widened %s (write=%v)", name, write)
					}
				}
			}
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

// TestRepeatedNarrowingHeaders: each line of a repeated narrowing header narrows
// further, as a proxy that adds its own line must not widen what the client asked.
func TestRepeatedNarrowingHeaders(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tools    []string
		readOnly []string
		want     []string // the tools allowed, write tools included
		msg      string
	}{
		{name: "two lines, their intersection", tools: []string{"list_clients,get_client", "get_client,update_client"}, want: []string{"get_client"}},
		{name: "three lines", tools: []string{"list_clients,get_client,update_client", "get_client,update_client", "update_client"}, want: []string{"update_client"}},
		{name: "a line that names all", tools: []string{"get_client", "list_clients,get_client,create_client,update_client"}, want: []string{"get_client"}},
		{name: "nothing in common", tools: []string{"list_clients", "get_client"}, msg: "name no tool in common"},
		{name: "an empty line", tools: []string{"list_clients", " "}, msg: "name no tool in common"},
		{name: "read-only, then not", readOnly: []string{"true", "false"}, want: []string{"get_client", "list_clients"}},
		{name: "not, then read-only", readOnly: []string{"no", "yes"}, want: []string{"get_client", "list_clients"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &http.Request{Header: http.Header{}}
			for _, v := range tc.tools {
				r.Header.Add(ToolsHeader, v)
			}
			for _, v := range tc.readOnly {
				r.Header.Add(ReadOnlyHeader, v)
			}
			n, msg := parseNarrowing(r, false)
			if tc.msg != "" {
				assert.Contains(t, msg, tc.msg)
				return
			}
			assert.Empty(t, msg)
			var got []string
			for _, name := range []string{"create_client", "get_client", "list_clients", "update_client"} {
				if n.allows(name, name == "create_client" || name == "update_client") {
					got = append(got, name)
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
