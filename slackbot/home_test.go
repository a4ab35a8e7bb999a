package slackbot_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// homeOpened is the app_home_opened event of user opening tab.
func homeOpened(user, tab string) map[string]any {
	return map[string]any{"type": "app_home_opened", "user": user, "channel": "D0HOME0001", "tab": tab, "event_ts": "1700000000.000100"}
}

// homeClick is a click by user on actionID in their Home tab.
func homeClick(user, actionID, value string) map[string]any {
	return map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user}, "team": map[string]any{"id": testTeam},
		"trigger_id": fmt.Sprintf("1.2.%d", triggers.Add(1)), "api_app_id": "A0APP0001",
		"container": map[string]any{"type": "view", "view_id": "V0HOME0001"},
		"view":      map[string]any{"id": "V0HOME0001", "type": "home", "callback_id": slackbot.ViewHome},
		"actions":   []any{map[string]any{"type": "button", "action_id": actionID, "block_id": "gitscrum_connect", "value": value, "action_ts": "1.1"}},
	}
}

// published is a Home tab the bot published.
type published struct {
	// raw is the view's JSON; text its texts.
	user, raw, text string
	view            struct {
		Type       string           `json:"type"`
		CallbackID string           `json:"callback_id"`
		Blocks     []map[string]any `json:"blocks"`
	}
}

// waitHome waits for the n-th views.publish (from 1) and returns it.
func waitHome(t *testing.T, web *slackbottest.WebAPI, n int) published {
	t.Helper()
	call := web.Wait(t, "views.publish", n, 10*time.Second)[n-1]
	p := published{user: call.Arg("user_id"), raw: call.Arg("view")}
	require.NoError(t, json.Unmarshal([]byte(p.raw), &p.view))
	texts, err := slackbottest.Texts([]byte(p.raw))
	require.NoError(t, err)
	p.text = strings.Join(texts, "\n")
	require.Equal(t, "home", p.view.Type)
	require.Equal(t, slackbot.ViewHome, p.view.CallbackID)
	require.LessOrEqual(t, len(p.view.Blocks), 100, "Slack's limit of blocks in a view")
	return p
}

// TestAppHome: the Home tab shows the person's connection with the Connect
// GitScrum and Disconnect buttons and the commands; it is published when opened
// and again after connecting (with a message to the person), disconnecting, and
// a click on Connect.
func TestAppHome(t *testing.T) {
	t.Parallel()
	e := newPeopleEnv(t)
	ev := &eventEnv{env: e.env, web: e.web}
	idA := accounts.Identity{TeamID: testTeam, UserID: personA}

	ev.post(eventBody(t, newEventID(), homeOpened(personA, "home")))
	home := waitHome(t, e.web, 1)
	assert.Equal(t, personA, home.user)
	assert.Contains(t, home.text, "Not connected.")
	assert.Contains(t, home.text, "you can look clients up with the bridge's own token", "what the fallback lets them do")
	assert.Contains(t, home.text, "The link works once")
	assert.Contains(t, home.text, "/gitscrum whoami", "the commands")
	assert.Contains(t, home.text, "/gitscrum list [query]")
	assert.NotContains(t, home.raw, slackbot.ActionDisconnect)
	secret := connectURL(t, home.raw)[len(connectBase):]

	e.interactOK(homeClick(personA, slackbot.ActionConnect, ""))
	again := waitHome(t, e.web, 2)
	assert.NotEqual(t, secret, connectURL(t, again.raw)[len(connectBase):], "a click on Connect publishes a fresh link for the next one")

	l, acct, err := e.acc.CompleteLink(ctxT(t, 30*time.Second), secret, tokenA, emulator.DemoWorkspace)
	require.NoError(t, err, "the Home tab's link links the person")
	e.bot.Connected(ctxT(t, 10*time.Second), idA, l, acct)
	told := e.web.Wait(t, "chat.postMessage", 1, 10*time.Second)[0]
	assert.Equal(t, personA, told.Arg("channel"), "a message in the app's DM with the person")
	assert.Contains(t, told.Arg("text"), "You are connected to GitScrum workspace “demo”.")
	home = waitHome(t, e.web, 3)
	assert.Contains(t, home.text, "*Connected* as <@"+personA+">, since <!date^")
	assert.Contains(t, home.text, "GitScrum workspace: “demo”")
	assert.Contains(t, home.raw, slackbot.ActionDisconnect)
	assert.Empty(t, findConnectURL(t, home.raw), "no Connect button while connected")

	e.interactOK(homeClick(personA, slackbot.ActionDisconnect, "disconnect"))
	home = waitHome(t, e.web, 4)
	assert.Contains(t, home.text, "Not connected.")
	_, err = e.acc.Whoami(ctxT(t, 10*time.Second), idA)
	assert.ErrorIs(t, err, accounts.ErrNotLinked)
	assert.Empty(t, e.hooks.received(), "a click in the Home tab is answered in the tab")
}

// TestAppHomeStates: broken and linking off; the Messages tab publishes nothing.
func TestAppHomeStates(t *testing.T) {
	t.Parallel()
	t.Run("broken", func(t *testing.T) {
		t.Parallel()
		e := newPeopleEnv(t)
		acct := e.link(personA, tokenA, emulator.DemoWorkspace)
		require.NoError(t, e.acc.MarkBroken(ctxT(t, 10*time.Second), accounts.Identity{TeamID: testTeam, UserID: personA}, acct.ID))
		(&eventEnv{env: e.env, web: e.web}).post(eventBody(t, newEventID(), homeOpened(personA, "home")))
		home := waitHome(t, e.web, 1)
		assert.Contains(t, home.text, "GitScrum refused your linked token; connect again.")
		connectURL(t, home.raw)
		assert.Contains(t, home.raw, slackbot.ActionDisconnect)
	})
	t.Run("linking off", func(t *testing.T) {
		t.Parallel()
		e := newPeopleEnv(t, withoutLinking)
		(&eventEnv{env: e.env, web: e.web}).post(eventBody(t, newEventID(), homeOpened(personA, "home")))
		home := waitHome(t, e.web, 1)
		assert.Contains(t, home.text, "Linking GitScrum accounts is not turned on here")
		assert.Empty(t, findConnectURL(t, home.raw))
		assert.NotContains(t, home.raw, slackbot.ActionDisconnect)
	})
	t.Run("messages tab", func(t *testing.T) {
		t.Parallel()
		e := newPeopleEnv(t)
		ev := &eventEnv{env: e.env, web: e.web}
		ev.post(eventBody(t, newEventID(), homeOpened(personA, "messages")))
		ev.drain()
		assert.Empty(t, e.web.Calls("views.publish"))
	})
}
