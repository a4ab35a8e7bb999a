package tools

import (
	"encoding/json"
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

// FuzzRewrite: rewriting an answer never panics; a rewritten one is valid JSON
// with the noted code and URI.
func FuzzRewrite(f *testing.F) {
	f.Add([]byte(`{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"gone"}}`+"\n"), "1")
	f.Add([]byte(`{"jsonrpc":"2.0","id":"a","result":{}}`), `"a"`)
	f.Add([]byte(`{"error":`), "1")
	f.Fuzz(func(t *testing.T, msg []byte, id string) {
		var idv any
		if json.Unmarshal([]byte(id), &idv) != nil {
			return
		}
		n := &readNotes{}
		n.put(idv, missingNote{uri: "gitscrum://x/clients/y", code: -32602})
		out, _, ok := n.rewrite(msg)
		if !ok {
			return
		}
		var m struct {
			Error struct {
				Code int               `json:"code"`
				Data map[string]string `json:"data"`
			} `json:"error"`
		}
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("rewritten answer is not JSON: %v: %s", err, out)
		}
		if m.Error.Code != -32602 || m.Error.Data["uri"] != "gitscrum://x/clients/y" {
			t.Fatalf("rewritten answer: %s", out)
		}
	})
}
