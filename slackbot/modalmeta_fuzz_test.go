package slackbot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

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
