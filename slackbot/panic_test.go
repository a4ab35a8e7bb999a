package slackbot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// somethingWrong is what a person is told when the bot's own code failed.
const somethingWrong = "omething went wrong inside gitscrum-slack"

// waitInternal waits for an internal error (outcome internal_error) reported for
// subcommand, or fails.
func (o *outcomes) waitInternal(t *testing.T, subcommand string) {
	t.Helper()
	require.Eventually(t, func() bool {
		o.mu.Lock()
		defer o.mu.Unlock()
		for _, out := range o.all {
			if out.Subcommand == subcommand && out.Result == "internal_error" { // the word operators read
				return true
			}
		}
		return false
	}, 5*time.Second, 10*time.Millisecond, "no internal error reported for %s", subcommand)
}

// panicEnv is a bot with a bot token whose listeners may be made to panic.
func panicEnv(t *testing.T, mods ...func(*slackbot.Config)) (*eventEnv, *outcomes) {
	outs := newOutcomes()
	e := newEventEnv(t, append([]func(*slackbot.Config){func(c *slackbot.Config) { c.OnOutcome = outs.add }}, mods...)...)
	for _, l := range [][2]string{{"command", "list"}, {"action", slackbot.ActionShare}, {"view", slackbot.ViewCreate},
		{"options", slackbot.ActionPicker}, {"event", "app_mention"}} {
		slackbot.PanicIn(e.bot, l[0], l[1])
	}
	return e, outs
}

// stillServing checks the bot answers a command that does not panic.
func stillServing(t *testing.T, answer func(text string) *slack.WebhookMessage) {
	t.Helper()
	assert.Contains(t, joined(t, answer("show acme corp")), "billing@acme.co", "the process still serves")
}

// TestListenerPanicHTTP: a panic in any kind of listener over HTTP is recovered:
// the person is told something went wrong, the outcome is an internal error, and
// the bot goes on serving.
func TestListenerPanicHTTP(t *testing.T) {
	t.Parallel()
	e, outs := panicEnv(t)
	value := fmt.Sprintf(`{"w":%q,"id":%q}`, emulator.DemoWorkspace, acmeUUID)

	t.Run("command", func(t *testing.T) {
		assert.Contains(t, joined(t, e.run("list", reader)), somethingWrong)
		outs.waitInternal(t, "list")
	})
	t.Run("block action", func(t *testing.T) {
		e.interactOK(e.clickPayload(reader, slackbot.ActionShare, "b", value))
		got := e.hooks.waitPosts(1, 5*time.Second)
		assert.Contains(t, joined(t, got[0].msg), somethingWrong)
		outs.waitInternal(t, "action:"+slackbot.ActionShare)
	})
	t.Run("view submission", func(t *testing.T) {
		v := openedView{CallbackID: slackbot.ViewCreate, PrivateMetadata: fmt.Sprintf(`{"w":%q}`, emulator.DemoWorkspace)}
		s := decodeSubmission(t, e.interactOK(submitPayload(writer, v, map[string]string{"name": "Wonka"}, false)))
		assert.Equal(t, "errors", s.ResponseAction)
		assert.Contains(t, s.Errors["f_name"], somethingWrong)
		outs.waitInternal(t, "view:"+slackbot.ViewCreate)
	})
	t.Run("options", func(t *testing.T) {
		var opts slack.OptionsResponse
		require.NoError(t, json.Unmarshal(e.interactOK(suggestionPayload(reader, fmt.Sprintf(`{"w":%q}`, emulator.DemoWorkspace), "ac")), &opts))
		assert.Empty(t, opts.Options)
		outs.waitInternal(t, "options:"+slackbot.ActionPicker)
	})
	t.Run("event", func(t *testing.T) {
		e.post(eventBody(t, newEventID(), mentionEvent(reader, "acme corp", "1700000000.000100")))
		posted := e.web.Wait(t, "chat.postMessage", 1, 5*time.Second)
		assert.Contains(t, posted[0].Arg("blocks"), somethingWrong)
		assert.Equal(t, "1700000000.000100", posted[0].Arg("thread_ts"), "answered in the mention's thread")
		outs.waitInternal(t, "event:app_mention")
	})
	stillServing(t, func(text string) *slack.WebhookMessage { return e.run(text, reader) })
	status, _ := e.do(mustRequest(t, http.MethodGet, e.srv.URL+slackbot.HealthPath))
	assert.Equal(t, http.StatusOK, status)
}

// TestListenerPanicSocketMode: the same over Socket Mode, where slack-go runs
// each handler in a goroutine of its own: a panic there would end the process.
func TestListenerPanicSocketMode(t *testing.T) {
	t.Parallel()
	e, outs := panicEnv(t, func(c *slackbot.Config) { c.SigningSecret = "" })
	fake := newSocketSlack(t)
	client, err := slackbot.NewSocketClient(testAppToken, testBotToken, nil, slack.OptionAPIURL(fake.apiURL()))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = e.bot.RunSocketMode(ctx, client) }()
	value := fmt.Sprintf(`{"w":%q,"id":%q}`, emulator.DemoWorkspace, acmeUUID)

	t.Run("command", func(t *testing.T) {
		msg, _ := fake.command("env-list", "list", reader, e.hooks.url())
		assert.Contains(t, joined(t, msg), somethingWrong)
		outs.waitInternal(t, "list")
	})
	t.Run("block action", func(t *testing.T) {
		fake.interactive("env-share", e.clickPayload(reader, slackbot.ActionShare, "b", value))
		got := e.hooks.waitPosts(1, 5*time.Second)
		assert.Contains(t, joined(t, got[0].msg), somethingWrong)
		outs.waitInternal(t, "action:"+slackbot.ActionShare)
	})
	t.Run("view submission", func(t *testing.T) {
		v := openedView{CallbackID: slackbot.ViewCreate, PrivateMetadata: fmt.Sprintf(`{"w":%q}`, emulator.DemoWorkspace)}
		s := decodeSubmission(t, fake.interactive("env-submit", submitPayload(writer, v, map[string]string{"name": "Wonka"}, false)).Payload)
		assert.Contains(t, s.Errors["f_name"], somethingWrong)
		outs.waitInternal(t, "view:"+slackbot.ViewCreate)
	})
	t.Run("options", func(t *testing.T) {
		var opts slack.OptionsResponse
		ack := fake.interactive("env-options", suggestionPayload(reader, fmt.Sprintf(`{"w":%q}`, emulator.DemoWorkspace), "ac"))
		require.NoError(t, json.Unmarshal(ack.Payload, &opts))
		assert.Empty(t, opts.Options)
		outs.waitInternal(t, "options:"+slackbot.ActionPicker)
	})
	t.Run("event", func(t *testing.T) {
		fake.sendEvent("env-event", eventBody(t, newEventID(), mentionEvent(reader, "acme corp", "1700000000.000200")), 0)
		posted := e.web.Wait(t, "chat.postMessage", 1, 5*time.Second)
		assert.Contains(t, posted[0].Arg("blocks"), somethingWrong)
		outs.waitInternal(t, "event:app_mention")
	})
	stillServing(t, func(text string) *slack.WebhookMessage {
		msg, _ := fake.command("env-show", text, reader, e.hooks.url())
		return msg
	})
}

// mustRequest builds a request without a body.
func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	return req
}
