package slackbot_test

import (
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// The channel whose default workspace the tests set.
const betaChannel = "C0CHANBETA"

// TestChannelConfig: config shows the channel's default and the precedence;
// config workspace <slug> sets it, for Slack admins and owners (users.info) and
// the people in SLACK_ADMIN_USERS only; - and clear remove it; a malformed slug
// is refused.
func TestChannelConfig(t *testing.T) {
	t.Parallel()
	noBotToken := func(c *slackbot.Config) { c.BotToken = "" }
	adminList := func(c *slackbot.Config) { c.AdminUsers = []string{personA} }
	for _, tc := range []struct {
		name     string
		mods     []func(*slackbot.Config)
		info     any // the users.info answer
		preset   string
		text     string
		want     string // the channel's default after
		contains []string
		shared   bool // answered in the channel
	}{
		{name: "a Slack admin sets it", info: usersInfo(personA, "Ada Lovelace", true, false), text: "config workspace beta", want: betaWS, shared: true,
			contains: []string{"<@" + personA + "> set this channel's default GitScrum workspace:", "“beta”"}},
		{name: "a Slack owner sets it", info: usersInfo(personA, "Ada Lovelace", false, true), text: "config workspace beta", want: betaWS, shared: true},
		{name: "SLACK_ADMIN_USERS sets it, Slack not asked", mods: []func(*slackbot.Config){adminList, noBotToken}, text: "config workspace beta", want: betaWS, shared: true},
		{name: "someone else may not", info: usersInfo(personA, "Ada Lovelace", false, false), preset: emulator.DemoWorkspace, text: "config workspace beta",
			want: emulator.DemoWorkspace, contains: []string{"Only Slack workspace admins and owners, and the people an admin lists in `SLACK_ADMIN_USERS`"}},
		{name: "without a bot token Slack cannot say", mods: []func(*slackbot.Config){noBotToken}, text: "config workspace beta",
			contains: []string{"Slack cannot be asked whether you are an admin", "`SLACK_BOT_TOKEN`"}},
		{name: "Slack failing changes nothing", info: map[string]any{"ok": false, "error": "ratelimited"}, preset: emulator.DemoWorkspace, text: "config workspace beta",
			want: emulator.DemoWorkspace, contains: []string{"Nothing was changed: Slack did not say whether you are a workspace admin."}},
		{name: "- clears it", info: usersInfo(personA, "Ada Lovelace", true, false), preset: betaWS, text: "config workspace -", shared: true,
			contains: []string{"cleared this channel's default GitScrum workspace"}},
		{name: "clear clears it", info: usersInfo(personA, "Ada Lovelace", true, false), preset: betaWS, text: "config workspace clear", shared: true},
		{name: "a malformed slug", info: usersInfo(personA, "Ada Lovelace", true, false), preset: betaWS, text: "config workspace a/b", want: betaWS,
			contains: []string{`Invalid workspace "a/b": must be a workspace slug`, "Usage: `/gitscrum config [workspace &lt;slug&gt;|-]`"}},
		{name: "other words", text: "config colour red", contains: []string{"config takes nothing, or workspace and a slug"}},
		{name: "config shows the precedence", preset: betaWS, text: "config", want: betaWS,
			contains: []string{"1. workspace=<slug> on the command", "2. this channel's default: “beta”", "3. your linked workspace: not connected",
				"4. the bridge's default (GITSCRUM_COMPANY_SLUG): “demo”", "Here, your commands use “beta”."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newPeopleEnv(t, tc.mods...)
			if tc.info != nil {
				e.web.SetResponse("users.info", tc.info)
			}
			ctx := ctxT(t, 10*time.Second)
			if tc.preset != "" {
				require.NoError(t, e.st.SetChannelWorkspace(ctx, testTeam, betaChannel, tc.preset, "test"))
			}
			msg := e.runIn(betaChannel, tc.text, personA)
			all := joined(t, msg)
			for _, s := range tc.contains {
				assert.Contains(t, all, s)
			}
			if tc.shared {
				assert.Equal(t, slack.ResponseTypeInChannel, msg.ResponseType, "the channel sees who changed its default")
			} else {
				assert.Equal(t, slack.ResponseTypeEphemeral, msg.ResponseType)
			}
			got, err := e.st.ChannelWorkspace(ctx, testTeam, betaChannel)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestChannelConfigWithoutStore: without a state store, config says what it
// needs.
func TestChannelConfigWithoutStore(t *testing.T) {
	t.Parallel()
	e := newIEnv(t)
	assert.Contains(t, joined(t, e.run("config workspace beta", writer)), "Channel defaults need the bridge's state store")
}

// TestWorkspacePrecedence: a command uses workspace= when given, else the
// channel's default, else the person's linked workspace, else
// GITSCRUM_COMPANY_SLUG.
func TestWorkspacePrecedence(t *testing.T) {
	t.Parallel()
	e := newPeopleEnv(t)
	e.link(personA, tokenA, emulator.DemoWorkspace)
	e.link(personB, tokenB, betaWS)
	require.NoError(t, e.st.SetChannelWorkspace(ctxT(t, 10*time.Second), testTeam, betaChannel, betaWS, "test"))
	for _, tc := range []struct {
		name, user, channel, text string
		workspace                 string // asked of GitScrum
		contains                  string
	}{
		{"B's linked workspace", personB, "C0CHANNEL1", "list", betaWS, betaOnly},
		{"A's linked workspace", personA, "C0CHANNEL1", "list", emulator.DemoWorkspace, "Acme Corp"},
		{"the channel's default before A's linked one", personA, betaChannel, "list", betaWS, "Workspace “beta” was not found in GitScrum."},
		{"the channel's default before B's linked one", personB, betaChannel, "find beta only", betaWS, betaOnly},
		{"workspace= before the channel's default", personB, betaChannel, "list workspace=demo", emulator.DemoWorkspace, "Acme Corp"},
		{"unlinked: the bridge's default", nobody, "C0CHANNEL1", "list", emulator.DemoWorkspace, "Acme Corp"},
		{"unlinked: the channel's default first", nobody, betaChannel, "show beta only co", betaWS, betaOnly},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.emu.ResetRequests()
			msg := e.runIn(tc.channel, tc.text, tc.user)
			assert.Contains(t, joined(t, msg), tc.contains)
			reqs := e.emu.Requests()
			if len(reqs) == 0 { // answered from the person's cached list: the footer names it
				assert.Contains(t, joined(t, msg), "workspace "+tc.workspace)
				return
			}
			for _, r := range reqs {
				assert.Equal(t, tc.workspace, r.Query.Get("company_slug"), "%s %s", r.Method, r.Path)
			}
		})
	}
	none := newPeopleEnv(t, func(c *slackbot.Config) { c.Workspace = "" })
	assert.Contains(t, joined(t, none.run("list", nobody)), "No workspace: GitScrum needs to know which workspace to use.")
}
