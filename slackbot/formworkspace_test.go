package slackbot_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// TestFormWithMalformedWorkspace submits New client and Edit forms whose metadata
// names a malformed workspace (a stale or forged form): the core refuses the slug
// before any request, and the answer on Name says so in the form's words.
func TestFormWithMalformedWorkspace(t *testing.T) {
	t.Parallel()
	e := newIEnv(t)
	for _, tc := range []struct {
		name, callback, meta string
	}{
		{"create", slackbot.ViewCreate, `{"w":"demo/x"}`},
		{"edit", slackbot.ViewEdit, fmt.Sprintf(`{"w":"demo x","id":%q}`, acmeUUID)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.emu.ResetRequests()
			v := openedView{CallbackID: tc.callback, PrivateMetadata: tc.meta}
			s := decodeSubmission(t, e.interactOK(submitPayload(writer, v, map[string]string{"name": "Wonka"}, false)))
			assert.Equal(t, "errors", s.ResponseAction)
			assert.Contains(t, s.Errors["f_name"], "Nothing saved: invalid workspace")
			assert.Empty(t, e.emu.Requests(), "nothing sent to GitScrum")
		})
	}
}
