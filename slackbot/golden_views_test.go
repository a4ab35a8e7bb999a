package slackbot_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// The goldens of the modals and messages that the interactivity code builds, as
// they reach the fake Web API or the response_url. With TestGolden, the goldens of
// TestCreateModal, TestEditModal, TestPagedList, TestChooserAndPicker,
// TestModalHostileValues and the events tests, every view and message the bot
// builds has one:
//
//	views: modal_create, modal_create_prefilled, modal_create_duplicate,
//	modal_edit, modal_edit_hostile, modal_edit_changed, modal_loading,
//	modal_saving, modal_created, modal_edit_saved, modal_edit_nothing_changed,
//	modal_not_saved, modal_edit_not_found, modal_edit_too_long;
//	messages: created_card, edit_changes, share_card, share_not_in_channel,
//	share_no_channel, error_not_ours, error_open_failed, error_no_bot_token,
//	error_no_bot_token_share, and the cards, lists, chooser, picker, offers,
//	mentions, DMs and errors of TestGolden and the events tests.

// slowSubmit is a bot whose submissions outlast the inline budget as soon as the
// emulator is slower than 100 ms.
func slowSubmit(c *slackbot.Config) { c.InlineBudget = 100 * time.Millisecond }

// lastView returns the view of the n-th call (1-based) to method, waiting for it.
func (e *ienv) lastView(method string, n int) openedView {
	e.t.Helper()
	calls := e.web.Wait(e.t, method, n, 10*time.Second)
	return viewOf(e.t, calls[n-1])
}

// valuesOf returns the editable values of the demo client id, by field name.
func valuesOf(e *env, id string) map[string]string {
	c, _ := e.emu.Client(emulator.DemoWorkspace, id)
	out := map[string]string{}
	for _, f := range gitscrum.EditableFields {
		out[string(f)] = c.Get(f)
	}
	return out
}

