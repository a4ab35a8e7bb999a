package slackbot_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// TestOtherCommandRefused: a signed request whose command is not the configured
// slash command is refused with an ephemeral explanation, runs nothing and sends
// nothing to GitScrum.
func TestOtherCommandRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, configured, sent string
	}{
		{name: "another command", sent: "/gs"},
		{name: "no command", sent: ""},
		{name: "other case", sent: "/GitScrum"},
		{name: "configured elsewhere", configured: "/gs", sent: "/gitscrum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			outs := newOutcomes()
			e := newEnv(t, func(c *slackbot.Config) { c.Command = tc.configured; c.OnOutcome = outs.add })
			form := e.commandForm(`create "Wrong Command Co" force=yes`, writer)
			form.Set("command", tc.sent)
			status, body := e.do(e.signedRequest(form.Encode(), time.Now()))
			require.Equal(t, http.StatusOK, status)
			msg := decodeMessage(t, body)
			assert.Equal(t, slack.ResponseTypeEphemeral, msg.ResponseType)
			assert.Contains(t, joined(t, msg), "Nothing was run")
			assert.NotContains(t, joined(t, msg), "Created")
			assert.Empty(t, e.emu.Requests(), "nothing reaches GitScrum")
			out := outs.next(t, time.Second)
			assert.Equal(t, slackbot.ResultInvalid, out.Result)
			assert.Empty(t, out.Subcommand)
		})
	}
	t.Run("the configured command runs", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, func(c *slackbot.Config) { c.Command = "/gs" })
		form := e.commandForm("help", reader)
		form.Set("command", "/gs")
		status, body := e.do(e.signedRequest(form.Encode(), time.Now()))
		require.Equal(t, http.StatusOK, status)
		assert.Contains(t, joined(t, decodeMessage(t, body)), "/gs list [query]", "help speaks of the configured command")
	})
}

// TestCheckCommand covers the form of a configured slash command.
func TestCheckCommand(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"/gitscrum", "/gs", "/git-scrum", "/git_scrum2", "/クライアント"} {
		assert.NoError(t, slackbot.CheckCommand(ok), ok)
	}
	for _, bad := range []string{"", "/", "gitscrum", "/GitScrum", "/git scrum", "/*bold*", "/a<b", "/" + string(make([]byte, 32))} {
		assert.Error(t, slackbot.CheckCommand(bad), bad)
	}
}
