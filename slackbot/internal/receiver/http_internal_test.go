package receiver

import (
	"net/url"
	"testing"
)

// FuzzDecodeInteraction: any body either decodes to a typed interaction or is an
// error.
func FuzzDecodeInteraction(f *testing.F) {
	for _, p := range []string{
		`{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"gitscrum_share","value":"{\"w\":\"demo\",\"id\":\"x\"}"}]}`,
		`{"type":"block_suggestion","action_id":"gitscrum_picker","block_id":"{\"w\":\"demo\"}","value":"ac"}`,
		`{"type":"view_submission","view":{"callback_id":"gitscrum_create_view","private_metadata":"{\"w\":\"demo\"}","state":{"values":{"f_name":{"v":{"type":"plain_text_input","value":"A"}}}}}}`,
		`{"type":"view_closed"}`, `{}`, `[]`, `null`,
	} {
		f.Add(url.Values{"payload": {p}}.Encode())
	}
	f.Add("payload=%7B")
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		cb, err := decodeInteraction([]byte(body))
		if err != nil {
			return
		}
		if cb.Type == "" {
			t.Fatal("decoded an interaction without a type")
		}
	})
}
