package mcpfix

import (
	"encoding/json"
	"testing"
)

// FuzzRewrite: rewriting an answer never panics; a rewritten one is valid JSON
// with the noted code and data.
func FuzzRewrite(f *testing.F) {
	f.Add([]byte(`{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"gone"}}`+"\n"), "1")
	f.Add([]byte(`{"jsonrpc":"2.0","id":"a","result":{}}`), `"a"`)
	f.Add([]byte(`{"error":`), "1")
	f.Fuzz(func(t *testing.T, msg []byte, id string) {
		var idv any
		if json.Unmarshal([]byte(id), &idv) != nil {
			return
		}
		n := &notes{}
		n.put(idv, note{code: -32602, data: map[string]string{"uri": "gitscrum://x/clients/y"}})
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
