package slackbot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/internal/receiver"
	"time"
)

// Events API settings.
const (
	// EventsPath is where Slack posts Events API payloads (the manifest's event
	// subscriptions request URL).
	EventsPath = "/slack/events"
	// EventDedupeWindow is how long an event's id is remembered, so that Slack's
	// retries of it (X-Slack-Retry-Num: at once, after a minute, after five
	// minutes, each newly signed) are not answered again.
	EventDedupeWindow = 15 * time.Minute
	// DefaultMaxEventJobs is how many events may be answered at once by default;
	// one more is refused with 503 and Slack retries it later.
	DefaultMaxEventJobs = 500
)

// eventKeyPrefix keys event ids in Config.ReplayStore, apart from signatures and
// Socket Mode envelopes.
const eventKeyPrefix = "slack-event:"

// serveEvent answers one verified Events API payload: a url_verification's
// challenge, or an event_callback acknowledged at once and answered in the
// background; 400 for a payload that does not decode, 503 for an event that
// cannot be taken now.
func (b *Bot) serveEvent(req *receiver.Request) receiver.Response {
	env, err := decodeEvent(req.Event, b.router.listens)
	if err != nil {
		b.log.Info("slack event refused", "transport", req.Transport, "status", http.StatusBadRequest, "error", err.Error())
		return receiver.Response{Status: http.StatusBadRequest}
	}
	switch env.Type {
	case eventURLVerification:
		return receiver.Response{Payload: map[string]string{"challenge": env.Challenge}}
	case eventCallback:
		return receiver.Response{Status: b.acceptEvent(req.Transport, env, req.Retry)}
	case eventAppRateLimited:
		b.log.Warn("slack event: Slack is holding back events: this app received more than 30,000 in an hour")
	default:
		b.log.Debug("slack event: ignored payload", "transport", req.Transport, "type", env.Type)
	}
	return receiver.Response{}
}

// acceptEvent routes a verified event_callback to its listener and starts it in
// the background, bounded by Config.MaxEventJobs and drained by [Bot.Close]. An
// event already answered (the same event_id, as Slack's retries carry) is not
// answered again. It returns 200 when the event is taken (or ignored), or 503
// when it cannot be now: shutting down, too many events at once, or the
// ReplayStore failing. retry is X-Slack-Retry-Num, for the log.
func (b *Bot) acceptEvent(transport string, env *eventEnvelope, retry string) int {
	ev := &env.Event
	l, ok := b.router.events[ev.Type]
	if !ok {
		b.log.Debug("slack event: no listener", "transport", transport, "event", ev.Type)
		return http.StatusOK
	}
	if want, why := l.wants(env); !want {
		b.log.Debug("slack event: ignored", "transport", transport, "event", ev.Type, "subtype", ev.Subtype, "reason", why)
		return http.StatusOK
	}
	select {
	case b.eventSlots <- struct{}{}:
	default:
		b.logEvent(transport, env, ResultUnavailable, 0, fmt.Errorf("%d events are being answered already (MaxEventJobs)", cap(b.eventSlots)))
		return http.StatusServiceUnavailable
	}
	release := sync.OnceFunc(func() { <-b.eventSlots }) // by the work, or by the rescue when it did not run
	slot, err := b.jobs.Reserve()
	if err != nil { // busy or shutting down: Slack sends it again later
		release()
		b.logEvent(transport, env, ResultUnavailable, 0, err)
		return http.StatusServiceUnavailable
	}
	first, err := b.cfg.ReplayStore.Remember(b.ctx, eventKeyPrefix+env.EventID, time.Now().Add(EventDedupeWindow))
	switch {
	case err != nil:
		release()
		slot.Release()
		b.logEvent(transport, env, ResultUnavailable, 0, fmt.Errorf("event dedupe: %w", err))
		return http.StatusServiceUnavailable
	case !first:
		release()
		slot.Release()
		b.log.Info("slack event: already answered", "transport", transport, "event", ev.Type, "event_id", env.EventID, "retry", retry)
		return http.StatusOK
	}
	start := time.Now()
	slot.Spawn("event:"+ev.Type, func(ctx context.Context) {
		defer release()
		l.run(ctx, transport, env)
	}, func(ctx context.Context, err error) {
		defer release()
		a := b.notRun(err)
		b.logEvent(transport, env, a.result, time.Since(start), err)
		_ = b.postConversation(ctx, env, a.msg, false)
	})
	return http.StatusOK
}

// logEvent records how the answer to an event ended (Subcommand
// "event:<type>", such as "event:app_mention"; only the types with a listener
// get here).
func (b *Bot) logEvent(transport string, env *eventEnvelope, result string, latency time.Duration, err error, attrs ...slog.Attr) {
	b.record(Outcome{Transport: transport, UserID: env.Event.User, TeamID: env.TeamID, Subcommand: "event:" + env.Event.Type,
		Result: result, Err: err, Latency: latency}, append(attrs, slog.String("event_id", env.EventID))...)
}
