package slackbot_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// TestRateLimitedWriteSaysWhatMayHaveChanged: a 429 answers only the last attempt
// of a call. An update is retried, and an earlier attempt may have been saved
// before a proxy lost its answer, so a rate-limited update must not claim that
// nothing changed. A create is never retried once sent, so its 429 proves it
// created nothing.
func TestRateLimitedWriteSaysWhatMayHaveChanged(t *testing.T) {
	policy := gitscrum.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxRetryAfter: 10 * time.Second}
	newBot := func(t *testing.T, h http.Handler) *slackbot.Bot {
		ts := httptest.NewServer(h)
		t.Cleanup(ts.Close)
		client, err := gitscrum.New(gitscrum.WithBaseURL(ts.URL), gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithRetryPolicy(policy))
		require.NoError(t, err)
		bot, err := slackbot.New(slackbot.Config{Client: client, Workspace: emulator.DemoWorkspace, WriteUsers: []string{writer}})
		require.NoError(t, err)
		return bot
	}
	run := func(bot *slackbot.Bot, text string) string {
		return joined(t, bot.Reply(context.Background(), slack.SlashCommand{Command: "/gitscrum", Text: text, UserID: writer}))
	}

	t.Run("update saved, its answer lost, the retry rate limited", func(t *testing.T) {
		emu := emulator.New(emulator.WithDemoData())
		var lost atomic.Bool
		bot := newBot(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut && lost.CompareAndSwap(false, true) {
				emu.ServeHTTP(httptest.NewRecorder(), r) // saved…
				emu.FailNext(1, http.StatusTooManyRequests, 30*time.Second)
				w.WriteHeader(http.StatusBadGateway) // …but a proxy lost the answer
				return
			}
			emu.ServeHTTP(w, r)
		}))
		text := run(bot, "update "+emulator.DemoAcmeUUID+" phone=+1-555-0199")
		got, _ := emu.Client(emulator.DemoWorkspace, emulator.DemoAcmeUUID)
		require.Equal(t, "+1-555-0199", got.Phone, "the first attempt was saved")
		assert.Contains(t, text, "rate limited")
		assert.NotContains(t, text, "Nothing was changed")
		assert.Contains(t, text, "may or may not have been saved")
	})

	t.Run("update refused while looking the client up", func(t *testing.T) {
		emu := emulator.New(emulator.WithDemoData())
		emu.FailNext(1, http.StatusTooManyRequests, 30*time.Second)
		text := run(newBot(t, emu), "update "+emulator.DemoAcmeUUID+" phone=+1-555-0199")
		assert.Contains(t, text, "Nothing was changed")
		for _, r := range emu.Requests() {
			assert.NotEqual(t, http.MethodPut, r.Method)
		}
	})

	t.Run("create", func(t *testing.T) {
		emu := emulator.New(emulator.WithDemoData())
		bot := newBot(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				emu.FailNext(1, http.StatusTooManyRequests, 30*time.Second)
			}
			emu.ServeHTTP(w, r)
		}))
		n := len(emu.Clients(emulator.DemoWorkspace))
		text := run(bot, "create Vandelay Industries")
		assert.Contains(t, text, "Nothing was changed")
		assert.Len(t, emu.Clients(emulator.DemoWorkspace), n)
	})
}
