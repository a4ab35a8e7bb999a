package slackbot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// testSecret is the signing secret of the tests' Slack app.
const testSecret = "e3b0c44298fc1c149afbf4c8996fb924"

// Slack user IDs of the tests.
const (
	writer = "U0WRITER1"
	reader = "U0READER1"
)

// env is a bot wired to an emulator, served over real HTTP, with a recorder for
// the response_url.
type env struct {
	t     *testing.T
	emu   *emulator.Server
	bot   *slackbot.Bot
	srv   *httptest.Server
	hooks *hookRecorder
}

// newEnv starts the emulator with demo data, a bot writable by writer, its HTTP
// server and a response_url recorder. mods adjust the configuration.
func newEnv(t *testing.T, mods ...func(*slackbot.Config)) *env {
	t.Helper()
	emu := emulator.New(emulator.WithDemoData())
	emuSrv := httptest.NewServer(emu)
	t.Cleanup(emuSrv.Close)
	client, err := gitscrum.New(
		gitscrum.WithBaseURL(emuSrv.URL),
		gitscrum.WithToken(emulator.DefaultToken),
		gitscrum.WithRetryPolicy(gitscrum.NoRetries),
	)
	require.NoError(t, err)
	hooks := newHookRecorder(t)
	cfg := slackbot.Config{
		Client:              client,
		Workspace:           emulator.DemoWorkspace,
		SigningSecret:       testSecret,
		WriteUsers:          []string{writer},
		InlineBudget:        slackbot.DefaultInlineBudget,
		ResponseURLPrefixes: []string{hooks.srv.URL + "/commands/"},
	}
	for _, m := range mods {
		m(&cfg)
	}
	bot, err := slackbot.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(bot.Handler())
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = bot.Close(ctx)
	})
	return &env{t: t, emu: emu, bot: bot, srv: srv, hooks: hooks}
}

// commandForm is the body Slack posts for /gitscrum text by user.
func (e *env) commandForm(text, user string) url.Values {
	return url.Values{
		"token":        {"deprecated-verification-token"},
		"team_id":      {"T0TEAM001"},
		"team_domain":  {"acme-team"},
		"channel_id":   {"C0CHANNEL1"},
		"channel_name": {"general"},
		"user_id":      {user},
		"user_name":    {"someone"},
		"command":      {"/gitscrum"},
		"text":         {slackEscape(text)},
		"api_app_id":   {"A0APP0001"},
		"response_url": {e.hooks.url()},
		"trigger_id":   {fmt.Sprintf("13345224609.738474920.%d", triggers.Add(1))},
	}
}

// triggers numbers the trigger_ids of the tests' commands: as in Slack, no two
// commands have the same body, so no two have the same signature.
var triggers atomic.Int64

// slackEscape escapes text as Slack does in the text of a slash command.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// signedRequest builds a request to the bot signed as Slack signs it, at time at.
func (e *env) signedRequest(body string, at time.Time) *http.Request {
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+slackbot.CommandsPath, strings.NewReader(body))
	require.NoError(e.t, err)
	ts := strconv.FormatInt(at.Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slackbottest.Signature(testSecret, ts, body))
	return req
}

// do sends req and returns the status and body.
func (e *env) do(req *http.Request) (int, []byte) {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp.StatusCode, body
}

// run sends /gitscrum text as user, signed, and returns the inline reply.
func (e *env) run(text, user string) *slack.WebhookMessage {
	e.t.Helper()
	status, body := e.do(e.signedRequest(e.commandForm(text, user).Encode(), time.Now()))
	require.Equal(e.t, http.StatusOK, status, "body: %s", body)
	return decodeMessage(e.t, body)
}

// decodeMessage decodes a reply.
func decodeMessage(t *testing.T, body []byte) *slack.WebhookMessage {
	t.Helper()
	var msg slack.WebhookMessage
	require.NoError(t, json.Unmarshal(body, &msg), "body: %s", body)
	return &msg
}

// allText returns every text of a reply: the fallback and every text object, as the
// raw JSON strings.
func allText(t *testing.T, msg *slack.WebhookMessage) []string {
	t.Helper()
	raw, err := json.Marshal(msg)
	require.NoError(t, err)
	out, err := slackbottest.Texts(raw)
	require.NoError(t, err)
	return out
}

// joined returns every text of a reply in one string.
func joined(t *testing.T, msg *slack.WebhookMessage) string {
	return strings.Join(allText(t, msg), "\n")
}

// hookRecorder stands in for Slack's response_url endpoint: it records the posts
// and answers each with the next scripted status (200 when the script is done).
type hookRecorder struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	script []scripted
	posts  []hookPost
	notify chan struct{}
}

// scripted is a canned answer of the recorder.
type scripted struct {
	status     int
	retryAfter string
	// delay holds the answer back; a post whose sender gives up meanwhile is not
	// recorded, as it was not delivered.
	delay time.Duration
}

// hookPost is one post received.
type hookPost struct {
	at  time.Time
	msg *slack.WebhookMessage
	// status is what the recorder answered.
	status int
}

func newHookRecorder(t *testing.T) *hookRecorder {
	h := &hookRecorder{t: t, notify: make(chan struct{}, 100)}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookRecorder) url() string { return h.srv.URL + "/commands/T0TEAM001/123/secret-part" }

// then scripts the next answers.
func (h *hookRecorder) then(answers ...scripted) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.script = append(h.script, answers...)
}

func (h *hookRecorder) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var msg slack.WebhookMessage
	_ = json.Unmarshal(bytes.TrimSpace(body), &msg)
	h.mu.Lock()
	ans := scripted{status: http.StatusOK}
	if len(h.script) > 0 {
		ans, h.script = h.script[0], h.script[1:]
	}
	h.mu.Unlock()
	if ans.delay > 0 {
		select {
		case <-time.After(ans.delay):
		case <-r.Context().Done():
			return
		}
	}
	h.mu.Lock()
	h.posts = append(h.posts, hookPost{at: time.Now(), msg: &msg, status: ans.status})
	h.mu.Unlock()
	if ans.retryAfter != "" {
		w.Header().Set("Retry-After", ans.retryAfter)
	}
	w.WriteHeader(ans.status)
	_, _ = io.WriteString(w, "ok")
	h.notify <- struct{}{}
}

// received returns the posts so far.
func (h *hookRecorder) received() []hookPost {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookPost(nil), h.posts...)
}

// waitPosts waits until n posts arrived, or fails after timeout.
func (h *hookRecorder) waitPosts(n int, timeout time.Duration) []hookPost {
	h.t.Helper()
	deadline := time.After(timeout)
	for {
		if got := h.received(); len(got) >= n {
			return got
		}
		select {
		case <-h.notify:
		case <-deadline:
			require.FailNowf(h.t, "response_url", "%d posts after %s, want %d", len(h.received()), timeout, n)
		}
	}
}
