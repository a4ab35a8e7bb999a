package slackbot_test

import (
	"encoding/json"
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
		assert.Equal(t, []any{"commands"}, m["oauth_config"].(map[string]any)["scopes"].(map[string]any)["bot"])
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
		})
	}
}
