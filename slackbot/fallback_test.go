package slackbot_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// TestParseFallback reads GITSCRUM_SLACK_FALLBACK.
func TestParseFallback(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want slackbot.Fallback
		err  string
	}{
		{in: "", want: ""},
		{in: "none", want: slackbot.FallbackNone},
		{in: " Read ", want: slackbot.FallbackRead},
		{in: "ALL", want: slackbot.FallbackAll},
		{in: "some", err: `GITSCRUM_SLACK_FALLBACK: "some" is not a fallback: use none`},
		{in: "read-only", err: "read (others may look clients up with the bot's token)"},
	} {
		got, err := slackbot.ParseFallback(tc.in)
		if tc.err != "" {
			require.Error(t, err, tc.in)
			assert.Contains(t, err.Error(), tc.err)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	assert.Equal(t, "default", slackbot.Fallback("").String())
	assert.Equal(t, "read", slackbot.FallbackRead.String())
}

// TestParseAdminUsers reads SLACK_ADMIN_USERS as SLACK_WRITE_USERS is read.
func TestParseAdminUsers(t *testing.T) {
	t.Parallel()
	ids, err := slackbot.ParseAdminUsers("U012ABCDEF, W034GHIJKL U012ABCDEF")
	require.NoError(t, err)
	assert.Equal(t, []string{"U012ABCDEF", "W034GHIJKL"}, ids)
	_, err = slackbot.ParseAdminUsers("U012ABCDEF,alice")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `SLACK_ADMIN_USERS: "alice" is not a Slack user ID`)
}

// TestNewLinkingSettings: New refuses settings of linking that cannot work.
func TestNewLinkingSettings(t *testing.T) {
	t.Parallel()
	e := newPeopleEnv(t)
	client, err := gitscrum.New(gitscrum.WithBaseURL("http://127.0.0.1:9"), gitscrum.WithToken("t"))
	require.NoError(t, err)
	base := slackbot.Config{Client: client, SigningSecret: testSecret}
	for _, tc := range []struct {
		name string
		mod  func(*slackbot.Config)
		err  string
	}{
		{"read without linking", func(c *slackbot.Config) { c.Fallback = slackbot.FallbackRead }, "GITSCRUM_SLACK_FALLBACK=read needs account linking"},
		{"none without linking", func(c *slackbot.Config) { c.Fallback = slackbot.FallbackNone }, "GITSCRUM_SLACK_FALLBACK=none needs account linking"},
		{"an unknown fallback", func(c *slackbot.Config) { c.Fallback = "most" }, `"most" is not a fallback`},
		{"accounts without a connect URL", func(c *slackbot.Config) { c.Accounts = e.acc }, "Config.ConnectURL is required"},
		{"an admin that is no user id", func(c *slackbot.Config) { c.AdminUsers = []string{"bob"} }, `admin user "bob" is not a Slack user ID`},
		{"all without linking", func(c *slackbot.Config) { c.Fallback = slackbot.FallbackAll }, ""},
		{"linking, the default fallback", func(c *slackbot.Config) { c.Accounts, c.ConnectURL = e.acc, func(s string) string { return s } }, ""},
	} {
		cfg := base
		tc.mod(&cfg)
		_, err := slackbot.New(cfg)
		if tc.err == "" {
			assert.NoError(t, err, tc.name)
			continue
		}
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.err, tc.name)
	}
}