// TestGoldenEditViews: the "Loading…" view opened at once by Edit, the "Saving…"
// view of a slow submission, the outcome views that replace it, and the form
// shown again when the record changed meanwhile.
func TestGoldenEditViews(t *testing.T) {
	t.Parallel()
	e := newIEnv(t, slowSubmit)
	v := e.openEdit(acmeUUID)
	assertGoldenJSON(t, "modal_loading", json.RawMessage(e.web.Calls("views.open")[0].Arg("view")))

	t.Run("saved, slow", func(t *testing.T) {
		values := valuesOf(e.env, acmeUUID)
		values["phone"] = "+1-555-0101"
		e.emu.SetLatency(300 * time.Millisecond)
		defer e.emu.SetLatency(0)
		n := len(e.web.Calls("views.update"))
		s := decodeSubmission(t, e.interactOK(submitPayload(writer, v, values, false)))
		require.Equal(t, "update", s.ResponseAction)
		assertGoldenJSON(t, "modal_saving", s.View)
		assertGoldenJSON(t, "modal_edit_saved", e.lastView("views.update", n+1).raw)
		calls := e.web.Wait(t, "chat.postEphemeral", 1, 10*time.Second)
		assertGoldenReply(t, "edit_changes", replyOf(t, calls[0]))
	})
	t.Run("nothing changed, slow", func(t *testing.T) {
		v := e.openEdit(acmeUUID)
		e.emu.SetLatency(300 * time.Millisecond)
		defer e.emu.SetLatency(0)
		n := len(e.web.Calls("views.update"))
		s := decodeSubmission(t, e.interactOK(submitPayload(writer, v, valuesOf(e.env, acmeUUID), false)))
		require.Equal(t, "update", s.ResponseAction)
		assertGoldenJSON(t, "modal_edit_nothing_changed", e.lastView("views.update", n+1).raw)
	})
	t.Run("changed meanwhile: the form again, with the current values", func(t *testing.T) {
		v := e.openEdit(acmeUUID)
		e.run("update "+acmeUUID+" website=https://acme.example/changed", writer) // someone else
		values := valuesOf(e.env, acmeUUID)
		values["website"] = "https://acme.co"
		values["phone"] = "+1-555-0199"
		s := decodeSubmission(t, e.interactOK(submitPayload(writer, v, values, false)))
		require.Equal(t, "update", s.ResponseAction)
		assertGoldenJSON(t, "modal_edit_changed", s.View)
	})
	t.Run("not saved, slow: the client is gone", func(t *testing.T) {
		v := e.openEdit(acmeUUID)
		var meta map[string]any
		require.NoError(t, json.Unmarshal([]byte(v.PrivateMetadata), &meta))
		meta["id"] = "00000000-0000-4000-8000-000000000000"
		md, err := json.Marshal(meta)
		require.NoError(t, err)
		v.PrivateMetadata = string(md)
		e.emu.SetLatency(300 * time.Millisecond)
		defer e.emu.SetLatency(0)
		n := len(e.web.Calls("views.update"))
		s := decodeSubmission(t, e.interactOK(submitPayload(writer, v, valuesOf(e.env, acmeUUID), false)))
		require.Equal(t, "update", s.ResponseAction)
		nv := e.lastView("views.update", n+1)
		assertGoldenJSON(t, "modal_not_saved", nv.raw)
		assert.NotContains(t, string(nv.raw), "Not saved: Nothing saved", "said once")
	})
	t.Run("Edit of a client that is gone", func(t *testing.T) {
		value := fmt.Sprintf(`{"w":%q,"id":%q}`, emulator.DemoWorkspace, "00000000-0000-4000-8000-000000000000")
		n := len(e.web.Calls("views.update"))
		e.interactOK(e.clickPayload(writer, slackbot.ActionEdit, "b", value))
		assertGoldenJSON(t, "modal_edit_not_found", e.lastView("views.update", n+1).raw)
	})
	t.Run("Edit whose form would not fit Slack's metadata", func(t *testing.T) {
		value := fmt.Sprintf(`{"w":%q,"id":%q}`, emulator.DemoWorkspace, acmeUUID)
		p := e.clickPayload(writer, slackbot.ActionEdit, "b", value)
		p["channel"] = map[string]any{"id": "C" + strings.Repeat("X", 3000)}
		n := len(e.web.Calls("views.update"))
		e.interactOK(p)
		assertGoldenJSON(t, "modal_edit_too_long", e.lastView("views.update", n+1).raw)
	})
}

// dateRE matches a date as the card shows it; createdAt is the time GitScrum
// created a client, a different one every run.
var dateRE = regexp.MustCompile(`<!date\^\d+\^\{date_short\}\|\d{4}-\d{2}-\d{2}>`)

// stable returns p with the values that differ from run to run (the created
// client's UUID, its creation date) replaced by placeholders.
func stable(t *testing.T, p postedReply, uuid string) postedReply {
	t.Helper()
	var blocks any
	require.NoError(t, json.Unmarshal(p.Blocks, &blocks))
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(blocks))
	fix := func(s string) string {
		s = strings.ReplaceAll(s, uuid, "00000000-0000-4000-8000-0000c4ea7ed0")
		return dateRE.ReplaceAllString(s, "<!date^0^{date_short}|2000-01-01>")
	}
	p.Blocks = json.RawMessage(fix(buf.String()))
	p.Text = fix(p.Text)
	return p
}

