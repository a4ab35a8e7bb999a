package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/metrics"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// TestNoMetricsOnStdio: stdio has no listener, so no registry is built; --no-metrics
// turns it off over HTTP too.
func TestNoMetricsOnStdio(t *testing.T) {
	for args, want := range map[string]bool{
		"":                            false,
		"--no-metrics":                false,
		"--http 127.0.0.1:0":          true,
		"--http :0 --no-metrics":      false,
		"--sandbox --read-only":       false,
		"--http 127.0.0.1:0 -sandbox": true,
	} {
		_, o, err := parse(strings.Fields(args), func(string) string { return "" }, io.Discard)
		require.NoError(t, err, args)
		m := newMetrics(o)
		assert.Equal(t, want, m != nil, args)
		assert.Equal(t, want, observeCalls(m) != nil, args)
	}
}

// TestMCPOutcomes: every outcome the tools report is a word of the one vocabulary,
// counted under that same word, and an unknown one counts as error.
func TestMCPOutcomes(t *testing.T) {
	all := []string{tools.OutcomeOK, tools.OutcomeBadArguments, tools.OutcomeNoWorkspace, tools.OutcomeNoToken,
		tools.OutcomeUnauthorized, tools.OutcomeForbidden, tools.OutcomeNotFound, tools.OutcomeAmbiguous,
		tools.OutcomeDuplicate, tools.OutcomeValidation, tools.OutcomeRateLimited, tools.OutcomeUnavailable,
		tools.OutcomeCanceled, tools.OutcomeError, tools.OutcomeInternal}
	for _, o := range all {
		assert.True(t, metrics.IsOutcome(o), "tools outcome %q is not in the vocabulary", o)
	}

	m := metrics.New()
	observe := observeCalls(m)
	observe(tools.Call{Tool: "get_client", Outcome: tools.OutcomeNoToken, Duration: time.Millisecond})
	observe(tools.Call{Tool: "get_client", Outcome: "something_new", Duration: time.Millisecond})
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, metrics.Path, nil))
	assert.Contains(t, rec.Body.String(), `gitscrum_bridge_calls_total{adapter="mcp",name="get_client",outcome="unauthorized"} 1`)
	assert.Contains(t, rec.Body.String(), `gitscrum_bridge_calls_total{adapter="mcp",name="get_client",outcome="error"} 1`)
}

// TestHTTPLimits: the server outlasts the slowest tool call it allows.
func TestHTTPLimits(t *testing.T) {
	l := httpLimits(15 * time.Second)
	assert.Equal(t, 30*time.Second, callTimeout(15*time.Second))
	assert.Greater(t, l.WriteTimeout, callTimeout(15*time.Second))
	assert.Positive(t, l.ReadHeaderTimeout)
	assert.Positive(t, l.ReadTimeout)
	assert.Positive(t, l.IdleTimeout)
	assert.Positive(t, l.MaxHeaderBytes)
}
