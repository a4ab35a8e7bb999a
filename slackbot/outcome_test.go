package slackbot_test

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// TestLoggedOutcomesAreTheVocabulary runs requests that end in every way a Slack
// request can end and checks that each log line's outcome is a word of the one
// vocabulary that /metrics counts, and the very word OnOutcome was told.
func TestLoggedOutcomesAreTheVocabulary(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	outs := newOutcomes()
	e := newEnv(t, func(c *slackbot.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c.OnOutcome = outs.add
		c.InlineBudget = 300 * time.Millisecond
	})
	for _, tc := range []struct{ text, user string }{
		{"show initech", reader},                            // ok
		{"show", reader},                                    // invalid: usage
		{"create Wonka email=nope", writer},                 // invalid: validation
		{"show globx", reader},                              // not_found
		{"show acme", reader},                               // ambiguous
		{"create Globex Corporation", writer},               // duplicate
		{"create Wonka", reader},                            // forbidden
		{`update "initech" phone=+1-555-0199`, writer},      // ok, a write
		{"list workspace=nope-such-workspace", reader},      // not_found: workspace
		{`show "unbalanced`, reader},                        // invalid: tokenizer
		{"help frobnicate", reader},                         // invalid: help topic
		{"update initech colour=red", writer},               // invalid: unknown field
		{"list workspace=demo share share", reader},         // ok or invalid
		{"update initech", writer},                          // invalid: no fields
		{"help", reader},                                    // ok, local
		{"initech", reader},                                 // ok, find
		{"zzzz-nothing-at-all", reader},                     // not_found, find
		{"list", reader},                                    // ok, list
		{"search acme.co", reader},                          // ok, alias
		{"get " + initechUUID, reader},                      // ok by UUID
		{"create Ω", writer},                                // ok or invalid
		{"update acme phone=1", writer},                     // ambiguous write
		{"list " + strings.Repeat("x", 50), reader},         // not_found
		{"show " + strings.Repeat("<!channel>", 3), reader}, // not_found, hostile
	} {
		e.run(tc.text, tc.user)
	}
	// Workspaces not listed yet, so the failures are not hidden by the list cache.
	e.emu.FailNext(1, http.StatusTooManyRequests, time.Minute)
	e.run("list workspace=not-cached-1", reader) // rate_limited
	e.emu.FailNext(1, http.StatusServiceUnavailable, 0)
	e.run("list workspace=not-cached-2", reader) // unavailable

	body := e.commandForm("list", reader).Encode()
	now := time.Now()
	e.do(e.signedRequest(body, now))
	e.do(e.signedRequest(body, now)) // replayed
	forged := e.signedRequest(body, now.Add(time.Second))
	forged.Header.Set("X-Slack-Signature", slackbottest.Signature("wrong", "1", body))
	e.do(forged) // unauthorized
	wrong := e.commandForm("list", reader)
	wrong.Set("command", "/other")
	e.do(e.signedRequest(wrong.Encode(), now)) // invalid: another command
	bad := e.commandForm("show initech", reader)
	bad.Set("response_url", "https://evil.example/hook")
	e.emu.SetLatency(time.Second)
	e.do(e.signedRequest(bad.Encode(), now)) // reply_lost
	outs.waitFor(t, slackbot.ResultReplyLost, 10*time.Second)

	told := map[string]bool{}
	outs.mu.Lock()
	for _, o := range outs.all {
		told[o.Result] = true
	}
	outs.mu.Unlock()
	logged := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rec), sc.Text())
		if word, ok := rec["outcome"].(string); ok {
			assert.True(t, outcome.Valid(word), "logged outcome %q is not a word of the vocabulary", word)
			logged[word] = true
		}
		if word, ok := rec["command_outcome"].(string); ok {
			assert.True(t, outcome.Valid(word), "logged command_outcome %q is not a word of the vocabulary", word)
		}
	}
	assert.Equal(t, told, logged, "the words logged are the words counted")
	for _, w := range []string{outcome.OK, outcome.Invalid, outcome.NotFound, outcome.Ambiguous, outcome.Duplicate,
		outcome.Forbidden, outcome.Unauthorized, outcome.RateLimited, outcome.Unavailable, outcome.Replayed, outcome.ReplyLost} {
		assert.True(t, logged[w], "no request logged %q", w)
	}
}