// TestGoldenCreateViews: the "New client" form prefilled from a button, the
// outcome view of a slow create, the form again with a duplicate's notice, and the
// card sent to the user.
func TestGoldenCreateViews(t *testing.T) {
	t.Parallel()
	e := newIEnv(t, slowSubmit)
	value := fmt.Sprintf(`{"w":%q,"n":%q}`, emulator.DemoWorkspace, "Stark <Industries> & *Co*")
	e.interactOK(e.clickPayload(writer, slackbot.ActionCreate, "b", value))
	assertGoldenJSON(t, "modal_create_prefilled", e.lastView("views.open", 1).raw)

	v := e.openCreate(writer)
	e.emu.SetLatency(300 * time.Millisecond)
	// The duplicate check lists the workspace afresh: slow, so the form comes
	// back with the duplicate's notice through views.update.
	s := decodeSubmission(t, e.interactOK(submitPayload(writer, v, map[string]string{"name": "ACME corp.", "email": "new@acme.example"}, false)))
	require.Equal(t, "update", s.ResponseAction)
	assertGoldenJSON(t, "modal_create_duplicate", e.lastView("views.update", 1).raw)

	s = decodeSubmission(t, e.interactOK(submitPayload(writer, v, map[string]string{"name": "Slow Co", "email": "slow@slow.example"}, false)))
	require.Equal(t, "update", s.ResponseAction)
	assert.Contains(t, string(s.View), "Saving")
	assertGoldenJSON(t, "modal_created", e.lastView("views.update", 2).raw)
	calls := e.web.Wait(t, "chat.postEphemeral", 1, 10*time.Second)
	var uuid string
	for _, c := range e.emu.Clients(emulator.DemoWorkspace) {
		if c.Name == "Slow Co" {
			uuid = c.UUID
		}
	}
	require.NotEmpty(t, uuid)
	assertGoldenReply(t, "created_card", stable(t, replyOf(t, calls[0]), uuid))
}

// TestGoldenClickMessages: the messages a click is answered with, through the
// Web API or its response_url.
func TestGoldenClickMessages(t *testing.T) {
	t.Parallel()
	share := fmt.Sprintf(`{"w":%q,"id":%q}`, emulator.DemoWorkspace, acmeUUID)

	t.Run("share_card", func(t *testing.T) {
		t.Parallel()
		e := newIEnv(t)
		e.interactOK(e.clickPayload(reader, slackbot.ActionShare, "b", share))
		assertGoldenReply(t, "share_card", replyOf(t, e.web.Wait(t, "chat.postMessage", 1, 10*time.Second)[0]))
	})
	for _, tc := range []struct {
		name    string
		token   bool
		setup   func(e *ienv)
		payload func(e *ienv) map[string]any
	}{
		{name: "share_not_in_channel", token: true,
			setup: func(e *ienv) {
				e.web.SetResponse("chat.postMessage", map[string]any{"ok": false, "error": "not_in_channel"})
			},
			payload: func(e *ienv) map[string]any { return e.clickPayload(reader, slackbot.ActionShare, "b", share) }},
		{name: "share_no_channel", token: true, payload: func(e *ienv) map[string]any {
			p := e.clickPayload(reader, slackbot.ActionShare, "b", share)
			delete(p, "channel")
			return p
		}},
		{name: "error_not_ours", token: true, payload: func(e *ienv) map[string]any {
			return e.clickPayload(reader, slackbot.ActionShare, "b", "not a value of ours")
		}},
		{name: "error_open_failed", token: true,
			setup: func(e *ienv) {
				e.web.SetResponse("views.open", map[string]any{"ok": false, "error": "expired_trigger_id"})
			},
			payload: func(e *ienv) map[string]any { return e.clickPayload(writer, slackbot.ActionEdit, "b", share) }},
		{name: "error_no_bot_token_share", payload: func(e *ienv) map[string]any {
			return e.clickPayload(reader, slackbot.ActionShare, "b", share)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var e *ienv
			if tc.token {
				e = newIEnv(t)
			} else {
				e = &ienv{env: newEnv(t)}
			}
			if tc.setup != nil {
				tc.setup(e)
			}
			e.interactOK(tc.payload(e))
			got := e.hooks.waitPosts(1, 10*time.Second)
			require.NoError(t, blockkit.CheckLimits(got[0].msg))
			assertGolden(t, tc.name, got[0].msg)
		})
	}
	t.Run("error_no_bot_token", func(t *testing.T) {
		t.Parallel()
		msg := newEnv(t).run("create", writer)
		require.NoError(t, blockkit.CheckLimits(msg))
		assertGolden(t, "error_no_bot_token", msg)
	})
}
