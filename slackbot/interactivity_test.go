package slackbot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// UUIDs of the demo data.
const (
	acmeUUID = "5b1e7c9a-3d2f-4a6b-8c1d-0e9f8a7b6c51"
)

// ienv is an env whose bot has a bot token and talks to a fake Slack Web API.
type ienv struct {
	*env
	web *slackbottest.WebAPI
}

// newIEnv starts a bot with a bot token pointed at a fake Web API.
func newIEnv(t *testing.T, mods ...func(*slackbot.Config)) *ienv {
	t.Helper()
	web := slackbottest.NewWebAPI(t)
	mods = append([]func(*slackbot.Config){func(c *slackbot.Config) {
		c.BotToken = testBotToken
		c.APIURL = web.URL
	}}, mods...)
	return &ienv{env: newEnv(t, mods...), web: web}
}

// interactRequest builds a signed interactivity request carrying payload at at.
func (e *env) interactRequest(payload any, at time.Time) *http.Request {
	e.t.Helper()
	raw, err := json.Marshal(payload)
	require.NoError(e.t, err)
	body := url.Values{"payload": {string(raw)}}.Encode()
	req := e.signedRequest(body, at)
	req.URL.Path = slackbot.InteractivityPath
	return req
}

// interact posts payload, signed, and returns the status and the body.
func (e *env) interact(payload any) (int, []byte) {
	e.t.Helper()
	return e.do(e.interactRequest(payload, time.Now()))
}

// interactOK posts payload and requires a 200.
func (e *env) interactOK(payload any) []byte {
	e.t.Helper()
	status, body := e.interact(payload)
	require.Equal(e.t, http.StatusOK, status, "body: %s", body)
	return body
}

// clickPayload is a block_actions payload: user clicked actionID carrying value.
func (e *env) clickPayload(user, actionID, blockID, value string) map[string]any {
	return map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user}, "team": map[string]any{"id": "T0TEAM001"},
		"channel": map[string]any{"id": "C0CHANNEL1"}, "trigger_id": fmt.Sprintf("1.2.%d", triggers.Add(1)),
		"response_url": e.hooks.url(), "api_app_id": "A0APP0001",
		"container": map[string]any{"type": "message", "is_ephemeral": true},
		"actions":   []any{map[string]any{"type": "button", "action_id": actionID, "block_id": blockID, "value": value, "action_ts": "1.1"}},
	}
}

// pickPayload is the block_actions payload of an option picked in the picker.
func (e *env) pickPayload(user, blockID, uuid string) map[string]any {
	p := e.clickPayload(user, slackbot.ActionPicker, blockID, "")
	p["actions"] = []any{map[string]any{"type": "external_select", "action_id": slackbot.ActionPicker, "block_id": blockID,
		"selected_option": map[string]any{"value": uuid, "text": map[string]any{"type": "plain_text", "text": "x"}}}}
	return p
}

// suggestionPayload is a block_suggestion payload: user typed value in the picker.
func suggestionPayload(user, blockID, value string) map[string]any {
	return map[string]any{
		"type": "block_suggestion", "user": map[string]any{"id": user}, "team": map[string]any{"id": "T0TEAM001"},
		"action_id": slackbot.ActionPicker, "block_id": blockID, "value": value, "api_app_id": "A0APP0001",
		"container": map[string]any{"type": "message"},
	}
}

// openedView is a modal the bot sent to views.open or views.update.
type openedView struct {
	CallbackID      string `json:"callback_id"`
	PrivateMetadata string `json:"private_metadata"`
	Title           struct {
		Text string `json:"text"`
	} `json:"title"`
	Blocks []map[string]any `json:"blocks"`
	raw    json.RawMessage
}

// viewOf decodes the view argument of a Web API call.
func viewOf(t *testing.T, call slackbottest.WebAPICall) openedView {
	t.Helper()
	raw := call.Arg("view")
	require.NotEmpty(t, raw, "call %s has no view", call.Method)
	var v openedView
	require.NoError(t, json.Unmarshal([]byte(raw), &v))
	v.raw = json.RawMessage(raw)
	return v
}

