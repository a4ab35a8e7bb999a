package slackbot_test

import (
	"encoding/json"
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
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

// TestActsAsThePerson: A and B linked their own tokens; whatever the surface (a
// command, a mention, a picked client, the picker's options), each request
// reaches GitScrum with the token of the person acting, so A never sees what only
// B's token sees (the beta workspace), and each uses their linked workspace by
// default.
func TestActsAsThePerson(t *testing.T) {
	t.Parallel()
	e := newPeopleEnv(t)
	e.link(personA, tokenA, emulator.DemoWorkspace)
	e.link(personB, tokenB, betaWS)
	ev := &eventEnv{env: e.env, web: e.web}
	betaUUID := e.emu.Clients(betaWS)[0].UUID
	pickBeta := fmt.Sprintf(`{"w":%q,"id":%q}`, betaWS, betaUUID)

	command := func(text string) func(t *testing.T, user string) string {
		return func(t *testing.T, user string) string { return joined(t, e.run(text, user)) }
	}
	mention := func(t *testing.T, user string) string {
		n := len(e.web.Calls("chat.postMessage"))
		ev.post(eventBody(t, newEventID(), mentionEvent(user, "list workspace="+betaWS, fmt.Sprintf("17000009%02d.000100", n))))
		calls := e.web.Wait(t, "chat.postMessage", n+1, 10*time.Second)
		return replyOf(t, calls[n]).texts(t)
	}
	picker := func(t *testing.T, user string) string {
		return string(e.interactOK(suggestionPayload(user, `{"w":"`+betaWS+`"}`, "")))
	}
	click := func(t *testing.T, user string) string {
		n := len(e.hooks.received())
		e.interactOK(e.clickPayload(user, slackbot.ActionPick, "", pickBeta))
		return joined(t, e.hooks.waitPosts(n+1, 10*time.Second)[n].msg)
	}
	for _, tc := range []struct {
		name  string
		user  string
		token string
		do    func(t *testing.T, user string) string
		sees  bool
	}{
		{"command, A asks for beta", personA, tokenA, command("list workspace=" + betaWS), false},
		{"command, B asks for beta", personB, tokenB, command("list workspace=" + betaWS), true},
		{"command, A's linked workspace", personA, tokenA, command("list"), false},
		{"command, B's linked workspace", personB, tokenB, command("list"), true},
		{"mention, A", personA, tokenA, mention, false},
		{"mention, B", personB, tokenB, mention, true},
		{"picker options, A", personA, tokenA, picker, false},
		{"picker options, B", personB, tokenB, picker, true},
		{"picked client, A", personA, tokenA, click, false},
		{"picked client, B", personB, tokenB, click, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(e.emu.Requests())
			seen := tc.do(t, tc.user)
			sent := tokensSince(e.emu, before)
			for _, tok := range sent { // none when the person's own cached list answered
				assert.Equal(t, tc.token, tok, "every request carries the person's own token")
			}
			if tc.sees {
				assert.Contains(t, seen, betaOnly)
			} else {
				assert.NotContains(t, seen, betaOnly, "A never sees what only B's token sees")
			}
		})
	}
	assert.Contains(t, joined(t, e.run("list workspace="+betaWS, personA)), "whether your GitScrum account is a member of it",
		"a workspace the person's token does not see is said so, not blamed on the bot's token")
	seen := map[string]bool{}
	for _, tok := range tokensSince(e.emu, 0) {
		seen[tok] = true
	}
	assert.Equal(t, map[string]bool{tokenA: true, tokenB: true}, seen, "only the people's tokens reached GitScrum, the bot's never")
}

