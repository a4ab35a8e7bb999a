package slackbot_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// waitRequest waits until the emulator logged a request with method whose status
// satisfies ok.
func waitRequest(t *testing.T, emu *emulator.Server, method string, ok func(status int) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range emu.Requests() {
			if r.Method == method && ok(r.Status) {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	require.FailNow(t, "the emulator never saw the request", method)
}

// TestShutdownDeliversAppliedWrite: a create GitScrum applied is answered through
// the response_url even when the shutdown stops waiting while the answer is being
// posted; the outcome is ok.
func TestShutdownDeliversAppliedWrite(t *testing.T) {
	t.Parallel()
	outs := newOutcomes()
	e := newEnv(t, func(c *slackbot.Config) { c.InlineBudget = 50 * time.Millisecond; c.OnOutcome = outs.add })
	e.emu.SetLatency(150 * time.Millisecond)
	e.hooks.then(scripted{status: http.StatusOK, delay: time.Second}) // a slow Slack

	ack := e.run(`create "Shutdown Applied Ltd" force=yes`, writer)
	assert.Contains(t, ack.Text, "Creating")
	waitRequest(t, e.emu, http.MethodPost, func(s int) bool { return s == http.StatusCreated })

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	require.Error(t, e.bot.Close(ctx), "the drain timeout ends before the post")
	assert.Less(t, time.Since(start), slackbot.ShutdownPostTimeout+time.Second, "bounded")

	out := outs.next(t, 5*time.Second)
	assert.Equal(t, slackbot.ResultOK, out.Result)
	assert.NoError(t, out.DeliveryErr)
	posts := e.hooks.received()
	require.Len(t, posts, 1, "the answer was delivered")
	assert.Contains(t, joined(t, posts[0].msg), "Shutdown Applied Ltd")
}

// TestShutdownDuringSlowWrite: a shutdown that stops waiting while a create is in
// flight cancels it; the user is told the change may or may not have been saved,
// and the outcome is canceled, never internal_error.
func TestShutdownDuringSlowWrite(t *testing.T) {
	t.Parallel()
	outs := newOutcomes()
	e := newEnv(t, func(c *slackbot.Config) { c.InlineBudget = 50 * time.Millisecond; c.OnOutcome = outs.add })
	e.emu.SetLatency(3 * time.Second)

	e.run(`create "Shutdown Cut Ltd" force=yes`, writer)
	waitRequest(t, e.emu, http.MethodPost, func(s int) bool { return s == 0 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	require.Error(t, e.bot.Close(ctx))
	assert.Less(t, time.Since(start), 2*time.Second, "the slow write was cut short")

	out := outs.next(t, 5*time.Second)
	assert.Equal(t, slackbot.ResultCanceled, out.Result)
	assert.NotEqual(t, slackbot.ResultInternal, out.Result)
	assert.Equal(t, "create", out.Subcommand)
	assert.NoError(t, out.DeliveryErr, "the answer still reaches Slack")
	posts := e.hooks.waitPosts(1, 5*time.Second)
	text := joined(t, posts[0].msg)
	assert.Contains(t, text, "restarting")
	assert.Contains(t, text, "may or may not have been saved")
	assert.NotContains(t, text, "Something went wrong")
}