// submitPayload is the view_submission of v by user with values by field name
// ("" leaves a field empty); force ticks Create anyway.
func submitPayload(user string, v openedView, values map[string]string, force bool) map[string]any {
	state := map[string]any{}
	for _, f := range gitscrum.EditableFields {
		typ := "plain_text_input"
		switch f {
		case gitscrum.FieldEmail:
			typ = "email_text_input"
		case gitscrum.FieldWebsite:
			typ = "url_text_input"
		}
		val, ok := values[string(f)]
		entry := map[string]any{"type": typ}
		if ok && val != "" {
			entry["value"] = val
		} else {
			entry["value"] = nil
		}
		state["f_"+string(f)] = map[string]any{"v": entry}
	}
	var selected []any
	if force {
		selected = append(selected, map[string]any{"value": "create_anyway", "text": map[string]any{"type": "plain_text", "text": "Create anyway"}})
	}
	state["force"] = map[string]any{"force": map[string]any{"type": "checkboxes", "selected_options": selected}}
	return map[string]any{
		"type": "view_submission", "user": map[string]any{"id": user}, "team": map[string]any{"id": "T0TEAM001"},
		"api_app_id": "A0APP0001", "trigger_id": "9.9.9",
		"view": map[string]any{
			"id": "V0FAKEVIEW", "type": "modal", "callback_id": v.CallbackID, "private_metadata": v.PrivateMetadata,
			"title": map[string]any{"type": "plain_text", "text": v.Title.Text}, "hash": "h",
			"state": map[string]any{"values": state},
		},
	}
}

// submission is a view_submission answer.
type submission struct {
	ResponseAction string            `json:"response_action"`
	Errors         map[string]string `json:"errors"`
	View           json.RawMessage   `json:"view"`
}

func decodeSubmission(t *testing.T, body []byte) submission {
	t.Helper()
	var s submission
	if len(bytes.TrimSpace(body)) == 0 {
		return s
	}
	require.NoError(t, json.Unmarshal(body, &s), "body: %s", body)
	return s
}

// assertGoldenJSON compares raw JSON, indented, with testdata/golden/<name>.json.
func assertGoldenJSON(t *testing.T, name string, raw []byte) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, json.Indent(&buf, raw, "", "  "))
	buf.WriteByte('\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if updateSnapshots() {
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run the tests with UPDATE_SNAPSHOTS=1 to create it")
	assert.JSONEq(t, string(want), buf.String(), "%s differs from %s; UPDATE_SNAPSHOTS=1 refreshes it", name, path)
}

// openCreate runs /gitscrum create as user and returns the modal opened.
func (e *ienv) openCreate(user string) openedView {
	e.t.Helper()
	status, body := e.do(e.signedRequest(e.commandForm("create", user).Encode(), time.Now()))
	require.Equal(e.t, http.StatusOK, status)
	require.Empty(e.t, bytes.TrimSpace(body), "the command is answered by the modal, not a message")
	calls := e.web.Wait(e.t, "views.open", 1, 5*time.Second)
	return viewOf(e.t, calls[len(calls)-1])
}

// countNamed counts the clients of the demo workspace named name.
func countNamed(e *env, name string) int {
	n := 0
	for _, c := range e.emu.Clients(emulator.DemoWorkspace) {
		if c.Name == name {
			n++
		}
	}
	return n
}

