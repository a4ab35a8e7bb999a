package slackbot_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

// The people of the linking tests: A and B link their own GitScrum tokens; A's
// sees the demo workspace only, B's also the beta workspace; nobody links none.
const (
	personA  = "U0PERSONA1"
	personB  = "U0PERSONB1"
	nobody   = "U0NOBODY01"
	tokenA   = "gs-token-of-person-a"
	tokenB   = "gs-token-of-person-b"
	betaWS   = "beta"
	betaOnly = "Beta Only Co"
	// connectBase is where the tests' connect pages live.
	connectBase = "https://bridge.example/connect/"
	testTeam    = "T0TEAM001"
)

// penv is a bot with account linking on: a real accounts.Service over a real
// store (in-memory SQLite, or the store given), the emulator, and a fake Slack
// Web API.
type penv struct {
	*env
	web *slackbottest.WebAPI
	st  *store.Store
	acc *accounts.Service
}

// withoutLinking turns account linking off again.
func withoutLinking(c *slackbot.Config) { c.Accounts, c.ConnectURL = nil, nil }

// withFallback sets the fallback.
func withFallback(f slackbot.Fallback) func(*slackbot.Config) {
	return func(c *slackbot.Config) { c.Fallback = f }
}

// newPeopleEnv starts a linking bot on a new in-memory store; mods adjust its
// configuration after linking is set up.
func newPeopleEnv(t *testing.T, mods ...func(*slackbot.Config)) *penv {
	t.Helper()
	return newPeopleEnvOn(t, storetest.Open(t, store.MemoryURL), mods...)
}

// newPeopleEnvOn starts a linking bot on st.
func newPeopleEnvOn(t *testing.T, st *store.Store, mods ...func(*slackbot.Config)) *penv {
	t.Helper()
	web := slackbottest.NewWebAPI(t)
	var acc *accounts.Service
	setup := func(c *slackbot.Config) {
		c.BotToken, c.APIURL, c.Store = testBotToken, web.URL, st
		var err error
		acc, err = accounts.New(st, accounts.NewEphemeralKeyring(), c.Client, accounts.Options{})
		require.NoError(t, err)
		c.Accounts = acc
		c.ConnectURL = func(secret string) string { return connectBase + secret }
	}
	e := newEnv(t, append([]func(*slackbot.Config){setup}, mods...)...)
	e.emu.AddWorkspace(betaWS)
	e.emu.AddClients(betaWS, gitscrum.ClientCompany{Name: betaOnly, Email: "hello@beta.example"})
	e.emu.AddMemberToken(tokenA, emulator.DemoWorkspace)
	e.emu.AddMemberToken(tokenB, emulator.DemoWorkspace, betaWS)
	return &penv{env: e, web: web, st: st, acc: acc}
}

// ctxT is a context that ends after d or with the test.
func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// runIn sends /gitscrum text as user in channel, signed, and returns the inline
// reply.
func (e *env) runIn(channel, text, user string) *slack.WebhookMessage {
	e.t.Helper()
	form := e.commandForm(text, user)
	form.Set("channel_id", channel)
	status, body := e.do(e.signedRequest(form.Encode(), time.Now()))
	require.Equal(e.t, 200, status, "body: %s", body)
	return decodeMessage(e.t, body)
}

// link links user's token on workspace as a person does: /gitscrum connect, the
// button's one-time link, and the page's form (accounts.CompleteLink, which
// checks the token with the emulator).
func (e *penv) link(user, token, workspace string) accounts.Account {
	e.t.Helper()
	msg := e.run("connect", user)
	secret := strings.TrimPrefix(connectURL(e.t, msg), connectBase)
	_, acct, err := e.acc.CompleteLink(ctxT(e.t, 30*time.Second), secret, token, workspace)
	require.NoError(e.t, err, "completing the link")
	return acct
}

// connectURL returns the URL of the Connect GitScrum button of msg, or fails.
func connectURL(t *testing.T, msg any) string {
	t.Helper()
	u := findConnectURL(t, msg)
	require.NotEmpty(t, u, "no Connect GitScrum button in %s", mustJSON(t, msg))
	require.True(t, strings.HasPrefix(u, connectBase), "the button opens a connect page: %s", u)
	return u
}

// findConnectURL returns the URL of the Connect GitScrum button in msg (a
// message, a view, or their JSON), or "".
func findConnectURL(t *testing.T, msg any) string {
	t.Helper()
	var raw []byte
	switch m := msg.(type) {
	case string:
		raw = []byte(m)
	case []byte:
		raw = m
	default:
		raw = []byte(mustJSON(t, msg))
	}
	var doc any
	require.NoError(t, json.Unmarshal(raw, &doc))
	var found string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["action_id"] == slackbot.ActionConnect {
				if u, ok := x["url"].(string); ok {
					found = u
				}
				if x["text"].(map[string]any)["text"] != slackbot.ConnectLabel {
					t.Errorf("the connect button is labelled %v", x["text"])
				}
			}
			for _, vv := range x {
				walk(vv)
			}
		case []any:
			for _, vv := range x {
				walk(vv)
			}
		}
	}
	walk(doc)
	return found
}

// mustJSON encodes v.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// tokensSince returns the bearer tokens of the emulator's requests after the
// first n.
func tokensSince(emu *emulator.Server, n int) []string {
	reqs := emu.Requests()
	var out []string
	for _, r := range reqs[min(n, len(reqs)):] {
		out = append(out, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}
	return out
}

// allAre reports whether every s is want (and there is one at least).
func allAre(ss []string, want string) bool {
	for _, s := range ss {
		if s != want {
			return false
		}
	}
	return len(ss) > 0
}

// usersInfo is a users.info answer for a person.
func usersInfo(id, realName string, admin, owner bool) map[string]any {
	return map[string]any{"ok": true, "user": map[string]any{
		"id": id, "name": strings.ToLower(strings.ReplaceAll(realName, " ", ".")), "real_name": realName,
		"is_admin": admin, "is_owner": owner, "profile": map[string]any{"real_name": realName},
	}}
}
