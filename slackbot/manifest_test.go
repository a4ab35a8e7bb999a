package slackbot_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// TestManifest checks both kinds of manifest and the URL checks.
func TestManifest(t *testing.T) {
	t.Parallel()
	t.Run("socket mode", func(t *testing.T) {
		raw, err := slackbot.ManifestJSON(slackbot.ManifestOptions{})
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m))
		settings := m["settings"].(map[string]any)
		assert.Equal(t, true, settings["socket_mode_enabled"])
		cmds := m["features"].(map[string]any)["slash_commands"].([]any)
		require.Len(t, cmds, 1)
		cmd := cmds[0].(map[string]any)
		assert.Equal(t, "/gitscrum", cmd["command"])
		assert.NotContains(t, cmd, "url", "Socket Mode has no request URL")
		assert.Contains(t, cmd["usage_hint"], "list [query]")
		assert.Contains(t, cmd["usage_hint"], "connect | disconnect | whoami | config")
		assert.Equal(t, []any{"commands", "chat:write", "app_mentions:read", "im:history", "users:read"}, m["oauth_config"].(map[string]any)["scopes"].(map[string]any)["bot"])
		assert.Equal(t, map[string]any{"bot_events": []any{"app_mention", "message.im", "app_home_opened"}}, settings["event_subscriptions"], "events without a URL")
		assert.Equal(t, map[string]any{"is_enabled": true}, settings["interactivity"], "interactivity without a URL")
		assert.Equal(t, map[string]any{"home_tab_enabled": true, "messages_tab_enabled": true, "messages_tab_read_only_enabled": false},
			m["features"].(map[string]any)["app_home"], "the Home tab shows the connection; people may DM the bot")
		assertGoldenBytes(t, "manifest_socket", raw)
		assert.Equal(t, "GitScrum", m["display_information"].(map[string]any)["name"])
	})
	for _, tc := range []struct{ in, want, err string }{
		{in: "https://bot.example.com", want: "https://bot.example.com/slack/commands"},
		{in: "https://bot.example.com/", want: "https://bot.example.com/slack/commands"},
		{in: "https://bot.example.com/prefix", want: "https://bot.example.com/prefix/slack/commands"},
		{in: "https://bot.example.com/slack/commands", want: "https://bot.example.com/slack/commands"},
		{in: "http://bot.example.com", err: "https"},
		{in: "bot.example.com", err: "absolute"},
		{in: "https://user:pw@bot.example.com", err: "credentials"},
		{in: "https://bot.example.com/?x=1", err: "query"},
	} {
		t.Run("url "+tc.in, func(t *testing.T) {
			m, err := slackbot.Manifest(slackbot.ManifestOptions{URL: tc.in})
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.False(t, m.Settings.SocketModeEnabled)
			assert.Equal(t, tc.want, m.Features.SlashCommands[0].Url)
			base := strings.TrimSuffix(tc.want, slackbot.CommandsPath)
			assert.Equal(t, base+slackbot.EventsPath, m.Settings.EventSubscriptions.RequestUrl)
			assert.Equal(t, base+"/slack/interactivity", m.Settings.Interactivity.RequestUrl)
			assert.Equal(t, base+"/slack/interactivity", m.Settings.Interactivity.MessageMenuOptionsUrl)
			assert.True(t, m.Settings.Interactivity.IsEnabled)
		})
	}
	t.Run("http golden", func(t *testing.T) {
		raw, err := slackbot.ManifestJSON(slackbot.ManifestOptions{URL: "https://bot.example.com"})
		require.NoError(t, err)
		assertGoldenBytes(t, "manifest_http", raw)
	})
}

// TestManifestScopes: every bot scope is needed by a feature, and every event
// subscribed to has the scope Slack requires for it.
func TestManifestScopes(t *testing.T) {
	t.Parallel()
	m, err := slackbot.Manifest(slackbot.ManifestOptions{URL: "https://bot.example.com"})
	require.NoError(t, err)
	scopes := m.OAuthConfig.Scopes.Bot
	needs := map[string]string{
		"commands":          "the slash command",
		"chat:write":        "chat.postMessage: answers to mentions and DMs",
		"app_mentions:read": "the app_mention event",
		"im:history":        "the message.im event",
		"users:read":        "users.info: the name on the connect page, and whether a person is a Slack admin or owner",
	}
	assert.ElementsMatch(t, scopes, slackbot.BotScopes())
	for _, s := range scopes {
		assert.Contains(t, needs, s, "scope %s is not needed by any feature", s)
	}
	for s := range needs {
		assert.Contains(t, scopes, s)
	}
	// app_home_opened needs no scope.
	eventScope := map[string]string{"app_mention": "app_mentions:read", "message.im": "im:history", "app_home_opened": ""}
	for _, ev := range m.Settings.EventSubscriptions.BotEvents {
		require.Contains(t, eventScope, ev)
		if eventScope[ev] != "" {
			assert.Contains(t, scopes, eventScope[ev], ev)
		}
	}
	assert.True(t, m.Features.AppHome.HomeTabEnabled, "the App Home's Home tab")
	assert.Empty(t, m.OAuthConfig.Scopes.User, "no user scopes")
}

// assertGoldenBytes compares raw with testdata/golden/<name>.json.
func assertGoldenBytes(t *testing.T, name string, raw []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".json")
	if updateSnapshots() {
		require.NoError(t, os.WriteFile(path, raw, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run the tests with UPDATE_SNAPSHOTS=1 to create it")
	assert.JSONEq(t, string(want), string(raw), "%s differs from %s; UPDATE_SNAPSHOTS=1 refreshes it", name, path)
}