func TestCreateModal(t *testing.T) {
	t.Parallel()
	e := newIEnv(t)
	v := e.openCreate(writer)
	assert.Equal(t, slackbot.ViewCreate, v.CallbackID)
	call := e.web.Calls("views.open")[0]
	assert.Equal(t, testBotToken, call.Token)
	assert.NotEmpty(t, call.Arg("trigger_id"))
	assertGoldenJSON(t, "modal_create", v.raw)
	var labels []string
	for _, b := range v.Blocks {
		if b["type"] == "input" {
			labels = append(labels, b["label"].(map[string]any)["text"].(string))
		}
	}
	assert.Equal(t, []string{"Name", "Email", "Phone", "Website", "Address", "Notes", "Duplicates"}, labels)
	assert.Contains(t, string(v.raw), `"email_text_input"`)
	assert.Contains(t, string(v.raw), `"url_text_input"`)
	assert.Contains(t, string(v.raw), "Create anyway")

	t.Run("invalid input is answered on the field, nothing sent", func(t *testing.T) {
		before := len(e.emu.Requests())
		s := decodeSubmission(t, e.interactOK(submitPayload(writer, v, map[string]string{"name": "Wonka", "email": "not-an-email", "website": "ftp://wonka"}, false)))
		assert.Equal(t, "errors", s.ResponseAction)
		assert.Contains(t, s.Errors["f_email"], "valid email")
		assert.Contains(t, s.Errors["f_website"], "http")
		assert.Len(t, e.emu.Requests(), before, "nothing sent to GitScrum")
	})
	t.Run("a missing name is answered on Name", func(t *testing.T) {
		s := decodeSubmission(t, e.interactOK(submitPayload(writer, v, map[string]string{"email": "a@b.example"}, false)))
		assert.Equal(t, "errors", s.ResponseAction)
		assert.Contains(t, s.Errors["f_name"], "required")
	})
	t.Run("a duplicate is refused on Name naming the client; Create anyway creates a second", func(t *testing.T) {
		w := len(writes(e.emu))
		s := decodeSubmission(t, e.interactOK(submitPayload(writer, v, map[string]string{"name": "ACME corp.", "email": "new@acme.example"}, false)))
		assert.Equal(t, "errors", s.ResponseAction)
		assert.Contains(t, s.Errors["f_name"], "Acme Corp")
		assert.Contains(t, s.Errors["f_name"], "Create anyway")
		assert.Equal(t, w, len(writes(e.emu)), "nothing created")
		s = decodeSubmission(t, e.interactOK(submitPayload(writer, v, map[string]string{"name": "ACME corp.", "email": "new@acme.example"}, true)))
		assert.Empty(t, s.ResponseAction, "closed")
		assert.Equal(t, 1, countNamed(e.env, "ACME corp."))
		assert.Equal(t, w+1, len(writes(e.emu)))
		e.web.Wait(t, "chat.postEphemeral", 1, 5*time.Second)
	})
	t.Run("success creates exactly one client, closes the modal, and tells the user in the channel", func(t *testing.T) {
		n := len(e.web.Calls("chat.postEphemeral"))
		body := e.interactOK(submitPayload(writer, v, map[string]string{
			"name": "Wonka Industries", "email": "willy@wonka.example", "website": "https://wonka.example",
			"address": "1 Chocolate Way\nLoompaland", "notes": "Golden tickets",
		}, false))
		assert.Empty(t, bytes.TrimSpace(body), "an empty answer closes the modal")
		assert.Equal(t, 1, countNamed(e.env, "Wonka Industries"))
		calls := e.web.Wait(t, "chat.postEphemeral", n+1, 5*time.Second)
		last := calls[len(calls)-1]
		assert.Equal(t, "C0CHANNEL1", last.Arg("channel"))
		assert.Equal(t, writer, last.Arg("user"))
		assert.Contains(t, last.Arg("blocks"), "Wonka Industries")
		assert.Contains(t, last.Arg("blocks"), "Created by")
		assert.Contains(t, last.Arg("blocks"), slackbot.ActionEdit)
	})
	t.Run("a DM when the channel refuses the ephemeral message", func(t *testing.T) {
		e.web.SetResponse("chat.postEphemeral", map[string]any{"ok": false, "error": "channel_not_found"})
		body := e.interactOK(submitPayload(writer, v, map[string]string{"name": "Dm Fallback Ltd"}, false))
		assert.Empty(t, bytes.TrimSpace(body))
		calls := e.web.Wait(t, "chat.postMessage", 1, 5*time.Second)
		assert.Equal(t, writer, calls[0].Arg("channel"), "posted to the user: a DM")
		assert.Contains(t, calls[0].Arg("blocks"), "Dm Fallback Ltd")
	})
	t.Run("a reader's submission is refused, nothing created", func(t *testing.T) {
		w := len(writes(e.emu))
		s := decodeSubmission(t, e.interactOK(submitPayload(reader, v, map[string]string{"name": "Sneaky Ltd"}, false)))
		assert.Equal(t, "errors", s.ResponseAction)
		assert.Contains(t, s.Errors["f_name"], "may not")
		assert.Equal(t, w, len(writes(e.emu)))
	})
}

