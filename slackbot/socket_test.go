package slackbot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

const (
	testAppToken = "xapp-1-A0APP0001-0000-test"
	testBotToken = "xoxb-0000-test"
)

// socketSlack plays Slack's side of Socket Mode: apps.connections.open hands out
// the URL of a WebSocket that says hello, sends the envelopes queued with send, and
// collects the acknowledgements.
type socketSlack struct {
	t    *testing.T
	srv  *httptest.Server
	out  chan string
	acks chan socketAck
}

// socketAck is an acknowledgement as the app sends it.
type socketAck struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

func newSocketSlack(t *testing.T) *socketSlack {
	s := &socketSlack{t: t, out: make(chan string, 10), acks: make(chan socketAck, 10)}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+testAppToken {
			_, _ = w.Write([]byte(`{"ok":false,"error":"invalid_auth"}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws://" + r.Host + "/link"})
	})
	// slack-go dials with Origin https://api.slack.com, which the default check refuses.
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	mux.HandleFunc("/link", func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		if err := conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1}); err != nil {
			return
		}
		done := make(chan struct{})
		defer close(done)
		go func() { // the only writer from here on
			for {
				select {
				case msg := <-s.out:
					if err := conn.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
						return
					}
				case <-done:
					return
				}
			}
		}()
		for {
			_, data, err := conn.ReadMessage()
			if err != nil {
				return
			}
			var ack socketAck
			if json.Unmarshal(data, &ack) == nil && ack.EnvelopeID != "" {
				s.acks <- ack
			}
		}
	})
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// apiURL is the Web API base URL for slack.OptionAPIURL.
func (s *socketSlack) apiURL() string { return s.srv.URL + "/api/" }

// command sends /gitscrum text by user as a slash_commands envelope and returns the
// acknowledgement's payload.
func (s *socketSlack) command(envelopeID, text, user, responseURL string) (*slack.WebhookMessage, time.Duration) {
	s.t.Helper()
	ack, took := s.send(envelopeID, text, user, responseURL)
	var msg slack.WebhookMessage
	require.NoError(s.t, json.Unmarshal(ack.Payload, &msg), "payload: %s", ack.Payload)
	return &msg, took
}

// send sends /gitscrum text by user as a slash_commands envelope and returns the
// acknowledgement.
func (s *socketSlack) send(envelopeID, text, user, responseURL string) (socketAck, time.Duration) {
	s.t.Helper()
	payload, err := json.Marshal(map[string]any{
		"token": "x", "team_id": "T0TEAM001", "team_domain": "acme-team", "channel_id": "C0CHANNEL1",
		"channel_name": "general", "user_id": user, "user_name": "someone", "command": "/gitscrum",
		"text": slackEscape(text), "api_app_id": "A0APP0001", "is_enterprise_install": "false",
		"response_url": responseURL, "trigger_id": "1.2.3",
	})
	require.NoError(s.t, err)
	start := time.Now()
	ack := s.envelope(envelopeID, "slash_commands", true, 0, payload)
	return ack, time.Since(start)
}

// envelope sends one Socket Mode envelope of kind typ carrying payload over the
// fake connection and returns its acknowledgement, or fails when none comes.
func (s *socketSlack) envelope(envelopeID, typ string, acceptsPayload bool, retry int, payload json.RawMessage) socketAck {
	s.t.Helper()
	env, err := json.Marshal(map[string]any{
		"envelope_id": envelopeID, "type": typ, "accepts_response_payload": acceptsPayload,
		"retry_attempt": retry, "retry_reason": "", "payload": payload,
	})
	require.NoError(s.t, err)
	s.out <- string(env)
	select {
	case ack := <-s.acks:
		require.Equal(s.t, envelopeID, ack.EnvelopeID)
		return ack
	case <-time.After(10 * time.Second):
		require.FailNow(s.t, "no acknowledgement")
	}
	return socketAck{}
}

// TestSocketMode answers commands over a real Socket Mode connection, through
// slack-go's socketmode client and handler.
func TestSocketMode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *slackbot.Config) { c.SigningSecret = ""; c.InlineBudget = testBudget })
	// Seeded for "the largest answers" below: each "&" renders as "&amp;", which
	// JSON escapes again, the worst case for size.
	amp := func(n int) string { return strings.Repeat("&", n) }
	for i := range 12 {
		e.emu.AddClients(emulator.DemoWorkspace, gitscrum.ClientCompany{
			Name:    fmt.Sprintf("Ampersand %02d %s", i, amp(240)),
			Email:   amp(200) + "@example.com",
			Phone:   amp(255),
			Website: "https://example.com/" + amp(230),
			Address: amp(1000),
			Notes:   amp(5000),
		})
	}
	fake := newSocketSlack(t)
	client, err := slackbot.NewSocketClient(testAppToken, testBotToken, nil, slack.OptionAPIURL(fake.apiURL()))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.bot.RunSocketMode(ctx, client) }()

	cases := []struct {
		name, text, user string
		contains         []string
	}{
		{name: "help", text: "help", user: reader, contains: []string{"/gitscrum list [query]"}},
		{name: "show", text: "show acme corp", user: reader, contains: []string{"billing@acme.co", "125,000.00"}},
		{name: "list", text: "list acme", user: reader, contains: []string{"2 clients"}},
		{name: "find", text: "initech", user: reader, contains: []string{"TPS reports"}},
		{name: "create", text: "create 'Acme Rockets' email=boom@acme-rockets.example", user: writer, contains: []string{"Created by", "Acme Rockets"}},
		{name: "update", text: "update acme rockets phone=+1-555-0999", user: writer, contains: []string{"(empty)  →  +1-555-0999"}},
		{name: "write refused", text: "update initech phone=1", user: reader, contains: []string{"You may not create or update clients"}},
		{name: "hostile", text: "show alerts", user: reader, contains: []string{"&lt;!channel&gt; Alerts Ltd"}},
	}
	for i, tc := range cases {
		msg, _ := fake.command("env-"+tc.name, tc.text, tc.user, e.hooks.url())
		all := joined(t, msg)
		for _, s := range tc.contains {
			assert.Contains(t, all, s, "case %d %s", i, tc.name)
		}
		require.NoError(t, blockkit.CheckLimits(msg))
	}

	t.Run("a redelivered envelope is acknowledged, not run again", func(t *testing.T) {
		text := `create "Redelivered Ltd" force=yes`
		msg, _ := fake.command("env-redelivered", text, writer, e.hooks.url())
		assert.Contains(t, joined(t, msg), "Created by")
		upstream := len(e.emu.Requests())
		for range 2 {
			ack, _ := fake.send("env-redelivered", text, writer, e.hooks.url())
			assert.Empty(t, ack.Payload, "acknowledged without an answer")
		}
		assert.Len(t, e.emu.Requests(), upstream, "nothing sent to GitScrum")
		var made int
		for _, c := range e.emu.Clients(emulator.DemoWorkspace) {
			if c.Name == "Redelivered Ltd" {
				made++
			}
		}
		assert.Equal(t, 1, made)
	})

	t.Run("slow command is acknowledged and answered through the response_url", func(t *testing.T) {
		e.emu.SetLatency(time.Second)
		defer e.emu.SetLatency(0)
		msg, took := fake.command("env-slow", "show globex", reader, e.hooks.url())
		assert.Contains(t, msg.Text, "Looking up “globex”")
		assert.Less(t, took, testBudget+700*time.Millisecond)
		posts := e.hooks.waitPosts(1, 10*time.Second)
		assert.Contains(t, joined(t, posts[0].msg), "Globex Corporation")
	})

	t.Run("the largest answers still fit an acknowledgement", func(t *testing.T) {
		// Each "&" renders as "&amp;", which JSON escapes again: the worst case for
		// size. Rendering truncates every value, so even these cards and lists stay
		// under Slack's 20 KB limit for a Socket Mode acknowledgement (above it,
		// RunSocketMode would acknowledge briefly and post to the response_url).
		// The clients are seeded before the first command (the list is cached).
		before := len(e.hooks.received())
		for _, text := range []string{"list ampersand", "show ampersand 07"} {
			msg, _ := fake.command("env-large-"+text[:4], text, reader, e.hooks.url())
			body, err := json.Marshal(msg)
			require.NoError(t, err)
			t.Logf("%s: %d bytes", text, len(body))
			assert.Less(t, len(body), 20*1024, "%s: %d bytes", text, len(body))
			assert.Contains(t, joined(t, msg), "Ampersand", text)
			require.NoError(t, blockkit.CheckLimits(msg))
		}
		assert.Len(t, e.hooks.received(), before, "answered in the acknowledgement itself")
	})

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err, "a cancelled context ends Socket Mode cleanly")
	case <-time.After(10 * time.Second):
		require.FailNow(t, "RunSocketMode did not return")
	}
}

// TestSocketModeInvalidAuth checks that a refused app token ends Socket Mode with an
// error instead of retrying forever.
func TestSocketModeInvalidAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fake := newSocketSlack(t)
	client, err := slackbot.NewSocketClient("xapp-wrong", testBotToken, nil, slack.OptionAPIURL(fake.apiURL()))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = e.bot.RunSocketMode(ctx, client)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid_auth")
}

// TestNewSocketClientTokens checks the token forms.
func TestNewSocketClientTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ app, bot, err string }{
		{app: testAppToken, bot: testBotToken},
		{app: testAppToken, bot: ""},
		{app: "xoxb-not-an-app-token", bot: testBotToken, err: "xapp-"},
		{app: "", bot: testBotToken, err: "xapp-"},
		{app: testAppToken, bot: "xapp-swapped", err: "xoxb-"},
	} {
		_, err := slackbot.NewSocketClient(tc.app, tc.bot, nil)
		if tc.err == "" {
			assert.NoError(t, err)
			continue
		}
		require.Error(t, err)
		assert.True(t, strings.Contains(err.Error(), tc.err), err.Error())
		if tc.app != "" {
			assert.NotContains(t, err.Error(), tc.app, "tokens never appear in errors")
		}
	}
}
