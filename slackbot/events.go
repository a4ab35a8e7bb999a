package slackbot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
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

// eventListener answers one type of event. Listeners are looked up by the inner
// event's type, as Bolt does; each checks for itself what it will answer.
type eventListener struct {
	// wants reports whether the event is one to answer; the reason says why not
	// (for the log). It runs before the event is acknowledged and must be cheap.
	wants func(env *eventEnvelope) (bool, string)
	// run answers the event, in the background, within ctx.
	run func(b *Bot, ctx context.Context, transport string, env *eventEnvelope)
}

// eventListeners routes events by their inner type. It is filled in init because
// the decoder reads it.
var eventListeners map[string]eventListener

func init() {
	eventListeners = map[string]eventListener{
		"app_mention": {wants: wantsMention, run: (*Bot).answerConversation},
		"message":     {wants: wantsDirectMessage, run: (*Bot).answerConversation},
	}
}

// serveEvents answers one Events API request: the signature and replay checks of
// every signed endpoint, then a url_verification's challenge, or an
// event_callback acknowledged at once and answered in the background.
func (b *Bot) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, rf := readBody(w, r, "application/json")
	if rf == nil {
		rf = b.verifyRequest(r.Context(), r.Header, body)
	}
	if rf != nil {
		b.refuseEvent(w, rf)
		return
	}
	env, err := decodeEvent(body)
	if err != nil {
		b.refuseEvent(w, badRequest(err))
		return
	}
	switch env.Type {
	case eventURLVerification:
		writeJSON(w, http.StatusOK, map[string]string{"challenge": env.Challenge})
	case eventCallback:
		if status := b.acceptEvent("http", env, r.Header.Get("X-Slack-Retry-Num")); status != http.StatusOK {
			w.Header().Set("Retry-After", "1")
			http.Error(w, http.StatusText(status), status)
			return
		}
		w.WriteHeader(http.StatusOK)
	case eventAppRateLimited:
		b.log.Warn("slack event: Slack is holding back events: this app received more than 30,000 in an hour")
		w.WriteHeader(http.StatusOK)
	default:
		b.log.Debug("slack event: ignored payload", "type", env.Type)
		w.WriteHeader(http.StatusOK)
	}
}

// refuseEvent logs and answers a refused Events API request; nothing was run.
func (b *Bot) refuseEvent(w http.ResponseWriter, rf *refusal) {
	level := slog.LevelInfo
	if rf.status == http.StatusUnauthorized || rf.status == http.StatusServiceUnavailable || rf.status == http.StatusRequestEntityTooLarge {
		level = slog.LevelWarn
	}
	b.log.Log(context.Background(), level, "slack event refused", "status", rf.status, "error", rf.err.Error())
	rf.write(w)
}

// acceptEvent routes a verified event_callback to its listener and starts it in
// the background, bounded by Config.MaxEventJobs and drained by [Bot.Close]. An
// event already answered (the same event_id, as Slack's retries carry) is not
// answered again. It returns 200 when the event is taken (or ignored), or 503
// when it cannot be now: shutting down, too many events at once, or the
// ReplayStore failing. retry is X-Slack-Retry-Num, for the log.
func (b *Bot) acceptEvent(transport string, env *eventEnvelope, retry string) int {
	ev := &env.Event
	l, ok := eventListeners[ev.Type]
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
		b.logEvent(transport, env, slog.LevelWarn, ResultUnavailable, 0, fmt.Errorf("%d events are being answered already (MaxEventJobs)", cap(b.eventSlots)))
		return http.StatusServiceUnavailable
	}
	release := func() { <-b.eventSlots }
	if !b.startJob() {
		release()
		b.logEvent(transport, env, slog.LevelWarn, ResultUnavailable, 0, errClosing)
		return http.StatusServiceUnavailable
	}
	first, err := b.cfg.ReplayStore.Remember(b.ctx, eventKeyPrefix+env.EventID, time.Now().Add(EventDedupeWindow))
	switch {
	case err != nil:
		release()
		b.jobs.Done()
		b.logEvent(transport, env, slog.LevelWarn, ResultUnavailable, 0, fmt.Errorf("event dedupe: %w", err))
		return http.StatusServiceUnavailable
	case !first:
		release()
		b.jobs.Done()
		b.log.Info("slack event: already answered", "transport", transport, "event", ev.Type, "event_id", env.EventID, "retry", retry)
		return http.StatusOK
	}
	go func() {
		defer b.jobs.Done()
		defer release()
		ctx, cancel := context.WithTimeout(b.ctx, b.cfg.JobTimeout)
		defer cancel()
		l.run(b, ctx, transport, env)
	}()
	return http.StatusOK
}

// logEvent records how the answer to an event ended, and tells Config.OnOutcome
// (Subcommand "event:<type>", such as "event:app_mention"; only the types with a
// listener get here).
func (b *Bot) logEvent(transport string, env *eventEnvelope, level slog.Level, result string, latency time.Duration, err error, attrs ...slog.Attr) {
	if b.cfg.OnOutcome != nil {
		b.cfg.OnOutcome(Outcome{Transport: transport, UserID: env.Event.User, TeamID: env.TeamID, Subcommand: "event:" + env.Event.Type,
			Result: result, Err: err, Latency: latency})
	}
	attrs = append(attrs,
		slog.String("transport", transport),
		slog.String("event", env.Event.Type),
		slog.String("event_id", env.EventID),
		slog.String("user_id", env.Event.User),
		slog.String("team_id", env.TeamID),
		slog.String("outcome", result),
		slog.Duration("latency", latency),
	)
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	b.log.LogAttrs(context.Background(), level, "slack event", attrs...)
}