// TestCreateModalSlow: a create slower than the inline budget is acknowledged
// with "Saving…" and its outcome shown with views.update.
func TestCreateModalSlow(t *testing.T) {
	t.Parallel()
	e := newIEnv(t, func(c *slackbot.Config) { c.InlineBudget = 100 * time.Millisecond })
	v := e.openCreate(writer)
	e.emu.SetLatency(300 * time.Millisecond)
	start := time.Now()
	s := decodeSubmission(t, e.interactOK(submitPayload(writer, v, map[string]string{"name": "Slow Co"}, false)))
	assert.Less(t, time.Since(start), 3*time.Second)
	assert.Equal(t, "update", s.ResponseAction)
	assert.Contains(t, string(s.View), "Saving")
	calls := e.web.Wait(t, "views.update", 1, 10*time.Second)
	assert.Equal(t, "V0FAKEVIEW", calls[0].Arg("view_id"))
	assert.Contains(t, calls[0].Arg("view"), "Created")
	e.web.Wait(t, "chat.postEphemeral", 1, 5*time.Second)
	assert.Equal(t, 1, countNamed(e.env, "Slow Co"))
}

// cardButton returns the value of the button actionID in msg.
func cardButton(t *testing.T, msg *slack.WebhookMessage, actionID string) (string, bool) {
	t.Helper()
	for _, b := range msg.Blocks.BlockSet {
		ab, ok := b.(*slack.ActionBlock)
		if !ok {
			continue
		}
		for _, el := range ab.Elements.ElementSet {
			if btn, ok := el.(*slack.ButtonBlockElement); ok && btn.ActionID == actionID {
				return btn.Value, true
			}
		}
	}
	return "", false
}

// openEdit clicks Edit on the card of ref as user and returns the filled modal.
func (e *ienv) openEdit(ref string) openedView {
	e.t.Helper()
	card := e.run("show "+ref, writer)
	value, ok := cardButton(e.t, card, slackbot.ActionEdit)
	require.True(e.t, ok, "a writer's card has Edit")
	nOpen, nUpdate := len(e.web.Calls("views.open")), len(e.web.Calls("views.update"))
	require.Empty(e.t, bytes.TrimSpace(e.interactOK(e.clickPayload(writer, slackbot.ActionEdit, "b", value))))
	opens := e.web.Wait(e.t, "views.open", nOpen+1, 5*time.Second)
	assert.Contains(e.t, opens[len(opens)-1].Arg("view"), "Loading")
	updates := e.web.Wait(e.t, "views.update", nUpdate+1, 5*time.Second)
	assert.Equal(e.t, "V0FAKEVIEW", updates[len(updates)-1].Arg("view_id"))
	return viewOf(e.t, updates[len(updates)-1])
}

