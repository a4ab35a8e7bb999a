package main_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// get fetches url and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// scrape returns the metrics the binary serves, without a token.
func scrape(t *testing.T, base string) string {
	t.Helper()
	code, body := get(t, base+"/metrics")
	require.Equal(t, http.StatusOK, code, body)
	return body
}

// TestHTTPMetrics drives real MCP traffic through the binary, listening on all
// interfaces so /mcp needs a token, and reads what /metrics (which needs none) says
// of it: upstream requests by status class, a retry, latency, tool calls by
// outcome, and requests in flight.
func TestHTTPMetrics(t *testing.T) {
	emu, upstreamURL := startEmulator(t)
	const token = "user-token-metrics-0001"
	emu.AddToken(token)
	_, port, stderr := startHTTP(t, baseEnv("GITSCRUM_API_URL="+upstreamURL, "GITSCRUM_COMPANY_SLUG=demo"), "0.0.0.0:0")
	base := "http://127.0.0.1:" + port
	assert.Contains(t, stderr.String(), "loopback=false")
	assert.Contains(t, stderr.String(), "serving Prometheus metrics")

	req, _ := http.NewRequest(http.MethodPost, base+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "/mcp needs a token here")
	body := scrape(t, base)
	assert.Contains(t, body, `gitscrum_bridge_http_requests_in_flight{handler="mcp"} 0`)

	c, err := httpMCPClient(t, base+"/mcp", token)
	require.NoError(t, err)
	emu.FailNext(1, http.StatusServiceUnavailable, 0)
	res := callTool(t, c, "list_clients", map[string]any{"query": "initech"})
	require.False(t, res.IsError, text(res))
	res = callTool(t, c, "get_client", map[string]any{"client": "No Such Company Whatsoever"})
	require.True(t, res.IsError)
	res = callTool(t, c, "list_clients", map[string]any{"limit": -1})
	require.True(t, res.IsError)

	// A call in flight shows in the gauge.
	emu.ResetRequests()
	emu.SetLatency(500 * time.Millisecond)
	done := make(chan *mcp.CallToolResult, 1)
	go func() {
		r := mcp.CallToolRequest{}
		r.Params.Name = "get_client"
		r.Params.Arguments = map[string]any{"client": emulator.DemoAcmeUUID}
		res, _ := c.CallTool(context.Background(), r)
		done <- res
	}()
	waitForRequest(t, emu)
	assert.Contains(t, scrape(t, base), `gitscrum_bridge_http_requests_in_flight{handler="mcp"} 1`)
	select {
	case res := <-done:
		require.NotNil(t, res)
		require.False(t, res.IsError, text(res))
	case <-time.After(10 * time.Second):
		t.Fatal("the slow call never finished")
	}

	body = scrape(t, base)
	for _, want := range []string{
		// list_clients: 503, retried, 200; the lookups of a missing name and of a UUID
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
		`gitscrum_bridge_calls_total{adapter="mcp",name="list_clients",outcome="ok"} 1`,
		`gitscrum_bridge_calls_total{adapter="mcp",name="list_clients",outcome="invalid"} 1`,
		`gitscrum_bridge_calls_total{adapter="mcp",name="get_client",outcome="not_found"} 1`,
		`gitscrum_bridge_calls_total{adapter="mcp",name="get_client",outcome="ok"} 1`,
		`gitscrum_bridge_call_duration_seconds_count{adapter="mcp",name="get_client"} 2`,
		`gitscrum_bridge_http_requests_in_flight{handler="mcp"} 0`,
		`# TYPE process_start_time_seconds gauge`,
		`# TYPE gitscrum_store_operation_duration_seconds histogram`,
		`# TYPE gitscrum_store_degraded_total counter`,
		`gitscrum_store_degraded_total 0`,
	} {
		assert.Contains(t, body, want+"\n")
	}
	assert.NotContains(t, body, token)
	assert.NotContains(t, body, "Initech", "no user data in the metrics")
	assert.NotContains(t, stderr.String(), token)

	code, health := get(t, base+"/healthz")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, health, `"server":"gitscrum-mcp"`)
	assert.Regexp(t, `"store":"(starting|ok)"`, health, "health says the store's state")
	require.Eventually(t, func() bool {
		_, health = get(t, base+"/healthz")
		_, body := get(t, base+"/metrics")
		return strings.Contains(health, `"store":"ok"`) && strings.Contains(body, `gitscrum_store_status{status="ok"} 1`)
	}, 10*time.Second, 20*time.Millisecond, "the store opens in the background: %s", health)
}

// TestHTTPNoMetrics: --no-metrics leaves /metrics out; the rest still serves.
func TestHTTPNoMetrics(t *testing.T) {
	_, port, stderr := startHTTP(t, baseEnv(), "127.0.0.1:0", "--sandbox", "--no-metrics")
	base := "http://127.0.0.1:" + port
	code, _ := get(t, base+"/metrics")
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = get(t, base+"/healthz")
	assert.Equal(t, http.StatusOK, code)
	assert.NotContains(t, stderr.String(), "Prometheus")
}

// TestSignalHTTPBounded: a call that outlives --shutdown-timeout does not hold the
// process: it is cut, and the process exits 0 soon after the grace period.
func TestSignalHTTPBounded(t *testing.T) {
	emu, upstreamURL := startEmulator(t)
	emu.SetLatency(20 * time.Second)
	cmd, port, stderr := startHTTP(t, baseEnv("GITSCRUM_API_URL="+upstreamURL, "GITSCRUM_TOKEN="+emulator.DefaultToken, "GITSCRUM_COMPANY_SLUG=demo"),
		"127.0.0.1:0", "--shutdown-timeout", "300ms", "--timeout", "30s")
	c, err := httpMCPClient(t, "http://127.0.0.1:"+port+"/mcp", "")
	require.NoError(t, err)
	go func() {
		r := mcp.CallToolRequest{}
		r.Params.Name = "get_client"
		r.Params.Arguments = map[string]any{"client": emulator.DemoAcmeUUID}
		_, _ = c.CallTool(context.Background(), r)
	}()
	waitForRequest(t, emu)
	began := time.Now()
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	assert.Equal(t, 0, exitCode(t, cmd), stderr.String())
	assert.Less(t, time.Since(began), 5*time.Second, "the drain is bounded")
	assert.Contains(t, stderr.String(), "did not finish in time")
}
