package slackbot_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// testBudget is the inline budget of the slow tests: short, so they run fast.
const testBudget = 300 * time.Millisecond

// outcomes collects the outcomes a bot reports.
type outcomes struct {
	mu  sync.Mutex
	all []slackbot.Outcome
	ch  chan slackbot.Outcome
}

func newOutcomes() *outcomes { return &outcomes{ch: make(chan slackbot.Outcome, 100)} }

func (o *outcomes) add(out slackbot.Outcome) {
	o.mu.Lock()
	o.all = append(o.all, out)
	o.mu.Unlock()
	o.ch <- out
}

// next waits for the next outcome.
func (o *outcomes) next(t *testing.T, timeout time.Duration) slackbot.Outcome {
	t.Helper()
	select {
	case out := <-o.ch:
		return out
	case <-time.After(timeout):
		require.FailNow(t, "no outcome reported")
	}
	return slackbot.Outcome{}
}

// waitFor waits for an outcome with result, skipping others.
func (o *outcomes) waitFor(t *testing.T, result string, timeout time.Duration) slackbot.Outcome {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case out := <-o.ch:
			if out.Result == result {
				return out
			}
		case <-deadline:
			require.FailNow(t, "no outcome "+result)
		}
	}
}

// TestDefaultInlineBudget checks the real budget leaves Slack's 3 s well alone.
func TestDefaultInlineBudget(t *testing.T) {
	assert.LessOrEqual(t, slackbot.DefaultInlineBudget, 2*time.Second)
	assert.GreaterOrEqual(t, slackbot.DefaultInlineBudget, time.Second, "shorter would acknowledge commands that could be answered inline")
	assert.Equal(t, 5, slackbot.MaxResponsePosts)
}

// TestSlowUpstream checks that with GitScrum 5 s slow the acknowledgement arrives
// within the inline budget and the answer reaches the response_url.
func TestSlowUpstream(t *testing.T) {
	t.Parallel()
	outs := newOutcomes()
	e := newEnv(t, func(c *slackbot.Config) { c.InlineBudget = testBudget; c.OnOutcome = outs.add })
	e.emu.SetLatency(5 * time.Second)

	start := time.Now()
	ack := e.run("list acme share", reader)
	ackAfter := time.Since(start)
	assert.GreaterOrEqual(t, ackAfter, testBudget)
	assert.Less(t, ackAfter, testBudget+700*time.Millisecond, "the acknowledgement keeps to the inline budget")
	assert.Contains(t, ack.Text, "Searching the clients for “acme”")
	assert.Equal(t, slack.ResponseTypeEphemeral, ack.ResponseType, "the acknowledgement is for the user only")

	posts := e.hooks.waitPosts(1, 10*time.Second)
	final := posts[0].msg
	assert.GreaterOrEqual(t, posts[0].at.Sub(start), 5*time.Second)
	assert.Contains(t, joined(t, final), "Acme Logistics")
	assert.Equal(t, slack.ResponseTypeInChannel, final.ResponseType, "a shared answer is posted in the channel")
	require.NoError(t, blockkit.CheckLimits(final))

	out := outs.next(t, 5*time.Second)
	assert.True(t, out.Deferred)
	assert.Equal(t, slackbot.ResultOK, out.Result)
	assert.NoError(t, out.DeliveryErr)
	assert.Equal(t, "list", out.Subcommand)
	assert.Equal(t, reader, out.UserID)
}

// TestFastUpstreamAnswersInline checks a quick answer is not deferred.
func TestFastUpstreamAnswersInline(t *testing.T) {
	t.Parallel()
	outs := newOutcomes()
	e := newEnv(t, func(c *slackbot.Config) { c.InlineBudget = time.Second; c.OnOutcome = outs.add })
	e.emu.SetLatency(50 * time.Millisecond)
	msg := e.run("show acme corp", reader)
	assert.Contains(t, joined(t, msg), "billing@acme.co")
	out := outs.next(t, time.Second)
	assert.False(t, out.Deferred)
	assert.Empty(t, e.hooks.received())
}

