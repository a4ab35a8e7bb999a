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

// observeCalls returns the tools' Observe hook that counts calls in m, or nil
// without metrics. The tools report the words of the one outcome vocabulary, the
// same words they log, so the label is the outcome as it is.
func observeCalls(m *metrics.Metrics) func(tools.Call) {
	if m == nil {
		return nil
	}
	return func(c tools.Call) {
		m.ObserveOutcome("mcp", c.Tool, c.Outcome, c.Duration)
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
