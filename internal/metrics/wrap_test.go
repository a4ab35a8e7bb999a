package metrics_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/metrics"
)

// TestObserveOutcome: named outcomes are counted as given; an empty name and an
// outcome outside the vocabulary are folded so labels keep planned values.
func TestObserveOutcome(t *testing.T) {
	m := metrics.New()
	m.ObserveOutcome("mcp", "list_clients", metrics.OutcomeRateLimited, time.Millisecond)
	m.ObserveOutcome("slack", "", metrics.OutcomeUnauthorized, time.Millisecond)
	m.ObserveOutcome("slack", "show", "internal", time.Millisecond)
	body := scrape(t, m)
	assert.Contains(t, body, `gitscrum_bridge_calls_total{adapter="mcp",name="list_clients",outcome="rate_limited"} 1`)
	assert.Contains(t, body, `gitscrum_bridge_calls_total{adapter="slack",name="none",outcome="unauthorized"} 1`)
	assert.Contains(t, body, `gitscrum_bridge_calls_total{adapter="slack",name="show",outcome="error"} 1`)
	assert.Contains(t, body, `gitscrum_bridge_call_duration_seconds_count{adapter="slack",name="show"} 1`)
	assert.NotContains(t, body, `outcome="internal"`)
}

func TestOutcomeVocabulary(t *testing.T) {
	for _, o := range []string{"ok", "invalid", "not_found", "ambiguous", "duplicate", "unauthorized",
		"forbidden", "rate_limited", "unavailable", "canceled", "replayed", "reply_lost", "error", "internal_error"} {
		assert.True(t, metrics.IsOutcome(o), o)
	}
	assert.False(t, metrics.IsOutcome("timeout"))
	assert.False(t, metrics.IsOutcome(""))
	assert.Equal(t, metrics.OutcomeCanceled, metrics.Outcome(fmt.Errorf("call: %w", context.Canceled)))
	assert.Equal(t, metrics.OutcomeUnavailable, metrics.Outcome(fmt.Errorf("call: %w", context.DeadlineExceeded)))
}

// TestWrap: GET /metrics is served beside h without passing through it; the
// listed paths count as in flight; everything else reaches h as it is.
func TestWrap(t *testing.T) {
	m := metrics.New()
	inside := make(chan struct{})
	release := make(chan struct{})
	var (
		mu   sync.Mutex
		seen []string
	)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" { // stands for an auth middleware
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		mu.Unlock()
		if r.URL.Path == "/slow" {
			close(inside)
			<-release
		}
		_, _ = io.WriteString(w, "inner")
	})
	ts := httptest.NewServer(m.Wrap(h, "mcp", "/slow"))
	defer ts.Close()

	get := func(path string, auth bool) (int, string) {
		req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		require.NoError(t, err)
		if auth {
			req.Header.Set("Authorization", "Bearer x")
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	code, body := get(metrics.Path, false)
	require.Equal(t, http.StatusOK, code, "no token needed for /metrics")
	assert.Contains(t, body, `gitscrum_bridge_http_requests_in_flight{handler="mcp"} 0`)
	code, _ = get("/slow-not", false)
	assert.Equal(t, http.StatusUnauthorized, code, "other paths still go through h")

	done := make(chan struct{})
	go func() {
		defer close(done)
		get("/slow", true)
	}()
	<-inside
	_, body = get(metrics.Path, false)
	assert.Contains(t, body, `gitscrum_bridge_http_requests_in_flight{handler="mcp"} 1`)
	close(release)
	<-done
	get("/other", true)
	_, body = get(metrics.Path, false)
	assert.Contains(t, body, `gitscrum_bridge_http_requests_in_flight{handler="mcp"} 0`)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"GET /slow", "GET /other"}, seen, "h never saw /metrics")
}

// TestWrapNil: without metrics there is no /metrics route.
func TestWrapNil(t *testing.T) {
	var m *metrics.Metrics
	h := http.NotFoundHandler()
	rec := httptest.NewRecorder()
	m.Wrap(h, "mcp", "/mcp").ServeHTTP(rec, httptest.NewRequest(http.MethodGet, metrics.Path, nil))
	assert.Equal(t, http.StatusNotFound, rec.Code)
}

// TestRefusals: every reason shows at 0 before any refusal; each refusal counts
// under its reason, an unknown one under "other".
func TestRefusals(t *testing.T) {
	m := metrics.New()
	count := m.Refusals("mcp")
	body := scrape(t, m)
	assert.Contains(t, body, `gitscrum_bridge_http_refused_total{handler="mcp",reason="busy"} 0`)
	assert.Contains(t, body, `gitscrum_bridge_http_refused_total{handler="mcp",reason="too_large"} 0`)
	assert.Contains(t, body, `gitscrum_bridge_http_refused_total{handler="mcp",reason="slow_body"} 0`)
	assert.Contains(t, body, `gitscrum_bridge_http_refused_total{handler="mcp",reason="bad_body"} 0`)
	count(httpserver.RefusedSlowBody)
	count(httpserver.RefusedBusy)
	count(httpserver.RefusedBusy)
	count(httpserver.RefusedTooLarge)
	count("surprise")
	body = scrape(t, m)
	assert.Contains(t, body, `gitscrum_bridge_http_refused_total{handler="mcp",reason="busy"} 2`)
	assert.Contains(t, body, `gitscrum_bridge_http_refused_total{handler="mcp",reason="too_large"} 1`)
	assert.Contains(t, body, `gitscrum_bridge_http_refused_total{handler="mcp",reason="slow_body"} 1`)
	assert.Contains(t, body, `gitscrum_bridge_http_refused_total{handler="mcp",reason="other"} 1`)
	assert.NotContains(t, body, "surprise")

	var none *metrics.Metrics
	assert.Nil(t, none.Refusals("mcp"))
}