// TestResponseURLRateLimited checks a 429 from the response_url is retried after
// its Retry-After.
func TestResponseURLRateLimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *slackbot.Config) { c.InlineBudget = 50 * time.Millisecond })
	e.emu.SetLatency(200 * time.Millisecond)
	e.hooks.then(scripted{status: http.StatusTooManyRequests, retryAfter: "1"})

	e.run("show initech", reader)
	posts := e.hooks.waitPosts(2, 10*time.Second)
	require.Len(t, posts, 2)
	assert.Equal(t, http.StatusTooManyRequests, posts[0].status)
	assert.Equal(t, http.StatusOK, posts[1].status)
	assert.GreaterOrEqual(t, posts[1].at.Sub(posts[0].at), 950*time.Millisecond, "Retry-After is honoured")
	assert.Contains(t, joined(t, posts[1].msg), "Initech")
}

// TestResponseURLAtMostFivePosts checks delivery gives up after 5 posts, and that a
// refusal other than 429 or 5xx is not retried.
func TestResponseURLAtMostFivePosts(t *testing.T) {
	t.Parallel()
	t.Run("always rate limited", func(t *testing.T) {
		t.Parallel()
		outs := newOutcomes()
		e := newEnv(t, func(c *slackbot.Config) { c.InlineBudget = 50 * time.Millisecond; c.OnOutcome = outs.add })
		e.emu.SetLatency(100 * time.Millisecond)
		for range 10 {
			e.hooks.then(scripted{status: http.StatusTooManyRequests, retryAfter: "1"})
		}
		e.run("show initech", reader)
		out := outs.next(t, 15*time.Second)
		require.Error(t, out.DeliveryErr)
		assert.NotContains(t, out.DeliveryErr.Error(), e.hooks.url(), "the response_url is a credential; it is never logged")
		assert.Len(t, e.hooks.received(), slackbot.MaxResponsePosts)
	})
	t.Run("gone", func(t *testing.T) {
		t.Parallel()
		outs := newOutcomes()
		e := newEnv(t, func(c *slackbot.Config) { c.InlineBudget = 50 * time.Millisecond; c.OnOutcome = outs.add })
		e.emu.SetLatency(100 * time.Millisecond)
		e.hooks.then(scripted{status: http.StatusNotFound})
		e.run("show initech", reader)
		out := outs.next(t, 5*time.Second)
		require.Error(t, out.DeliveryErr)
		assert.Len(t, e.hooks.received(), 1, "a 404 (expired response_url) is final")
	})
}

// TestClientGoneDefersAnswer checks that when the HTTP client stops waiting the
// answer still reaches the response_url.
func TestClientGoneDefersAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *slackbot.Config) { c.InlineBudget = 2 * time.Second })
	e.emu.SetLatency(500 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req := e.signedRequest(e.commandForm("show globex", reader).Encode(), time.Now()).WithContext(ctx)
	_, err := http.DefaultClient.Do(req)
	require.Error(t, err)
	posts := e.hooks.waitPosts(1, 5*time.Second)
	assert.Contains(t, joined(t, posts[0].msg), "Globex Corporation")
}

// TestCloseDrains checks that Close waits for answers in flight, and refuses new
// commands.
func TestCloseDrains(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *slackbot.Config) { c.InlineBudget = 50 * time.Millisecond })
	e.emu.SetLatency(400 * time.Millisecond)
	e.run("show globex", reader)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, e.bot.Close(ctx))
	require.Len(t, e.hooks.received(), 1, "the answer in flight was delivered before Close returned")

	msg := e.run("list", reader)
	assert.Contains(t, msg.Text, "restarting")
}

// TestCloseTimesOut checks that Close gives up on work that outlasts its context.
func TestCloseTimesOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *slackbot.Config) { c.InlineBudget = 50 * time.Millisecond })
	e.emu.SetLatency(5 * time.Second)
	e.run("show globex", reader)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := e.bot.Close(ctx)
	require.Error(t, err)
	assert.Less(t, time.Since(start), 2*time.Second, "cancelled work ends promptly")
}
