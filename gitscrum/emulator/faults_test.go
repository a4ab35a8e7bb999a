package emulator_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

func TestFailNext(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter time.Duration
		header     string
		body       string
	}{
		{"429 with retry", http.StatusTooManyRequests, 1500 * time.Millisecond, "2",
			`{"message":"Too Many Attempts.","retry_after":2}`},
		{"429 without retry", http.StatusTooManyRequests, 0, "", `{"message":"Too Many Attempts."}`},
		{"500", http.StatusInternalServerError, 0, "", `{"message":"Server Error."}`},
		{"503 with retry", http.StatusServiceUnavailable, 3 * time.Second, "3", `{"message":"Service Unavailable."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, emulator.WithDemoData())
			e.srv.FailNext(2, tt.status, tt.retryAfter)
			for range 2 {
				r := e.call(http.MethodGet, listDemo, "", nil) // even without a token
				require.Equal(t, tt.status, r.Status)
				assert.Equal(t, tt.header, r.Header.Get("Retry-After"))
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
				assert.JSONEq(t, tt.body, string(r.Raw))
			}
			r := e.do(http.MethodGet, listDemo, nil)
			assert.Equal(t, http.StatusOK, r.Status, "only the next two fail")

			var statuses []int
			for _, req := range e.srv.Requests() {
				statuses = append(statuses, req.Status)
			}
			assert.Equal(t, []int{tt.status, tt.status, 200}, statuses)
		})
	}
}

func TestFailedCreateCreatesNothing(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	n := len(e.srv.Clients(emulator.DemoWorkspace))
	e.srv.FailNext(1, http.StatusBadGateway, 0)
	r := e.do(http.MethodPost, "/contact-companies", map[string]any{"company_slug": "demo", "name": "Once"})
	require.Equal(t, http.StatusBadGateway, r.Status)
	assert.Len(t, e.srv.Clients(emulator.DemoWorkspace), n)
}

func TestFailNextZeroCancels(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	e.srv.FailNext(5, http.StatusServiceUnavailable, 0)
	e.srv.FailNext(0, 0, 0)
	assert.Equal(t, http.StatusOK, e.do(http.MethodGet, listDemo, nil).Status)
}

// freshClient never reuses a connection, so that the transport does not retry a
// dropped GET by itself.
func freshClient(t *testing.T) *http.Client {
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

func TestDropNext(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	e.srv.DropNext(1)
	c := freshClient(t)

	req, err := http.NewRequest(http.MethodPost, e.ts.URL+"/contact-companies",
		jsonBody(t, map[string]any{"company_slug": "demo", "name": "Dropped"}))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	n := len(e.srv.Clients(emulator.DemoWorkspace))
	res, err := c.Do(req)
	if res != nil {
		res.Body.Close()
	}
	require.Error(t, err)
	assert.True(t, errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF), "got %v", err)
	assert.Len(t, e.srv.Clients(emulator.DemoWorkspace), n, "a dropped create creates nothing")

	res, err = c.Get(e.ts.URL + "/nope")
	require.NoError(t, err, "only the next one is dropped")
	res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)

	reqs := e.srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, 0, reqs[0].Status, "a dropped request answered nothing")
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, http.StatusUnauthorized, reqs[1].Status)
}

func TestDropComesBeforeFail(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	e.srv.FailNext(1, http.StatusInternalServerError, 0)
	e.srv.DropNext(1)
	c := freshClient(t)
	_, err := c.Get(e.ts.URL + listDemo)
	require.Error(t, err)
	r := e.do(http.MethodGet, listDemo, nil)
	assert.Equal(t, http.StatusInternalServerError, r.Status)
	assert.Equal(t, http.StatusOK, e.do(http.MethodGet, listDemo, nil).Status)
}

func TestFaultsAlways5xxCreateNothing(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	n := len(e.srv.Clients(emulator.DemoWorkspace))
	e.srv.SetFaults(emulator.Faults{Rate5xx: 1, RetryAfter: time.Second})
	for range 20 {
		r := e.do(http.MethodPost, "/contact-companies", map[string]any{"company_slug": "demo", "name": "Never"})
		require.GreaterOrEqual(t, r.Status, 500)
		if r.Status == http.StatusServiceUnavailable {
			assert.Equal(t, "1", r.Header.Get("Retry-After"))
		}
	}
	assert.Len(t, e.srv.Clients(emulator.DemoWorkspace), n)
	e.srv.SetFaults(emulator.Faults{})
	assert.Equal(t, http.StatusOK, e.do(http.MethodGet, listDemo, nil).Status)
}

func TestFaultsMixedRates(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	e.srv.SetFaults(emulator.Faults{Rate5xx: 0.2, Rate429: 0.3, RetryAfter: 2 * time.Second})
	counts := map[string]int{}
	const n = 400
	for range n {
		r := e.do(http.MethodGet, listDemo, nil)
		switch {
		case r.Status == http.StatusOK:
			counts["ok"]++
		case r.Status == http.StatusTooManyRequests:
			counts["429"]++
			assert.Equal(t, "2", r.Header.Get("Retry-After"))
			assert.Equal(t, float64(2), r.Body["retry_after"])
		case r.Status >= 500:
			counts["5xx"]++
		default:
			t.Fatalf("unexpected status %d", r.Status)
		}
	}
	// Wide bounds: the chance of falling outside them is negligible.
	assert.InDelta(t, 0.5*n, counts["ok"], 0.15*n, "%v", counts)
	assert.InDelta(t, 0.3*n, counts["429"], 0.12*n, "%v", counts)
	assert.InDelta(t, 0.2*n, counts["5xx"], 0.1*n, "%v", counts)
}

func TestLatencyIsHonoured(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	e.srv.SetLatency(150 * time.Millisecond)
	start := time.Now()
	r := e.do(http.MethodGet, listDemo, nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)

	e.srv.SetLatency(0)
	start = time.Now()
	e.do(http.MethodGet, listDemo, nil)
	assert.Less(t, time.Since(start), 100*time.Millisecond)
}

func TestLatencyIsCancellable(t *testing.T) {
	srv := emulator.New(emulator.WithDemoData())
	srv.SetLatency(10 * time.Second)
	ts := newEnvFor(t, srv)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+listDemo, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	start := time.Now()
	_, err = ts.Client().Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), time.Second)

	// Close waits for handlers to return: it is quick only if the handler saw the
	// cancellation instead of sleeping its ten seconds.
	start = time.Now()
	ts.Close()
	assert.Less(t, time.Since(start), time.Second)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, 0, reqs[0].Status)
}

func TestLatencyFunc(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	var calls atomic.Int32
	e.srv.SetLatency(time.Hour) // the func wins
	e.srv.SetLatencyFunc(func() time.Duration {
		calls.Add(1)
		return 20 * time.Millisecond
	})
	start := time.Now()
	for range 3 {
		require.Equal(t, http.StatusOK, e.do(http.MethodGet, listDemo, nil).Status)
	}
	assert.GreaterOrEqual(t, time.Since(start), 60*time.Millisecond)
	assert.Equal(t, int32(3), calls.Load())

	e.srv.SetLatency(0)
	e.srv.SetLatencyFunc(nil)
	start = time.Now()
	e.do(http.MethodGet, listDemo, nil)
	assert.Less(t, time.Since(start), 100*time.Millisecond)
	assert.Equal(t, int32(3), calls.Load())
}