// TestFallbacks: what the bot's token does for a person without a working linked
// account, per fallback, and how SLACK_WRITE_USERS and read-only mode gate
// writes for linked and unlinked people.
func TestFallbacks(t *testing.T) {
	t.Parallel()
	const (
		read   = "show Acme Corp"
		update = "update Acme Corp phone=+1-555-0142"
	)
	// want: "bot" (answered with the bot's token), "own" (with A's), "connect"
	// (a prompt to connect, nothing sent), "refused" (nothing sent, no prompt).
	for _, tc := range []struct {
		name     string
		fallback slackbot.Fallback
		writers  []string
		readOnly bool
		user     string
		text     string
		want     string
		contains string
	}{
		{"default is read: an unlinked read uses the bot's token", "", []string{nobody}, false, nobody, read, "bot", "Acme Corp"},
		{"default is read: an unlinked write asks to connect", "", []string{nobody}, false, nobody, update, "connect", "needs your own GitScrum account"},
		{"none: an unlinked read asks to connect", slackbot.FallbackNone, nil, false, nobody, read, "connect", "Connect your GitScrum account first"},
		{"none: a linked read uses their token", slackbot.FallbackNone, nil, false, personA, read, "own", "Acme Corp"},
		{"all: an unlinked, listed writer writes with the bot's token", slackbot.FallbackAll, []string{nobody}, false, nobody, update, "bot", "Updated"},
		{"all: an unlinked writer not listed is refused", slackbot.FallbackAll, []string{writer}, false, nobody, update, "refused", "You may not create or update clients"},
		{"all: no write list, unlinked: writes are off", slackbot.FallbackAll, nil, false, nobody, update, "refused", "not enabled"},
		{"linked, no write list: GitScrum decides", slackbot.FallbackRead, nil, false, personA, update, "own", "Updated"},
		{"linked and listed", slackbot.FallbackRead, []string{personA}, false, personA, update, "own", "Updated"},
		{"linked, not listed: the list is an extra gate", slackbot.FallbackRead, []string{writer}, false, personA, update, "refused", "You may not create or update clients"},
		{"read-only refuses a linked person", slackbot.FallbackRead, nil, true, personA, update, "refused", "read-only"},
		{"read-only refuses an unlinked person under all", slackbot.FallbackAll, []string{nobody}, true, nobody, update, "refused", "read-only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newPeopleEnv(t, withFallback(tc.fallback), func(c *slackbot.Config) { c.WriteUsers, c.ReadOnly = tc.writers, tc.readOnly })
			if tc.user == personA {
				e.link(personA, tokenA, emulator.DemoWorkspace)
			}
			before := len(e.emu.Requests())
			msg := e.run(tc.text, tc.user)
			sent := tokensSince(e.emu, before)
			assert.Contains(t, joined(t, msg), tc.contains)
			switch tc.want {
			case "bot":
				assert.True(t, allAre(sent, emulator.DefaultToken), "the bot's token: %q", sent)
			case "own":
				assert.True(t, allAre(sent, tokenA), "the person's token: %q", sent)
			case "connect":
				assert.Empty(t, sent, "nothing sent to GitScrum")
				connectURL(t, msg)
				assert.Equal(t, slack.ResponseTypeEphemeral, msg.ResponseType, "the link is for the person's eyes only")
			case "refused":
				assert.Empty(t, sent, "nothing sent to GitScrum")
				assert.Empty(t, findConnectURL(t, msg), "no connect prompt")
			}
		})
	}
}

