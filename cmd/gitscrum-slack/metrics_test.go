package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/metrics"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// serving is gitscrum-slack run in-process in HTTP mode.
type serving struct {
	addr   string
	logs   *syncBuffer
	cancel context.CancelFunc
	exit   chan int
}

// startServing runs the binary's run with args and environment until the test
// ends, and waits until it listens.
func startServing(t *testing.T, args []string, environ map[string]string) *serving {
	t.Helper()
	addrc := make(chan string, 1)
	listening = func(addr string) { addrc <- addr }
	t.Cleanup(func() { listening = nil })
	if !slices.Contains(args, "--database") && !slices.Contains(args, "--sandbox") {
		// A database of its own: two runs sign the same command within one second,
		// which a shared replay store would refuse as a replay.
		args = append(args, "--database", filepath.Join(t.TempDir(), "state.db"))
	}
	s := &serving{logs: &syncBuffer{}, exit: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() { s.exit <- run(ctx, args, env(environ), io.Discard, s.logs) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.exit:
		case <-time.After(10 * time.Second):
			t.Error("did not stop")
		}
	})
	select {
	case s.addr = <-addrc:
	case <-time.After(10 * time.Second):
		require.FailNow(t, "not listening", s.logs.String())
	}
	return s
}

// stop cancels the run and returns its exit code and how long it took.
func (s *serving) stop(t *testing.T) (int, time.Duration) {
	t.Helper()
	began := time.Now()
	s.cancel()
	select {
	case code := <-s.exit:
		s.exit <- code // for the cleanup
		return code, time.Since(began)
	case <-time.After(10 * time.Second):
		require.FailNow(t, "did not stop", s.logs.String())
	}
	return -1, 0
}

// do sends req and returns the status and body.
func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func scrapeMetrics(t *testing.T, addr string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+metrics.Path, nil)
	require.NoError(t, err)
	code, body := do(t, req)
	require.Equal(t, http.StatusOK, code, body)
	return body
}

// upstreamEnv is the environment of a gitscrum-slack that talks to emu.
func upstreamEnv(url string) map[string]string {
	return map[string]string{"SLACK_SIGNING_SECRET": testSecret, "GITSCRUM_API_URL": url,
		"GITSCRUM_TOKEN": emulator.DefaultToken, "GITSCRUM_COMPANY_SLUG": emulator.DemoWorkspace}
}

// TestHTTPMetrics drives real signed slash commands through the server, against an
// emulator that fails once, and reads back from /metrics (which needs no
// signature) the upstream requests by status class, the retry, the latency, the
// commands by outcome and the requests in flight.
func TestHTTPMetrics(t *testing.T) {
	emu := emulator.New(emulator.WithDemoData())
	ts := httptest.NewServer(emu)
	defer ts.Close()
	s := startServing(t, []string{"--addr", "127.0.0.1:0"}, upstreamEnv(ts.URL))
	assert.Contains(t, scrapeMetrics(t, s.addr), `gitscrum_bridge_http_requests_in_flight{handler="slack"} 0`)
	health, err := http.NewRequest(http.MethodGet, "http://"+s.addr+slackbot.HealthPath, nil)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		code, body := do(t, health.Clone(context.Background()))
		return code == http.StatusOK && strings.Contains(body, `"store":"ok"`)
	}, 10*time.Second, 20*time.Millisecond, "/healthz says the store is ok once it opened")

	emu.FailNext(1, http.StatusServiceUnavailable, 0)
	code, body := do(t, signed(t, s.addr, "list", "U0READER1"))
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "Acme Corp")
	code, _ = do(t, signed(t, s.addr, "show no such company whatsoever", "U0READER1"))
	require.Equal(t, http.StatusOK, code)
	code, _ = do(t, signed(t, s.addr, "update acme phone=1", "U0READER1"))
	require.Equal(t, http.StatusOK, code)
	unsigned := signed(t, s.addr, "list", "U0READER1")
	unsigned.Header.Set("X-Slack-Signature", "v0=00")
	code, _ = do(t, unsigned)
	require.Equal(t, http.StatusUnauthorized, code)

	// A command in flight shows in the gauge.
	emu.ResetRequests()
	emu.SetLatency(500 * time.Millisecond)
	done := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(signed(t, s.addr, "show "+emulator.DemoAcmeUUID, "U0READER1"))
		if err != nil {
			done <- 0
			return
		}
		_ = resp.Body.Close()
		done <- resp.StatusCode
	}()
	require.Eventually(t, func() bool { return len(emu.Requests()) > 0 }, 10*time.Second, 5*time.Millisecond)
	assert.Contains(t, scrapeMetrics(t, s.addr), `gitscrum_bridge_http_requests_in_flight{handler="slack"} 1`)
	select {
	case code := <-done:
		require.Equal(t, http.StatusOK, code)
	case <-time.After(10 * time.Second):
		t.Fatal("the slow command never finished")
	}

	body = scrapeMetrics(t, s.addr)
	for _, want := range []string{
		// list: 503, retried, 200; the lookups of a missing name and of a UUID
		// are answered by the cached list (then one GET for the UUID).
		`gitscrum_upstream_requests_total{operation="list_clients",status_class="5xx"} 1`,
		`gitscrum_upstream_requests_total{operation="list_clients",status_class="2xx"} 1`,
		`gitscrum_upstream_retries_total{operation="list_clients"} 1`,
		`gitscrum_upstream_request_duration_seconds_count{operation="list_clients"} 2`,
		`gitscrum_list_cache_events_total{event="miss"} 1`,
		`gitscrum_list_cache_events_total{event="hit"} 2`,
		`gitscrum_list_cache_records 12`,
		`gitscrum_upstream_requests_total{operation="get_client",status_class="2xx"} 1`,
		`gitscrum_upstream_request_duration_seconds_bucket{operation="get_client",le="+Inf"} 1`,
		`gitscrum_bridge_calls_total{adapter="slack",name="list",outcome="ok"} 1`,
		`gitscrum_bridge_calls_total{adapter="slack",name="show",outcome="not_found"} 1`,
		`gitscrum_bridge_calls_total{adapter="slack",name="show",outcome="ok"} 1`,
		`gitscrum_bridge_calls_total{adapter="slack",name="update",outcome="forbidden"} 1`,
		`gitscrum_bridge_calls_total{adapter="slack",name="none",outcome="unauthorized"} 1`,
		`gitscrum_bridge_call_duration_seconds_count{adapter="slack",name="show"} 2`,
		`gitscrum_bridge_http_requests_in_flight{handler="slack"} 0`,
		// Each signed request's replay id went to the store: four were verified.
		`gitscrum_store_operation_duration_seconds_count{operation="remember"} 4`,
		`gitscrum_store_status{status="ok"} 1`,
		`gitscrum_store_degraded_total 0`,
	} {
		assert.Contains(t, body, want+"\n")
	}
	assert.NotContains(t, body, "Acme", "no user data in the metrics")
	assert.NotContains(t, body, "U0READER1")
	assert.NotContains(t, s.logs.String(), testSecret)
	assert.NotContains(t, s.logs.String(), emulator.DefaultToken)
}

