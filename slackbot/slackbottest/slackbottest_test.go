package slackbottest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// TestSignRequestVerifies checks a signed request passes slack-go's own verifier,
// and a tampered body does not.
func TestSignRequestVerifies(t *testing.T) {
	const secret, body = "s3cret-signing", "command=%2Fgitscrum&text=acme"
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/slack/commands", strings.NewReader(body))
	require.NoError(t, err)
	slackbottest.SignRequest(req, secret, body, time.Now())
	for _, tc := range []struct {
		body string
		ok   bool
	}{{body, true}, {body + "x", false}} {
		v, err := slack.NewSecretsVerifier(req.Header, secret)
		require.NoError(t, err)
		_, _ = v.Write([]byte(tc.body))
		assert.Equal(t, tc.ok, v.Ensure() == nil, tc.body)
	}
}

// TestTexts checks every text of a nested message is found.
func TestTexts(t *testing.T) {
	got, err := slackbottest.Texts([]byte(`{"text":"fallback","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"a"},"fields":[{"text":"b"}]}]}`))
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"fallback", "a", "b"}, got)
	_, err = slackbottest.Texts([]byte(`{`))
	assert.Error(t, err)
}