// TestLinkedTokenRefused: when GitScrum refuses (401) a linked token, on any
// surface, the link is marked broken, the person is asked once to connect again
// (with the button) and their App Home is refreshed; from then on the token is
// not sent again and the person is served per the fallback.
func TestLinkedTokenRefused(t *testing.T) {
	t.Parallel()
	const broken = "GitScrum refused your linked token; connect again."
	// each surface returns the texts the person was shown, the connect prompt's
	// message among them.
	for _, tc := range []struct {
		name string
		do   func(t *testing.T, e *penv) string
	}{
		{"command", func(t *testing.T, e *penv) string { return mustJSON(t, e.run("list", personA)) }},
		{"mention", func(t *testing.T, e *penv) string {
			ev := &eventEnv{env: e.env, web: e.web}
			ev.post(eventBody(t, newEventID(), mentionEvent(personA, "acme corp", "1700000800.000100")))
			call := e.web.Wait(t, "chat.postEphemeral", 1, 10*time.Second)[0]
			assert.Equal(t, personA, call.Arg("user"), "the prompt is shown to the person alone")
			assert.Equal(t, "1700000800.000100", call.Arg("thread_ts"), "in the thread")
			assert.Empty(t, e.web.Calls("chat.postMessage"), "nothing posted for all to see")
			return call.Arg("blocks")
		}},
		{"click", func(t *testing.T, e *penv) string {
			e.interactOK(e.clickPayload(personA, slackbot.ActionPick, "", fmt.Sprintf(`{"w":%q,"id":%q}`, emulator.DemoWorkspace, acmeUUID)))
			return mustJSON(t, e.hooks.waitPosts(1, 10*time.Second)[0].msg)
		}},
		{"form submitted", func(t *testing.T, e *penv) string {
			v := openedView{CallbackID: slackbot.ViewEdit, PrivateMetadata: fmt.Sprintf(`{"w":%q,"c":"C0CHANNEL1","u":%q,"id":%q,"fp":"x"}`,
				emulator.DemoWorkspace, personA, acmeUUID)}
			v.Title.Text = "Edit client"
			sub := decodeSubmission(t, e.interactOK(submitPayload(personA, v, map[string]string{"name": "Acme Corp", "phone": "1"}, false)))
			assert.Equal(t, "errors", sub.ResponseAction)
			assert.Contains(t, sub.Errors["f_name"], broken, "the form says so and stays open")
			return e.web.Wait(t, "chat.postEphemeral", 1, 10*time.Second)[0].Arg("blocks")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newPeopleEnv(t, withFallback(slackbot.FallbackRead), func(c *slackbot.Config) { c.WriteUsers = nil })
			acct := e.link(personA, tokenA, emulator.DemoWorkspace)
			e.emu.ExpireToken(tokenA)

			shown := tc.do(t, e)
			assert.Contains(t, shown, broken)
			connectURL(t, shown)
			now, err := e.acc.Whoami(ctxT(t, 10*time.Second), accounts.Identity{TeamID: testTeam, UserID: personA})
			require.NoError(t, err)
			assert.Equal(t, acct.ID, now.ID)
			assert.False(t, now.Broken.IsZero(), "the link is marked broken")
			home := e.web.Wait(t, "views.publish", 1, 10*time.Second)[0]
			assert.Equal(t, personA, home.Arg("user_id"))
			assert.Contains(t, home.Arg("view"), broken, "the App Home says so")

			before := len(e.emu.Requests())
			msg := e.run("show Acme Corp", personA)
			assert.NotContains(t, joined(t, msg), broken, "asked once, not at every request")
			assert.Contains(t, joined(t, msg), "Acme Corp", "a read goes on with the bot's token, as the fallback lets it")
			sent := tokensSince(e.emu, before)
			assert.True(t, allAre(sent, emulator.DefaultToken), "the refused token is not sent again: %q", sent)
			msg = e.run("update Acme Corp phone=1", personA)
			assert.Contains(t, joined(t, msg), broken, "a write, which the fallback does not let the bot's token make, asks again")
			assert.Len(t, e.emu.Requests(), before+len(sent), "nothing sent for the write")
		})
	}
}