func TestEditModal(t *testing.T) {
	t.Parallel()
	e := newIEnv(t)
	readerCard := e.run("show Acme Corp", reader)
	_, hasEdit := cardButton(t, readerCard, slackbot.ActionEdit)
	assert.False(t, hasEdit, "no Edit for a user who may not write")
	_, hasShare := cardButton(t, readerCard, slackbot.ActionShare)
	assert.True(t, hasShare)

	v := e.openEdit(acmeUUID)
	assert.Equal(t, slackbot.ViewEdit, v.CallbackID)
	assertGoldenJSON(t, "modal_edit", v.raw)
	acme, _ := e.emu.Client(emulator.DemoWorkspace, acmeUUID)
	current := map[string]string{}
	for _, f := range gitscrum.EditableFields {
		current[string(f)] = acme.Get(f)
	}

	t.Run("only the fields that changed are sent; an emptied one is cleared", func(t *testing.T) {
		values := map[string]string{}
		for k, val := range current {
			values[k] = val
		}
		values["phone"] = "+1-555-0101"
		values["notes"] = ""
		e.emu.ResetRequests()
		n := len(e.web.Calls("chat.postEphemeral"))
		body := e.interactOK(submitPayload(writer, v, values, false))
		assert.Empty(t, bytes.TrimSpace(body), "closed")
		var put *emulator.Request
		for _, r := range e.emu.Requests() {
			if r.Method == http.MethodPut || r.Method == http.MethodPatch {
				put = &r
			}
		}
		require.NotNil(t, put, "an update was sent")
		var sent map[string]any
		require.NoError(t, json.Unmarshal(put.Body, &sent))
		assert.Equal(t, map[string]any{"company_slug": emulator.DemoWorkspace, "phone": "+1-555-0101", "notes": nil}, sent)
		calls := e.web.Wait(t, "chat.postEphemeral", n+1, 5*time.Second)
		blocks := calls[len(calls)-1].Arg("blocks")
		assert.Contains(t, blocks, "+1-555-0100  →  +1-555-0101")
		assert.Contains(t, blocks, "Updated")
	})

	t.Run("a record changed meanwhile is not overwritten", func(t *testing.T) {
		v := e.openEdit(acmeUUID)
		e.run("update "+acmeUUID+" website=https://acme.example/changed", writer) // someone else
		w := len(writes(e.emu))
		values := map[string]string{"name": "Acme Corp", "email": "billing@acme.co", "phone": "+1-555-0199", "website": "https://acme.co"}
		s := decodeSubmission(t, e.interactOK(submitPayload(writer, v, values, false)))
		assert.Equal(t, "update", s.ResponseAction)
		assert.Contains(t, string(s.View), "Someone changed this client")
		assert.Contains(t, string(s.View), "https://acme.example/changed")
		assert.Equal(t, w, len(writes(e.emu)), "nothing saved")
		got, _ := e.emu.Client(emulator.DemoWorkspace, acmeUUID)
		assert.Equal(t, "https://acme.example/changed", got.Website)
	})

	t.Run("a crafted Edit from a user who may not write opens nothing and changes nothing", func(t *testing.T) {
		value := fmt.Sprintf(`{"w":%q,"id":%q}`, emulator.DemoWorkspace, acmeUUID)
		opens, w := len(e.web.Calls("views.open")), len(writes(e.emu))
		posts := len(e.hooks.received())
		e.interactOK(e.clickPayload(reader, slackbot.ActionEdit, "b", value))
		got := e.hooks.waitPosts(posts+1, 5*time.Second)
		assert.Contains(t, joined(t, got[len(got)-1].msg), "You may not create or update clients")
		assert.Len(t, e.web.Calls("views.open"), opens, "no modal opened")
		s := decodeSubmission(t, e.interactOK(submitPayload(reader, v, map[string]string{"name": "Pwned"}, false)))
		assert.Equal(t, "errors", s.ResponseAction)
		assert.Equal(t, w, len(writes(e.emu)), "nothing changed")
	})

	t.Run("Edit of a client that is gone says so", func(t *testing.T) {
		value := fmt.Sprintf(`{"w":%q,"id":%q}`, emulator.DemoWorkspace, "00000000-0000-4000-8000-000000000000")
		n := len(e.web.Calls("views.update"))
		e.interactOK(e.clickPayload(writer, slackbot.ActionEdit, "b", value))
		calls := e.web.Wait(t, "views.update", n+1, 5*time.Second)
		assert.Contains(t, calls[len(calls)-1].Arg("view"), "No client matches")
	})
}

func TestShare(t *testing.T) {
	t.Parallel()
	e := newIEnv(t)
	value, ok := cardButton(t, e.run("show Acme Corp", reader), slackbot.ActionShare)
	require.True(t, ok)
	e.interactOK(e.clickPayload(reader, slackbot.ActionShare, "b", value))
	calls := e.web.Wait(t, "chat.postMessage", 1, 5*time.Second)
	assert.Equal(t, "C0CHANNEL1", calls[0].Arg("channel"))
	blocks := calls[0].Arg("blocks")
	assert.Contains(t, blocks, "Acme Corp")
	assert.Contains(t, blocks, `shared by \u003c@`+reader+`\u003e`)
	assert.NotContains(t, blocks, slackbot.ActionEdit, "a shared card has no buttons")

	t.Run("not in the channel: the user is told how to fix it", func(t *testing.T) {
		e.web.SetResponse("chat.postMessage", map[string]any{"ok": false, "error": "not_in_channel"})
		n := len(e.hooks.received())
		e.interactOK(e.clickPayload(reader, slackbot.ActionShare, "b", value))
		got := e.hooks.waitPosts(n+1, 5*time.Second)
		text := joined(t, got[len(got)-1].msg)
		assert.Contains(t, text, "not_in_channel")
		assert.Contains(t, text, "/invite")
	})
}

