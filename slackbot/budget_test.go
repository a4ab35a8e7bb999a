package slackbot_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// slackAckDeadline is how long Slack waits for the answer to a slash command
// before it shows the user an error.
const slackAckDeadline = 3 * time.Second

// TestDefaultBudgetAcknowledgesInTime checks the real inline budget as the time a
// slow command takes to be acknowledged, over real HTTP: with GitScrum 5 s slow,
// the acknowledgement arrives once the default budget has passed and before
// Slack's 3 s, and the answer follows on the response_url. It is a correctness
// test with a wide margin, not a performance claim.
func TestDefaultBudgetAcknowledgesInTime(t *testing.T) {
	t.Parallel()
	outs := newOutcomes()
	e := newEnv(t, func(c *slackbot.Config) { c.InlineBudget = 0; c.OnOutcome = outs.add }) // 0: the default
	e.emu.SetLatency(5 * time.Second)

	start := time.Now()
	ack := e.run("show "+initechUUID, reader)
	ackAfter := time.Since(start)
	t.Logf("acknowledged after %s", ackAfter)
	assert.GreaterOrEqual(t, ackAfter, slackbot.DefaultInlineBudget, "not before the budget: a faster answer would have come inline")
	assert.Less(t, ackAfter, slackAckDeadline, "within Slack's 3 s")
	assert.Contains(t, ack.Text, "Looking up “"+initechUUID+"”")
	assert.Empty(t, e.hooks.received(), "the answer is not ready yet")

	posts := e.hooks.waitPosts(1, 15*time.Second)
	assert.GreaterOrEqual(t, posts[0].at.Sub(start), 5*time.Second, "the answer follows once GitScrum answered")
	assert.Contains(t, joined(t, posts[0].msg), "Initech")
	require.NoError(t, blockkit.CheckLimits(posts[0].msg))
	out := outs.next(t, 5*time.Second)
	assert.True(t, out.Deferred)
	assert.Equal(t, slackbot.ResultOK, out.Result)
}

// initechUUID is a demo client's UUID: showing it takes one GitScrum request.
const initechUUID = "e7b2c4d6-8f0a-4b1c-b2d3-e4f5a6b7c844"