// TestDisconnectRacingAction: a disconnect while the person's action is in
// flight deletes the token at once; the action already under way ends (with the
// token it held), is audited under the account, and the next action finds the
// person unlinked.
func TestDisconnectRacingAction(t *testing.T) {
	t.Parallel()
	e := newPeopleEnv(t, withFallback(slackbot.FallbackNone), func(c *slackbot.Config) {
		c.WriteUsers, c.InlineBudget = nil, 100*time.Millisecond
	})
	acct := e.link(personA, tokenA, emulator.DemoWorkspace)
	e.emu.SetLatency(700 * time.Millisecond)
	before := len(e.emu.Requests())
	ack := e.run("update Acme Corp phone=+1-555-0177", personA)
	assert.Contains(t, joined(t, ack), "Updating", "the update is slower than the inline budget")
	deadline := time.Now().Add(10 * time.Second)
	for len(tokensSince(e.emu, before)) == 0 {
		require.True(t, time.Now().Before(deadline), "the update reached GitScrum within 10 s")
		time.Sleep(5 * time.Millisecond)
	}

	bye := e.run("disconnect", personA)
	assert.Contains(t, joined(t, bye), "Disconnected: your GitScrum token was deleted from the bridge.")
	_, err := e.acc.Whoami(ctxT(t, 10*time.Second), accounts.Identity{TeamID: testTeam, UserID: personA})
	require.ErrorIs(t, err, accounts.ErrNotLinked, "deleted at once, while the update is in flight")

	posts := e.hooks.waitPosts(1, 15*time.Second)
	assert.Contains(t, joined(t, posts[0].msg), "Updated", "the update under way ends")
	acme, _ := e.emu.Client(emulator.DemoWorkspace, acmeUUID)
	assert.Equal(t, "+1-555-0177", acme.Phone)
	assert.True(t, allAre(tokensSince(e.emu, before), tokenA), "made with the token it held")
	rows := auditRows(t, e.st, acmeUUID)
	require.NotEmpty(t, rows)
	assert.Equal(t, acct.ID, rows[0].Account, "audited under the account that made it")

	e.emu.SetLatency(0)
	before = len(e.emu.Requests())
	next := e.run("show Acme Corp", personA)
	assert.Contains(t, joined(t, next), "Connect your GitScrum account first")
	assert.Empty(t, tokensSince(e.emu, before), "nothing more sent with the deleted token")
}

// TestAuditNamesTheAccount: an audit entry names the Slack person and the linked
// account whose token made the write; "" when the bot's token did. On both
// store backends.
func TestAuditNamesTheAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ string) {
		e := newPeopleEnvOn(t, s, withFallback(slackbot.FallbackAll), func(c *slackbot.Config) { c.WriteUsers = []string{writer, personA} })
		acct := e.link(personA, tokenA, emulator.DemoWorkspace)

		e.run("update Acme Corp phone=+1-555-0101", personA)
		e.run("update Acme Corp phone=+1-555-0102", writer)
		v := e.openEditAs(personA, acmeUUID)
		require.Empty(t, strings.TrimSpace(string(e.interactOK(submitPayload(personA, v, map[string]string{"name": "Acme Corp", "phone": "+1-555-0103"}, false)))))

		rows := auditRows(t, s, acmeUUID)
		require.Len(t, rows, 3)
		for i, want := range []struct{ user, account, phone string }{
			{personA, acct.ID, "+1-555-0103"}, {writer, "", "+1-555-0102"}, {personA, acct.ID, "+1-555-0101"},
		} {
			assert.Equal(t, store.SlackActor(testTeam, want.user), rows[i].Actor, "row %d", i)
			assert.Equal(t, want.account, rows[i].Account, "row %d", i)
			assert.Equal(t, want.phone, changeOf(rows[i].Changes, "phone").After, "row %d", i)
		}
		assert.NotContains(t, mustJSON(t, rows), tokenA, "no token in the log")
	})
}

// openEditAs clicks Edit on the client id as user and returns the filled form.
func (e *penv) openEditAs(user, id string) openedView {
	e.t.Helper()
	n := len(e.web.Calls("views.update"))
	e.interactOK(e.clickPayload(user, slackbot.ActionEdit, "", fmt.Sprintf(`{"w":%q,"id":%q}`, emulator.DemoWorkspace, id)))
	calls := e.web.Wait(e.t, "views.update", n+1, 10*time.Second)
	v := viewOf(e.t, calls[n])
	require.Equal(e.t, slackbot.ViewEdit, v.CallbackID, "the edit form: %s", v.raw)
	var meta map[string]any
	require.NoError(e.t, json.Unmarshal([]byte(v.PrivateMetadata), &meta))
	return v
}

// changeOf returns the change of field in changes, or a zero Change.
func changeOf(changes []store.Change, field string) store.Change {
	for _, c := range changes {
		if c.Field == field {
			return c
		}
	}
	return store.Change{}
}
