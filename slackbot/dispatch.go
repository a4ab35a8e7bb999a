package slackbot

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// errClosing refuses commands that arrive while the bot shuts down.
var errClosing = errors.New("slackbot: shutting down")

// pending is a command running in the background while its transport waits for it
// up to the inline budget.
type pending struct {
	mu       sync.Mutex
	answer   *answer       // set when the answer is ready and nobody gave up on it
	deferred bool          // set when the transport acknowledged instead
	ready    chan struct{} // closed when answer is set
}

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
	if !b.startJob() {
		out.Result, out.Err, out.Latency = ResultUnavailable, errClosing, time.Since(start)
		b.record(out)
		return errorMessage(b.cfg.Command, ours("gitscrum-slack is restarting."), ours("Try again in a moment."), nil)
	}
	p := &pending{ready: make(chan struct{})}
	go func() {
		defer b.jobs.Done()
		ctx, cancel := context.WithTimeout(b.ctx, b.cfg.JobTimeout)
		a := b.execute(ctx, inv)
		cancel()
		p.mu.Lock()
		if !p.deferred {
			p.answer = &a
			p.mu.Unlock()
			close(p.ready)
			return
		}
		p.mu.Unlock()
		o := out
		o.Result, o.Err, o.Latency, o.Deferred = a.result, a.err, time.Since(start), true
		if a.msg == nil {
			b.record(o)
			return
		}
		if err := b.deliver(sc.ResponseURL, a.msg); err != nil {
			o.DeliveryErr, o.CommandResult, o.Result = err, o.Result, ResultReplyLost
		}
		b.record(o)
	}()

	timer := time.NewTimer(max(0, b.cfg.InlineBudget-time.Since(start)))
	defer timer.Stop()
	select {
	case <-p.ready:
	case <-timer.C:
	case <-gone:
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.answer != nil {
		out.Result, out.Err, out.Latency = p.answer.result, p.answer.err, time.Since(start)
		b.record(out)
		return p.answer.msg
	}
	p.deferred = true
	return ackMessage(inv, b.responseURLs.check(sc.ResponseURL) == nil)
}

// deliverLater posts msg to responseURL in the background, for an answer that
// could not be given inline after all.
func (b *Bot) deliverLater(responseURL string, msg *slack.WebhookMessage) {
	if !b.startJob() {
		if err := b.deliver(responseURL, msg); err != nil {
			b.log.Error("could not post the answer to the response_url", "error", err)
		}
		return
	}
	go func() {
		defer b.jobs.Done()
		if err := b.deliver(responseURL, msg); err != nil {
			b.log.Error("could not post the answer to the response_url", "error", err)
		}
	}()
}
