package tools_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/syncbuf"
)

// lockedBuffer collects output that is written while the test reads it.
type lockedBuffer = syncbuf.Buffer

// TestLoggedOutcomesAreTheVocabulary runs calls that end every way a tool call can
// end and checks that each log line's outcome is a word of the one vocabulary that
// /metrics counts, and the same word Observe was told.
func TestLoggedOutcomesAreTheVocabulary(t *testing.T) {
	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	withLogger := func(c *envConfig) { c.opts.Logger = logger }
	e := newEnv(t, withLogger)
	noToken := newEnv(t, withLogger, withToken(""))
	noSlug := newEnv(t, withLogger, withSlug(""))

	e.call(t, "get_client", map[string]any{"client": "Initech"})                         // ok
	e.call(t, "get_client", map[string]any{"client": "acme"})                            // ambiguous
	e.call(t, "get_client", map[string]any{"client": "zzzz-nothing"})                    // not_found
	e.call(t, "list_clients", map[string]any{"limit": -1})                               // bad arguments
	e.call(t, "create_client", map[string]any{"name": "Wonka", "email": "not-an-email"}) // validation
	e.call(t, "create_client", map[string]any{"name": "Globex Corporation"})             // duplicate
	noToken.call(t, "list_clients", map[string]any{})                                    // no token
	noSlug.call(t, "list_clients", map[string]any{})                                     // no workspace
	e.emu.FailNext(1, http.StatusTooManyRequests, time.Minute)
	e.call(t, "list_clients", map[string]any{"company_slug": "other"}) // rate limited
	e.emu.FailNext(1, http.StatusServiceUnavailable, 0)
	e.call(t, "list_clients", map[string]any{"company_slug": "another"}) // unavailable
	e.emu.ExpireToken(emulator.DefaultToken)
	e.call(t, "list_clients", map[string]any{"company_slug": "third"}) // unauthorized

	observed := map[string]bool{}
	for _, env := range []*env{e, noToken, noSlug} {
		env.mu.Lock()
		for _, c := range env.calls {
			observed[c.Outcome] = true
		}
		env.mu.Unlock()
	}
	logged := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(logs.Bytes()))
	for sc.Scan() {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rec), sc.Text())
		word, ok := rec["outcome"].(string)
		if !ok {
			continue
		}
		assert.True(t, outcome.Valid(word), "logged outcome %q is not a word of the vocabulary", word)
		logged[word] = true
	}
	assert.Equal(t, observed, logged, "the words logged are the words counted")
	for _, w := range []string{outcome.OK, outcome.Ambiguous, outcome.NotFound, outcome.Invalid, outcome.Duplicate,
		outcome.Unauthorized, outcome.RateLimited, outcome.Unavailable} {
		assert.True(t, logged[w], "no call logged %q", w)
	}
}