func TestPagedList(t *testing.T) {
	t.Parallel()
	e := newIEnv(t)
	first := e.run("list", reader)
	next, ok := cardButton(t, first, slackbot.ActionNext)
	require.True(t, ok, "a list of 12 has Next")
	_, hasPrev := cardButton(t, first, slackbot.ActionPrevious)
	assert.False(t, hasPrev)

	e.interactOK(e.clickPayload(reader, slackbot.ActionNext, "gitscrum_pager", next))
	got := e.hooks.waitPosts(1, 5*time.Second)
	page2 := got[0].msg
	assert.True(t, page2.ReplaceOriginal, "replaces the message in place")
	require.NoError(t, blockkit.CheckLimits(page2))
	assertGolden(t, "list_page2", page2)
	assert.Contains(t, joined(t, page2), "Showing 11–12 of 12")
	prev, ok := cardButton(t, page2, slackbot.ActionPrevious)
	require.True(t, ok)
	_, hasNext := cardButton(t, page2, slackbot.ActionNext)
	assert.False(t, hasNext)

	e.interactOK(e.clickPayload(reader, slackbot.ActionPrevious, "gitscrum_pager", prev))
	got = e.hooks.waitPosts(2, 5*time.Second)
	assert.Contains(t, joined(t, got[1].msg), "Showing 1–10 of 12")
	assert.True(t, got[1].msg.ReplaceOriginal)
}

func TestChooserAndPicker(t *testing.T) {
	t.Parallel()
	e := newIEnv(t)
	chooser := e.run("show acme", reader)
	value, ok := cardButton(t, chooser, slackbot.ActionPick)
	require.True(t, ok, "an ambiguous name answers with a button per candidate")
	e.interactOK(e.clickPayload(reader, slackbot.ActionPick, "gitscrum_chooser", value))
	got := e.hooks.waitPosts(1, 5*time.Second)
	assert.True(t, got[0].msg.ReplaceOriginal)
	assert.Contains(t, joined(t, got[0].msg), "billing@acme.co")

	picker := e.run("show", reader)
	var blockID string
	for _, b := range picker.Blocks.BlockSet {
		if s, ok := b.(*slack.SectionBlock); ok && s.Accessory != nil && s.Accessory.SelectElement != nil {
			assert.Equal(t, slackbot.ActionPicker, s.Accessory.SelectElement.ActionID)
			blockID = s.BlockID
		}
	}
	require.NotEmpty(t, blockID, "show without a client answers with the picker")

	t.Run("options as the user types, best first", func(t *testing.T) {
		var resp slack.OptionsResponse
		require.NoError(t, json.Unmarshal(e.interactOK(suggestionPayload(reader, blockID, "acme")), &resp))
		require.NotEmpty(t, resp.Options)
		assert.Equal(t, "Acme Corp", resp.Options[0].Text.Text)
		assert.Equal(t, acmeUUID, resp.Options[0].Value)
		require.NoError(t, json.Unmarshal(e.interactOK(suggestionPayload(reader, blockID, "")), &resp))
		assert.Len(t, resp.Options, 12, "everything before anything is typed")
	})
	t.Run("typing is served from the cached list", func(t *testing.T) {
		before := len(e.emu.Requests())
		for _, typed := range []string{"ac", "acm", "glob", "globe", "init"} {
			var resp slack.OptionsResponse
			require.NoError(t, json.Unmarshal(e.interactOK(suggestionPayload(reader, blockID, typed)), &resp))
			require.NotEmpty(t, resp.Options, typed)
		}
		assert.Equal(t, before, len(e.emu.Requests()), "no request to GitScrum while the user types")
	})
	t.Run("at most 100 options, names clipped to 75 characters and escaped", func(t *testing.T) {
		var many []gitscrum.ClientCompany
		for i := range 150 {
			many = append(many, gitscrum.ClientCompany{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
				Name: fmt.Sprintf("Zeta <!here> & *co* %03d %s", i, strings.Repeat("z", 100)), Email: fmt.Sprintf("z%d@zeta.example", i)})
		}
		// A fresh bot: the first one's list of the workspace is cached, and clients
		// added behind its back show only once the list is read again.
		e := newIEnv(t)
		e.emu.AddClients(emulator.DemoWorkspace, many...)
		body := e.interactOK(suggestionPayload(reader, blockID, "zeta"))
		var resp slack.OptionsResponse
		require.NoError(t, json.Unmarshal(body, &resp))
		head, err := json.Marshal(slack.OptionsResponse{Options: resp.Options[:min(3, len(resp.Options))]})
		require.NoError(t, err)
		assertGoldenJSON(t, "picker_options_hostile", head)
		assert.Len(t, resp.Options, 100)
		for _, o := range resp.Options {
			assert.LessOrEqual(t, len([]rune(o.Text.Text)), 75)
			assert.Equal(t, "plain_text", o.Text.Type)
			assert.NotContains(t, o.Text.Text, "<!here>")
		}
	})
	t.Run("picking shows the card", func(t *testing.T) {
		n := len(e.hooks.received())
		e.interactOK(e.pickPayload(reader, blockID, acmeUUID))
		got := e.hooks.waitPosts(n+1, 5*time.Second)
		assert.Contains(t, joined(t, got[len(got)-1].msg), "billing@acme.co")
	})
}

