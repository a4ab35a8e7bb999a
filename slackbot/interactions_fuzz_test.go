package slackbot

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeInteraction: any body either decodes to a typed interaction or is an
// error; dispatching what decodes never panics (the bot has no bot token and an
// unreachable GitScrum, so nothing leaves the process).
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

// FuzzDecodeViewMeta: metadata decodes only with a workspace, and what encode
// makes decodes back to itself.
func FuzzDecodeViewMeta(f *testing.F) {
	f.Add(`{"w":"demo","c":"C1","u":"U1","id":"x","fp":"ab"}`, "demo", "id")
	f.Add(`{"w":""}`, "", "")
	f.Add(`not json`, "ws", "")
	f.Fuzz(func(t *testing.T, s, ws, id string) {
		if m, err := decodeViewMeta(s); err == nil && m.Workspace == "" {
			t.Fatal("metadata without a workspace accepted")
		}
		m := viewMeta{Workspace: ws, ID: id}
		enc, err := m.encode()
		if err != nil || !utf8.ValidString(ws) || !utf8.ValidString(id) {
			return
		}
		back, err := decodeViewMeta(enc)
		if strings.TrimSpace(ws) == "" {
			if err == nil {
				t.Fatal("blank workspace accepted")
			}
			return
		}
		if err != nil || back != m {
			t.Fatalf("round trip of %+v: %+v, %v", m, back, err)
		}
	})
}
