package slackbot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// runSocket runs e's bot over Socket Mode against a new fake Slack with limits,
// until the test ends.
func runSocket(t *testing.T, e *env, limits slackbot.SocketLimits) *socketSlack {
	t.Helper()
	fake := newSocketSlack(t)
	client, err := slackbot.NewSocketClient(testAppToken, testBotToken, nil, slack.OptionAPIURL(fake.apiURL()))
	require.NoError(t, err)
	client.Limits = limits
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.bot.RunSocketMode(ctx, client) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("RunSocketMode did not return after its context ended")
		}
	})
	return fake
}

// TestSocketModeUserFlood: one member sending envelopes as fast as Slack takes
// them is answered "slow down" (ephemeral, nothing run) once over the per-person
// rate; everyone else is answered as usual, and the envelope-id memory, full,
// forgets its oldest entry instead of locking everyone out as "too busy".
func TestSocketModeUserFlood(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *slackbot.Config) { c.SigningSecret = "" })
	fake := runSocket(t, e, slackbot.SocketLimits{UserBurst: 5, UserRate: 0.01, MaxEnvelopes: 4})

	var answered, slowed, upstream int
	for i := range 20 {
		msg, _ := fake.command(fmt.Sprintf("flood-%d", i), "show acme corp", reader, e.hooks.url())
		all := joined(t, msg)
		switch {
		case strings.Contains(all, "billing@acme.co"):
			answered++
			upstream = len(e.emu.Requests())
		case strings.Contains(all, "Slow down"):
			slowed++
			assert.Equal(t, slack.ResponseTypeEphemeral, msg.ResponseType)
		default:
			assert.Fail(t, "neither answered nor slowed down", "envelope %d: %s", i, all)
		}
	}
	assert.Equal(t, 5, answered, "the burst is answered")
	assert.Equal(t, 15, slowed, "the rest is slowed down")
	assert.Len(t, e.emu.Requests(), upstream, "a command slowed down costs GitScrum nothing")

	// Others are unaffected, though the envelope memory (4) is long full.
	for i := range 10 {
		msg, _ := fake.command(fmt.Sprintf("other-%d", i), "help", fmt.Sprintf("U0OTHER%02d", i), e.hooks.url())
		all := joined(t, msg)
		assert.Contains(t, all, "/gitscrum list [query]", "member %d is answered", i)
		assert.NotContains(t, all, "too busy")
	}
	// A recent envelope sent again is still recognised.
	ack, _ := fake.send("other-9", "help", "U0OTHER09", e.hooks.url())
	assert.Empty(t, ack.Payload, "a redelivered envelope is acknowledged, not run again")
}

// TestSocketModeLargePayload: an envelope whose payload is over the body bound
// of HTTP mode is acknowledged without running.
func TestSocketModeLargePayload(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *slackbot.Config) { c.SigningSecret = "" })
	fake := runSocket(t, e, slackbot.SocketLimits{})
	upstream := len(e.emu.Requests())
	ack, _ := fake.send("large", "show "+strings.Repeat("a", slackbot.MaxBodyBytes), reader, e.hooks.url())
	assert.Empty(t, ack.Payload, "acknowledged, not answered")
	assert.Len(t, e.emu.Requests(), upstream, "nothing sent to GitScrum")
	msg, _ := fake.command("after", "help", reader, e.hooks.url())
	assert.Contains(t, joined(t, msg), "/gitscrum list [query]", "the connection still answers")
}

// TestSocketModeEnvelopesAreJobs: every envelope is background work of the bot,
// within its bound: once the bot's work is closed, an envelope is answered "too
// busy" and does not run.
func TestSocketModeEnvelopesAreJobs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *slackbot.Config) { c.SigningSecret = "" })
	fake := runSocket(t, e, slackbot.SocketLimits{})
	msg, _ := fake.command("before", "help", reader, e.hooks.url())
	require.Contains(t, joined(t, msg), "/gitscrum list [query]")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, e.bot.Close(ctx))
	upstream := len(e.emu.Requests())
	ack, _ := fake.send("after-close", "show acme corp", reader, e.hooks.url())
	var refused slack.WebhookMessage
	require.NoError(t, json.Unmarshal(ack.Payload, &refused), "payload: %s", ack.Payload)
	assert.Contains(t, joined(t, &refused), "too busy")
	assert.Len(t, e.emu.Requests(), upstream, "nothing sent to GitScrum")
}