func TestInteractivityRefusesUnsigned(t *testing.T) {
	t.Parallel()
	e := newIEnv(t)
	value := fmt.Sprintf(`{"w":%q,"id":%q}`, emulator.DemoWorkspace, acmeUUID)
	payload := e.clickPayload(reader, slackbot.ActionShare, "b", value)

	forged := e.interactRequest(payload, time.Now())
	forged.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("ab", 32))
	stale := e.interactRequest(payload, time.Now().Add(-10*time.Minute))
	unsigned := e.interactRequest(payload, time.Now())
	unsigned.Header.Del("X-Slack-Signature")
	unsigned.Header.Del("X-Slack-Request-Timestamp")
	for name, req := range map[string]*http.Request{"forged": forged, "stale": stale, "unsigned": unsigned} {
		status, _ := e.do(req)
		assert.Equal(t, http.StatusUnauthorized, status, name)
	}

	at := time.Now()
	status, _ := e.do(e.interactRequest(payload, at))
	assert.Equal(t, http.StatusOK, status)
	e.web.Wait(t, "chat.postMessage", 1, 5*time.Second)
	status, _ = e.do(e.interactRequest(payload, at)) // the same request again
	assert.Equal(t, http.StatusUnauthorized, status, "replayed")
	time.Sleep(200 * time.Millisecond)
	assert.Len(t, e.web.Calls("chat.postMessage"), 1, "only the first one ran")
	assert.Len(t, e.web.Calls(""), 1, "nothing else ran")
}

func TestInteractivityWithoutBotToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	msg := e.run("create", writer)
	assert.Contains(t, joined(t, msg), "SLACK_BOT_TOKEN")
	assert.Contains(t, joined(t, msg), "New client form")
	value := fmt.Sprintf(`{"w":%q,"id":%q}`, emulator.DemoWorkspace, acmeUUID)
	e.interactOK(e.clickPayload(reader, slackbot.ActionShare, "b", value))
	got := e.hooks.waitPosts(1, 5*time.Second)
	assert.Contains(t, joined(t, got[0].msg), "SLACK_BOT_TOKEN")
}

// interactive sends payload as an interactive envelope and returns the
// acknowledgement.
func (s *socketSlack) interactive(envelopeID string, payload any) socketAck {
	s.t.Helper()
	raw, err := json.Marshal(payload)
	require.NoError(s.t, err)
	return s.envelope(envelopeID, "interactive", true, 0, raw)
}

