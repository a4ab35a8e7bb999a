package slackbot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// TestConnectCommands: connect, disconnect and whoami, for a person not linked,
// linked, and whose token GitScrum refused; and with linking off.
func TestConnectCommands(t *testing.T) {
	t.Parallel()
	idA := accounts.Identity{TeamID: testTeam, UserID: personA}
	linked := func(e *penv) { e.link(personA, tokenA, emulator.DemoWorkspace) }
	broken := func(e *penv) {
		acct := e.link(personA, tokenA, emulator.DemoWorkspace)
		require.NoError(t, e.acc.MarkBroken(ctxT(t, 10*time.Second), idA, acct.ID))
	}
	for _, tc := range []struct {
		name     string
		mods     []func(*slackbot.Config)
		setup    func(e *penv)
		text     string
		contains []string
		absent   []string
		button   bool
		after    func(t *testing.T, e *penv, msg *slack.WebhookMessage)
	}{
		{name: "connect, not linked", text: "connect", button: true,
			contains: []string{"Connect your GitScrum account: from then on", "The link works once, for 10 minutes, and only for you"},
			after: func(t *testing.T, e *penv, msg *slack.WebhookMessage) {
				l, err := e.acc.Link(ctxT(t, 10*time.Second), strings.TrimPrefix(connectURL(t, msg), connectBase))
				require.NoError(t, err)
				assert.Equal(t, idA, l.Identity, "bound to the person")
				assert.Equal(t, "Ada Lovelace", l.UserName, "named as Slack names them (users.info)")
				assert.Equal(t, "C0CHANNEL1", l.ChannelID)
				assert.Equal(t, emulator.DemoWorkspace, l.Workspace, "the form starts with the workspace used here")
				assert.WithinDuration(t, time.Now().Add(10*time.Minute), l.Expires, time.Minute)
				assert.Equal(t, personA, e.web.Calls("users.info")[0].Form.Get("user"))
			}},
		{name: "connect, without a bot token: the name of the command", text: "connect", button: true,
			mods: []func(*slackbot.Config){func(c *slackbot.Config) { c.BotToken = "" }},
			after: func(t *testing.T, e *penv, msg *slack.WebhookMessage) {
				l, err := e.acc.Link(ctxT(t, 10*time.Second), strings.TrimPrefix(connectURL(t, msg), connectBase))
				require.NoError(t, err)
				assert.Equal(t, "someone", l.UserName, "the user_name Slack sent with the command")
			}},
		{name: "connect, linked", setup: linked, text: "connect", button: true,
			contains: []string{"You are connected to GitScrum workspace “demo”. Connecting again replaces your token."}},
		{name: "connect, broken", setup: broken, text: "connect", button: true,
			contains: []string{"GitScrum refused your linked token; connect again."}},
		{name: "disconnect, linked", setup: linked, text: "disconnect",
			contains: []string{"Disconnected: your GitScrum token was deleted from the bridge.", "Connect again any time"},
			after: func(t *testing.T, e *penv, _ *slack.WebhookMessage) {
				_, err := e.acc.Whoami(ctxT(t, 10*time.Second), idA)
				assert.ErrorIs(t, err, accounts.ErrNotLinked, "deleted at once")
				home := e.web.Wait(t, "views.publish", 1, 10*time.Second)[0]
				assert.Contains(t, home.Arg("view"), "Not connected", "the App Home is refreshed")
			}},
		{name: "disconnect, not linked", text: "disconnect", contains: []string{"Nothing to disconnect: no GitScrum account is linked to you here."}},
		{name: "whoami, linked", setup: linked, text: "whoami",
			contains: []string{"You are connected to GitScrum workspace “demo”.", "Since <!date^", "use your own GitScrum token", "team `T0TEAM001`"},
			absent:   []string{"Without a connected GitScrum account"}},
		{name: "whoami, not linked", text: "whoami",
			contains: []string{"You have not connected a GitScrum account here.", "you can look clients up with the bridge's own token"}},
		{name: "whoami, not linked, fallback none", text: "whoami", mods: []func(*slackbot.Config){withFallback(slackbot.FallbackNone)},
			contains: []string{"this bridge does nothing for you: connect first"}},
		{name: "whoami, broken", setup: broken, text: "whoami",
			contains: []string{"GitScrum refused your linked token for workspace “demo”; connect again.", "refused <!date^"}},
		{name: "help", text: "help", contains: []string{"/gitscrum connect", "/gitscrum disconnect", "/gitscrum whoami", "/gitscrum config [workspace &lt;slug&gt;|-]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newPeopleEnv(t, tc.mods...)
			e.web.SetResponse("users.info", usersInfo(personA, "Ada Lovelace", false, false))
			if tc.setup != nil {
				tc.setup(e)
			}
			before := len(e.emu.Requests())
			msg := e.run(tc.text, personA)
			require.NoError(t, blockkit.CheckLimits(msg))
			all := joined(t, msg)
			for _, s := range tc.contains {
				assert.Contains(t, all, s)
			}
			for _, s := range tc.absent {
				assert.NotContains(t, all, s)
			}
			assert.Equal(t, slack.ResponseTypeEphemeral, msg.ResponseType)
			if tc.button {
				connectURL(t, msg)
			} else {
				assert.Empty(t, findConnectURL(t, msg))
			}
			assert.Len(t, e.emu.Requests(), before, "none of them asks GitScrum")
			if tc.after != nil {
				tc.after(t, e, msg)
			}
		})
	}
}

