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

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
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

// TestWriteOutlastsCall: the server's write timeout outlasts the slowest tool call
// it allows (a lookup and a write), with a margin to write the answer. (Waiting for
// a real call to run that long would take a minute; TestHTTPLimits checks the
// limits' behaviour on the binary.)
func TestWriteOutlastsCall(t *testing.T) {
	for _, upstream := range []time.Duration{time.Second, 15 * time.Second, 2 * time.Minute} {
		assert.Equal(t, 2*upstream, callTimeout(upstream))
		assert.GreaterOrEqual(t, httpLimits(upstream).WriteTimeout, callTimeout(upstream)+httpserver.WriteMargin, "upstream timeout %s", upstream)
	}
}
