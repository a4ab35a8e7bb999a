package slackbot

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/internal/receiver"
)

// dispatch answers a slash command within the inline budget: with the reply when it
// is ready in time, else with an acknowledgement, and the reply is posted to the
// command's response_url when ready. gone, when it closes, means the transport can
// no longer answer inline (the HTTP client went away); nil never closes. The
// outcome is recorded once, when known.
func (b *Bot) dispatch(transport string, sc slack.SlashCommand, gone <-chan struct{}) *slack.WebhookMessage {
	start := time.Now()
	out := Outcome{Transport: transport, UserID: sc.UserID, TeamID: sc.TeamID}
	inv, cmd, a := b.prepare(b.ctx, sc)
	if cmd != nil {
		out.Subcommand = cmd.name
	}
	if inv == nil {
		out.Result, out.Err, out.Latency = a.result, a.err, time.Since(start)
		b.record(out)
		return a.msg
	}
	a, inTime, err := receiver.Ack(b.jobs, "command "+cmd.name, b.cfg.InlineBudget-time.Since(start), gone,
		func(ctx context.Context) answer { return b.execute(ctx, inv) },
		b.notRun,
		func(_ context.Context, a answer) {
			o := out
			o.Result, o.Err, o.Latency, o.Deferred = a.result, a.err, time.Since(start), true
			if a.msg != nil {
				if err := b.deliver(sc.ResponseURL, a.msg); err != nil {
					o.DeliveryErr, o.CommandResult, o.Result = err, o.Result, ResultReplyLost
				}
			}
			b.record(o)
		})
	switch {
	case err != nil: // busy or shutting down: nothing ran
		a := b.notRun(err)
		out.Result, out.Err, out.Latency = a.result, a.err, time.Since(start)
		b.record(out)
		return a.msg
	case inTime:
		out.Result, out.Err, out.Latency = a.result, a.err, time.Since(start)
		b.record(out)
		return a.msg
	}
	return ackMessage(inv, b.responseURLs.check(sc.ResponseURL) == nil)
}

// deliverLater posts msg to responseURL in the background, for an answer that
// could not be given inline after all.
func (b *Bot) deliverLater(responseURL string, msg *slack.WebhookMessage) {
	post := func(context.Context) {
		if err := b.deliver(responseURL, msg); err != nil {
			b.log.Error("could not post the answer to the response_url", "error", err)
		}
	}
	if b.jobs.Spawn("deliver", post, nil) != nil { // the answer is ready: post it now rather than lose it
		post(b.ctx)
	}
}