// TestHTTPNoMetrics: --no-metrics leaves /metrics out; the rest still serves.
func TestHTTPNoMetrics(t *testing.T) {
	s := startServing(t, []string{"--sandbox", "--addr", "127.0.0.1:0", "--no-metrics"}, map[string]string{"SLACK_SIGNING_SECRET": testSecret})
	req, _ := http.NewRequest(http.MethodGet, "http://"+s.addr+metrics.Path, nil)
	code, _ := do(t, req)
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = do(t, signed(t, s.addr, "help", "U0READER1"))
	assert.Equal(t, http.StatusOK, code)
	assert.NotContains(t, s.logs.String(), "Prometheus")
}

// TestDrainIsBounded: a command that outlives --drain-timeout does not hold the
// process: its request is cut, and run returns 0 soon after the bound.
func TestDrainIsBounded(t *testing.T) {
	emu := emulator.New(emulator.WithDemoData())
	emu.SetLatency(20 * time.Second)
	ts := httptest.NewServer(emu)
	defer ts.Close()
	defer emu.SetLatency(0)
	s := startServing(t, []string{"--addr", "127.0.0.1:0", "--drain-timeout", "300ms"}, upstreamEnv(ts.URL))
	go func() {
		if resp, err := http.DefaultClient.Do(signed(t, s.addr, "list", "U0READER1")); err == nil {
			_ = resp.Body.Close()
		}
	}()
	require.Eventually(t, func() bool { return len(emu.Requests()) > 0 }, 10*time.Second, 5*time.Millisecond)
	code, took := s.stop(t)
	assert.Equal(t, 0, code, s.logs.String())
	assert.Less(t, took, 3*time.Second, "the drain is bounded")
	assert.Contains(t, s.logs.String(), "cut short")
}

// TestNoMetricsInSocketMode: Socket Mode has no listener, so no registry is built;
// --no-metrics turns it off in HTTP mode.
func TestNoMetricsInSocketMode(t *testing.T) {
	assert.NotNil(t, newMetrics(config{}))
	assert.Nil(t, newMetrics(config{noMetrics: true}))
	assert.Nil(t, newMetrics(config{socketMode: true}))
	cfg, err := parseConfig([]string{"--sandbox"}, env(map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1"}), io.Discard)
	require.NoError(t, err)
	require.True(t, cfg.socketMode)
	assert.Nil(t, newMetrics(cfg))
	assert.Nil(t, observeCommands(nil))
}

// TestSlackOutcomes: every result the bot reports is a word of the one vocabulary
// and is counted under that same word; a 403 from GitScrum is forbidden, a 401
// unauthorized; an unknown word counts as error.
func TestSlackOutcomes(t *testing.T) {
	all := []string{slackbot.ResultOK, slackbot.ResultInvalid, slackbot.ResultNotFound, slackbot.ResultAmbiguous,
		slackbot.ResultDuplicate, slackbot.ResultUnauthorized, slackbot.ResultForbidden, slackbot.ResultRateLimited,
		slackbot.ResultUnavailable, slackbot.ResultCanceled, slackbot.ResultReplayed, slackbot.ResultReplyLost,
		slackbot.ResultError, slackbot.ResultInternal}
	assert.ElementsMatch(t, outcome.All(), all, "the bot reports every word and only those")
	m := metrics.New()
	observe := observeCommands(m)
	for _, r := range all {
		observe(slackbot.Outcome{Subcommand: "show", Result: r})
	}
	observe(slackbot.Outcome{Subcommand: "show", Result: "something_new"})
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, metrics.Path, nil))
	for _, r := range all {
		n := 1
		if r == slackbot.ResultError {
			n = 2
		}
		assert.Contains(t, rec.Body.String(), fmt.Sprintf(`gitscrum_bridge_calls_total{adapter="slack",name="show",outcome=%q} %d`, r, n))
	}
}
