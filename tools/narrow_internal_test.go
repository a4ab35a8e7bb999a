package tools

import (
	"net/http"
	"testing"
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
		for _, sp := range specs() {
			known[sp.def.Name] = true
		}
		for name := range n.only {
			if !known[name] {
				t.Fatalf("kept %q, which is no tool", name)
			}
		}
	})
}
