package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// signedTo builds a request to path of the server at addr with body, signed now.
func signedTo(t *testing.T, addr, path, contentType, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+path, strings.NewReader(body))
	require.NoError(t, err)
	slackbottest.SignRequest(req, testSecret, body, time.Now())
	req.Header.Set("Content-Type", contentType)
	return req
}

// TestHTTPMetricsNewEndpoints: the interactivity and events endpoints count in
// the requests in flight (a request whose body is still arriving is in flight,
// though it holds no slot yet),
// and their interactions and events in the calls by outcome.
func TestHTTPMetricsNewEndpoints(t *testing.T) {
	emu := emulator.New(emulator.WithDemoData())
	ts := httptest.NewServer(emu)
	defer ts.Close()
	s := startServing(t, []string{"--addr", "127.0.0.1:0"}, upstreamEnv(ts.URL))
	const idle = `gitscrum_bridge_http_requests_in_flight{handler="slack"} 0`
	for path, contentType := range map[string]string{slackbot.InteractivityPath: "application/x-www-form-urlencoded", slackbot.EventsPath: "application/json"} {
		t.Run("in flight "+path, func(t *testing.T) {
			c, err := net.Dial("tcp", s.addr)
			require.NoError(t, err)
			_, err = fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: 100\r\n\r\np", path, contentType)
			require.NoError(t, err)
			require.Eventually(t, func() bool {
				return strings.Contains(scrapeMetrics(t, s.addr), `gitscrum_bridge_http_requests_in_flight{handler="slack"} 1`)
			}, 10*time.Second, 10*time.Millisecond, "a request to %s whose body is arriving is in flight", path)
			require.NoError(t, c.Close())
			require.Eventually(t, func() bool { return strings.Contains(scrapeMetrics(t, s.addr), idle) }, 10*time.Second, 10*time.Millisecond)
		})
	}

	// Options asked for as the user types in the picker, answered from GitScrum.
	payload, err := json.Marshal(map[string]any{"type": "block_suggestion", "user": map[string]any{"id": "U0READER1"},
		"team": map[string]any{"id": "T0TEAM001"}, "action_id": slackbot.ActionPicker,
		"block_id": fmt.Sprintf(`{"w":%q}`, emulator.DemoWorkspace), "value": "acme"})
	require.NoError(t, err)
	code, body := do(t, signedTo(t, s.addr, slackbot.InteractivityPath, "application/x-www-form-urlencoded",
		url.Values{"payload": {string(payload)}}.Encode()))
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, "Acme Corp")

	// A mention, which this bot (no SLACK_BOT_TOKEN) cannot answer.
	event, err := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T0TEAM001", "event_id": "Ev0METRICS1",
		"authorizations": []any{map[string]any{"user_id": "U0GITSCRUM", "is_bot": true}},
		"event": map[string]any{"type": "app_mention", "user": "U0READER1", "text": "<@U0GITSCRUM> acme corp",
			"channel": "C0CHANNEL1", "ts": "1700000000.000100"}})
	require.NoError(t, err)
	code, body = do(t, signedTo(t, s.addr, slackbot.EventsPath, "application/json", string(event)))
	require.Equal(t, http.StatusOK, code, body)

	want := []string{
		`gitscrum_bridge_calls_total{adapter="slack",name="options:gitscrum_picker",outcome="ok"} 1`,
		`gitscrum_bridge_calls_total{adapter="slack",name="event:app_mention",outcome="unavailable"} 1`,
		idle,
	}
	require.Eventually(t, func() bool {
		body := scrapeMetrics(t, s.addr)
		for _, w := range want {
			if !strings.Contains(body, w+"\n") {
				return false
			}
		}
		return true
	}, 10*time.Second, 10*time.Millisecond, "want %q", want)
	assert.NotContains(t, scrapeMetrics(t, s.addr), "U0READER1", "no user data in the metrics")
}
