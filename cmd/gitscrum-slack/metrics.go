package main

import (
	"errors"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
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

// slackOutcomes maps the results the bot reports onto the metrics vocabulary; with
// [slackOutcome] it is the one place where the two meet.
var slackOutcomes = map[string]string{
	slackbot.ResultOK:              metrics.OutcomeOK,
	slackbot.ResultUsage:           metrics.OutcomeInvalid,
	slackbot.ResultInvalid:         metrics.OutcomeInvalid,
	slackbot.ResultBadRequest:      metrics.OutcomeInvalid,
	slackbot.ResultRefused:         metrics.OutcomeForbidden,
	slackbot.ResultNotFound:        metrics.OutcomeNotFound,
	slackbot.ResultAmbiguous:       metrics.OutcomeAmbiguous,
	slackbot.ResultDuplicate:       metrics.OutcomeDuplicate,
	slackbot.ResultUpstreamAuth:    metrics.OutcomeUnauthorized, // or forbidden: see slackOutcome
	slackbot.ResultUnauthenticated: metrics.OutcomeUnauthorized,
	slackbot.ResultRateLimited:     metrics.OutcomeRateLimited,
	slackbot.ResultUnavailable:     metrics.OutcomeUnavailable,
	slackbot.ResultTimeout:         metrics.OutcomeUnavailable,
	slackbot.ResultInternal:        metrics.OutcomeError,
}

// slackOutcome names how a command ended in the metrics vocabulary. The bot's
// upstream_auth covers both 401 and 403 from GitScrum; the error tells them apart.
func slackOutcome(o slackbot.Outcome) string {
	if o.Result == slackbot.ResultUpstreamAuth && errors.Is(o.Err, gitscrum.ErrForbidden) {
		return metrics.OutcomeForbidden
	}
	if outcome, ok := slackOutcomes[o.Result]; ok {
		return outcome
	}
	return metrics.OutcomeError
}

// observeCommands returns the bot's OnOutcome hook that counts commands in m, or
// nil without metrics. A request refused before its command line was read (bad
// request, bad signature) counts under the name "none".
func observeCommands(m *metrics.Metrics) func(slackbot.Outcome) {
	if m == nil {
		return nil
	}
	return func(o slackbot.Outcome) {
		m.ObserveOutcome("slack", o.Subcommand, slackOutcome(o), o.Latency)
	}
}

// httpLimits are the HTTP server's limits. The slowest legitimate answer is an
// acknowledgement sent when a command outlives the bot's inline budget (the reply
// follows on the response_url), so WriteTimeout is that budget plus a margin.
func httpLimits() httpserver.Limits {
	return httpserver.ForSlowest(slackbot.DefaultInlineBudget)
}
