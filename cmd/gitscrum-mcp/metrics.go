package main

import (
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/metrics"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// newMetrics returns the registry the HTTP listener serves, or nil: over stdio
// there is no listener to serve it on, and --no-metrics turns it off.
func newMetrics(o options) *metrics.Metrics {
	if o.httpAddr == "" || o.noMetrics {
		return nil
	}
	return metrics.New()
}

// mcpOutcomes maps the outcomes the tools report onto the metrics vocabulary; it is
// the one place where the two meet.
var mcpOutcomes = map[string]string{
	tools.OutcomeOK:           metrics.OutcomeOK,
	tools.OutcomeBadArguments: metrics.OutcomeInvalid,
	tools.OutcomeNoWorkspace:  metrics.OutcomeInvalid,
	tools.OutcomeValidation:   metrics.OutcomeInvalid,
	tools.OutcomeNoToken:      metrics.OutcomeUnauthorized,
	tools.OutcomeUnauthorized: metrics.OutcomeUnauthorized,
	tools.OutcomeForbidden:    metrics.OutcomeForbidden,
	tools.OutcomeNotFound:     metrics.OutcomeNotFound,
	tools.OutcomeAmbiguous:    metrics.OutcomeAmbiguous,
	tools.OutcomeDuplicate:    metrics.OutcomeDuplicate,
	tools.OutcomeRateLimited:  metrics.OutcomeRateLimited,
	tools.OutcomeUnavailable:  metrics.OutcomeUnavailable,
	tools.OutcomeCanceled:     metrics.OutcomeCanceled,
	tools.OutcomeInternal:     metrics.OutcomeError,
}

// observeCalls returns the tools' Observe hook that counts calls in m, or nil
// without metrics.
func observeCalls(m *metrics.Metrics) func(tools.Call) {
	if m == nil {
		return nil
	}
	return func(c tools.Call) {
		outcome, ok := mcpOutcomes[c.Outcome]
		if !ok {
			outcome = metrics.OutcomeError
		}
		m.ObserveOutcome("mcp", c.Tool, outcome, c.Duration)
	}
}

// callTimeout bounds one tool call over HTTP: a lookup and a write (or the pages
// of a list), each bounded by the upstream timeout, share twice that.
func callTimeout(upstreamTimeout time.Duration) time.Duration { return 2 * upstreamTimeout }

// httpLimits are the HTTP server's limits: its WriteTimeout outlasts the slowest
// tool call, so an answer is never cut before the call has given up.
func httpLimits(upstreamTimeout time.Duration) httpserver.Limits {
	return httpserver.ForSlowest(callTimeout(upstreamTimeout))
}
