package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/metrics"
)

// TestUpstreamMetrics drives a real client against the emulator with a 503 and
// checks requests, status classes and retries are counted.
func TestUpstreamMetrics(t *testing.T) {
	m := metrics.New()
	srv := emulator.New(emulator.WithDemoData())
	ts := httptest.NewServer(srv)
	defer ts.Close()
	c, err := gitscrum.New(gitscrum.WithBaseURL(ts.URL), gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithObserver(m),
		gitscrum.WithRetryPolicy(gitscrum.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	srv.FailNext(1, http.StatusServiceUnavailable, 0)
	_, err = c.ListClients(context.Background(), emulator.DemoWorkspace)
	require.NoError(t, err)

	body := scrape(t, m)
	assert.Contains(t, body, `gitscrum_upstream_requests_total{operation="list_clients",status_class="5xx"} 1`)
	assert.Contains(t, body, `gitscrum_upstream_requests_total{operation="list_clients",status_class="2xx"} 1`)
	assert.Contains(t, body, `gitscrum_upstream_retries_total{operation="list_clients"} 1`)
	assert.Contains(t, body, `gitscrum_upstream_request_duration_seconds_count{operation="list_clients"} 2`)
	assert.Contains(t, body, "go_goroutines")
}

// TestCacheMetrics drives a real client with the list cache against the emulator and
// checks its misses, hits, patches and size are exported.
func TestCacheMetrics(t *testing.T) {
	m := metrics.New()
	var _ gitscrum.CacheObserver = m
	srv := emulator.New(emulator.WithDemoData())
	ts := httptest.NewServer(srv)
	defer ts.Close()
	c, err := gitscrum.New(gitscrum.WithBaseURL(ts.URL), gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithObserver(m))
	require.NoError(t, err)
	ctx := context.Background()
	snap, err := c.Clients(ctx, emulator.DemoWorkspace)
	require.NoError(t, err)
	_, err = c.Clients(ctx, emulator.DemoWorkspace)
	require.NoError(t, err)
	_, err = c.UpdateClientByRef(ctx, emulator.DemoAcmeUUID, gitscrum.UpdateClientRequest{CompanySlug: emulator.DemoWorkspace, Phone: ptr("+1-555-0142")})
	require.NoError(t, err)

	body := scrape(t, m)
	assert.Contains(t, body, `gitscrum_list_cache_events_total{event="miss"} 1`)
	assert.Contains(t, body, `gitscrum_list_cache_events_total{event="hit"} 2`) // the second list, the lookup
	assert.Contains(t, body, `gitscrum_list_cache_events_total{event="patch"} 1`)
	assert.Contains(t, body, `gitscrum_list_cache_events_total{event="eviction"} 0`)
	assert.Contains(t, body, fmt.Sprintf("gitscrum_list_cache_records %d\n", snap.Len()))
}

func ptr(s string) *string { return &s }

// TestOutcome checks every error class maps to its label, wrapped or not.
func TestOutcome(t *testing.T) {
	tests := map[error]string{
		nil:                      "ok",
		gitscrum.ErrValidation:   "invalid",
		metrics.ErrInvalid:       "invalid",
		gitscrum.ErrNotFound:     "not_found",
		gitscrum.ErrAmbiguous:    "ambiguous",
		gitscrum.ErrDuplicate:    "duplicate",
		gitscrum.ErrUnauthorized: "unauthorized",
		gitscrum.ErrForbidden:    "forbidden",
		gitscrum.ErrRateLimited:  "rate_limited",
		gitscrum.ErrUnavailable:  "unavailable",
		metrics.ErrCanceled:      "canceled",
		errors.New("boom"):       "error",
		&gitscrum.ResolveError{Ref: "x", Candidates: []gitscrum.ClientCompany{{}}}: "ambiguous",
		&gitscrum.DuplicateError{}: "duplicate",
	}
	for err, want := range tests {
		assert.Equal(t, want, metrics.Outcome(err), "%v", err)
		if err != nil {
			assert.Equal(t, want, metrics.Outcome(fmt.Errorf("wrapped: %w", err)))
		}
	}
}

// TestCallsAndInFlight checks call outcomes and the in-flight gauge.
func TestCallsAndInFlight(t *testing.T) {
	m := metrics.New()
	m.ObserveCall("mcp", "get_client", time.Millisecond, nil)
	m.ObserveCall("slack", "show", time.Millisecond, gitscrum.ErrNotFound)

	inside := make(chan struct{})
	release := make(chan struct{})
	h := m.InFlight("mcp", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inside)
		<-release
	}))
	ts := httptest.NewServer(h)
	defer ts.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := http.Get(ts.URL)
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-inside
	assert.Contains(t, scrape(t, m), `gitscrum_bridge_http_requests_in_flight{handler="mcp"} 1`)
	close(release)
	<-done
	body := scrape(t, m)
	assert.Contains(t, body, `gitscrum_bridge_http_requests_in_flight{handler="mcp"} 0`)
	assert.Contains(t, body, `gitscrum_bridge_calls_total{adapter="mcp",name="get_client",outcome="ok"} 1`)
	assert.Contains(t, body, `gitscrum_bridge_calls_total{adapter="slack",name="show",outcome="not_found"} 1`)
	n, err := testutil.GatherAndCount(m.Registry(), "gitscrum_bridge_calls_total")
	require.NoError(t, err)
	assert.Equal(t, 2, n)
}

// TestNilMetrics checks a nil *Metrics is a no-op everywhere.
func TestNilMetrics(t *testing.T) {
	var m *metrics.Metrics
	m.ObserveAttempt("x", 200, time.Millisecond, true)
	m.ObserveCall("mcp", "x", time.Millisecond, nil)
	h := m.InFlight("x", http.NotFoundHandler())
	assert.NotNil(t, h)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	assert.Equal(t, http.StatusNotFound, rec.Code)
}

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	b, err := io.ReadAll(rec.Body)
	require.NoError(t, err)
	return string(b)
}
