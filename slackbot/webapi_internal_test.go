package slackbot

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// TestWebAPIClient: without a bot token the Web API is missing with a message that
// names SLACK_BOT_TOKEN; with one, calls go to the configured API URL with it.
func TestWebAPIClient(t *testing.T) {
	client, err := gitscrum.New()
	require.NoError(t, err)

	b, err := New(Config{Client: client})
	require.NoError(t, err)
	_, err = b.webAPI()
	require.ErrorIs(t, err, errNoBotToken)
	assert.Contains(t, err.Error(), "SLACK_BOT_TOKEN")

	_, err = New(Config{Client: client, BotToken: "xoxp-user-token"})
	require.Error(t, err, "a user token is not a bot token")

	api := slackbottest.NewWebAPI(t)
	b, err = New(Config{Client: client, BotToken: "xoxb-1", APIURL: api.URL[:len(api.URL)-1]})
	require.NoError(t, err)
	web, err := b.webAPI()
	require.NoError(t, err)
	_, err = web.AuthTestContext(context.Background())
	require.NoError(t, err)
	calls := api.Calls("auth.test")
	require.Len(t, calls, 1)
	assert.Equal(t, "xoxb-1", calls[0].Token)

	assert.Equal(t, DefaultAPIURL, normalizeAPIURL(" "))
	assert.Equal(t, "https://slack-gov.com/api/", normalizeAPIURL("https://slack-gov.com/api"))
}