// TestSocketModeInteractivity drives the same interactions through Socket Mode:
// the answers that HTTP gives in its body are the acknowledgements' payloads.
func TestSocketModeInteractivity(t *testing.T) {
	t.Parallel()
	e := newIEnv(t, func(c *slackbot.Config) { c.SigningSecret = "" })
	fake := newSocketSlack(t)
	client, err := slackbot.NewSocketClient(testAppToken, testBotToken, nil, slack.OptionAPIURL(fake.apiURL()))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = e.bot.RunSocketMode(ctx, client) }()

	// The modal opens from the command, acknowledged without a message.
	ack, _ := fake.send("env-create", "create", writer, e.hooks.url())
	assert.Empty(t, ack.Payload)
	v := viewOf(t, e.web.Wait(t, "views.open", 1, 5*time.Second)[0])

	ack = fake.interactive("env-invalid", submitPayload(writer, v, map[string]string{"name": "Wonka", "email": "nope"}, false))
	s := decodeSubmission(t, ack.Payload)
	assert.Equal(t, "errors", s.ResponseAction)
	assert.Contains(t, s.Errors["f_email"], "valid email")

	ack = fake.interactive("env-submit", submitPayload(writer, v, map[string]string{"name": "Socket Co"}, false))
	assert.Empty(t, decodeSubmission(t, ack.Payload).ResponseAction, "closed")
	assert.Equal(t, 1, countNamed(e.env, "Socket Co"))
	e.web.Wait(t, "chat.postEphemeral", 1, 5*time.Second)

	t.Run("a redelivered submission is acknowledged, not run again", func(t *testing.T) {
		ack := fake.interactive("env-submit", submitPayload(writer, v, map[string]string{"name": "Socket Co"}, false))
		assert.Empty(t, ack.Payload)
		assert.Equal(t, 1, countNamed(e.env, "Socket Co"))
	})

	blockID := fmt.Sprintf(`{"w":%q}`, emulator.DemoWorkspace)
	ack = fake.interactive("env-options", suggestionPayload(reader, blockID, "globex"))
	var opts slack.OptionsResponse
	require.NoError(t, json.Unmarshal(ack.Payload, &opts))
	require.NotEmpty(t, opts.Options)
	assert.Equal(t, "Globex Corporation", opts.Options[0].Text.Text)

	value := fmt.Sprintf(`{"w":%q,"id":%q}`, emulator.DemoWorkspace, acmeUUID)
	ack = fake.interactive("env-share", e.clickPayload(reader, slackbot.ActionShare, "b", value))
	assert.Empty(t, ack.Payload)
	posted := e.web.Wait(t, "chat.postMessage", 1, 5*time.Second)
	assert.Contains(t, posted[0].Arg("blocks"), "Acme Corp")

	opens := len(e.web.Calls("views.open"))
	fake.interactive("env-forged-edit", e.clickPayload(reader, slackbot.ActionEdit, "b", value))
	got := e.hooks.waitPosts(1, 5*time.Second)
	assert.Contains(t, joined(t, got[0].msg), "You may not create or update clients")
	assert.Len(t, e.web.Calls("views.open"), opens, "a forged Edit opens nothing")
}

// TestModalHostileValues: values show exactly in modals: initial values as
// stored (so that saving unchanged changes nothing), our texts escaped.
func TestModalHostileValues(t *testing.T) {
	t.Parallel()
	e := newIEnv(t)
	const alerts = "a1b3c5d7-e9f0-4a2b-9c4d-5e6f7a8b9c99"
	v := e.openEdit(alerts)
	assertGoldenJSON(t, "modal_edit_hostile", v.raw)
	stored, _ := e.emu.Client(emulator.DemoWorkspace, alerts)
	assert.Contains(t, string(v.raw), `"initial_value":"\u003c!channel\u003e Alerts Ltd"`)
	values := map[string]string{}
	for _, f := range gitscrum.EditableFields {
		values[string(f)] = stored.Get(f)
	}
	w := len(writes(e.emu))
	assert.Empty(t, bytes.TrimSpace(e.interactOK(submitPayload(writer, v, values, false))))
	assert.Equal(t, w, len(writes(e.emu)), "nothing changed, nothing sent")

	cv := e.openCreate(writer)
	s := decodeSubmission(t, e.interactOK(submitPayload(writer, cv, map[string]string{"name": "<!channel> alerts ltd"}, false)))
	assert.Contains(t, s.Errors["f_name"], "&lt;!channel&gt; Alerts Ltd", "the existing client named, escaped")
}