// TestLinkingOff: without accounts, connect, disconnect and whoami say linking
// is not turned on and what an admin sets; everything else is as before.
func TestLinkingOff(t *testing.T) {
	t.Parallel()
	e := newPeopleEnv(t, withoutLinking)
	for _, text := range []string{"connect", "disconnect", "whoami"} {
		all := joined(t, e.run(text, personA))
		for _, s := range []string{"Linking GitScrum accounts is not turned on here", accounts.EnvKey, "openssl rand -base64 32", "GITSCRUM_DATABASE_URL", "GITSCRUM_PUBLIC_URL"} {
			assert.Contains(t, all, s, text)
		}
	}
	before := len(e.emu.Requests())
	assert.Contains(t, joined(t, e.run("show Acme Corp", personA)), "Acme Corp")
	assert.True(t, allAre(tokensSince(e.emu, before), emulator.DefaultToken), "the bot's token, as before")
}

// TestDisconnectButton: Disconnect in a message deletes the token and says so.
func TestDisconnectButton(t *testing.T) {
	t.Parallel()
	e := newPeopleEnv(t)
	e.link(personA, tokenA, emulator.DemoWorkspace)
	e.interactOK(e.clickPayload(personA, slackbot.ActionDisconnect, "", "disconnect"))
	posts := e.hooks.waitPosts(1, 10*time.Second)
	assert.Contains(t, joined(t, posts[0].msg), "Disconnected")
	_, err := e.acc.Whoami(ctxT(t, 10*time.Second), accounts.Identity{TeamID: testTeam, UserID: personA})
	assert.ErrorIs(t, err, accounts.ErrNotLinked)
}

// TestAccountAnswersArePrivate: asked in a mention, the answers about a person's
// link (their connect link among them) are shown to them alone, in the thread;
// in the DM they are posted there.
func TestAccountAnswersArePrivate(t *testing.T) {
	t.Parallel()
	for i, text := range []string{"connect", "whoami", "disconnect", "config"} {
		t.Run(text, func(t *testing.T) {
			t.Parallel()
			e := newPeopleEnv(t)
			ev := &eventEnv{env: e.env, web: e.web}
			ts := fmt.Sprintf("17000007%02d.000100", i)
			ev.post(eventBody(t, newEventID(), mentionEvent(personA, text, ts)))
			call := e.web.Wait(t, "chat.postEphemeral", 1, 10*time.Second)[0]
			assert.Equal(t, personA, call.Arg("user"))
			assert.Equal(t, testChannel, call.Arg("channel"))
			assert.Equal(t, ts, call.Arg("thread_ts"))
			ev.post(eventBody(t, newEventID(), dmEvent(personA, text, ts)))
			dm := e.web.Wait(t, "chat.postMessage", 1, 10*time.Second)[0]
			assert.Equal(t, testDM, dm.Arg("channel"), "only the DM gets a message")
		})
	}
}
