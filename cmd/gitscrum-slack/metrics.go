package main

import (
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/metrics"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// newMetrics returns the registry the HTTP listener serves, or nil: Socket Mode has
// no listener to serve it on, and --no-metrics turns it off.
func newMetrics(cfg config) *metrics.Metrics {
	if cfg.socketMode || cfg.noMetrics {
		return nil
	}
	return metrics.New()
}

// observeCommands returns the bot's OnOutcome hook that counts commands in m, or
// nil without metrics. The bot reports the words of the one outcome vocabulary, the
// same words it logs, so the label is the result as it is. A request refused before
// its command line was read (bad request, bad signature, replay) counts under the
// name "none".
func observeCommands(m *metrics.Metrics) func(slackbot.Outcome) {
	if m == nil {
		return nil
	}
	return func(o slackbot.Outcome) {
		m.ObserveOutcome("slack", o.Subcommand, o.Result, o.Latency)
	}
}

// httpLimits are the HTTP server's limits. The slowest legitimate answer is an
// acknowledgement sent when a command outlives the bot's inline budget (the reply
// follows on the response_url), so WriteTimeout is that budget plus a margin.
func httpLimits() httpserver.Limits {
	return httpserver.ForSlowest(slackbot.DefaultInlineBudget)
}

// queueWait is how long a request waits for a slot by default: Slack gives up on
// an answer after 3 s and the bot may take its inline budget (2 s) once served,
// so a request that waited longer would be answered to nobody.
const queueWait = time.Second
