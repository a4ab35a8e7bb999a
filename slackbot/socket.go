package slackbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// NewSocketClient returns a Socket Mode client for an app-level token (xapp-…,
// with the connections:write scope) and the bot token (xoxb-…). Its internal logs
// go to logger at debug level. opts are applied to the underlying slack.Client
// (tests point it at another API URL).
func NewSocketClient(appToken, botToken string, logger *slog.Logger, opts ...slack.Option) (*socketmode.Client, error) {
	if !strings.HasPrefix(appToken, "xapp-") {
		return nil, errors.New("slackbot: the Socket Mode app token must be an app-level token starting with xapp-")
	}
	if botToken != "" && !strings.HasPrefix(botToken, "xoxb-") {
		return nil, errors.New("slackbot: the bot token must start with xoxb-")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	out := slogOutput{logger: logger}
	api := slack.New(botToken, append([]slack.Option{slack.OptionAppLevelToken(appToken), slack.OptionLog(out)}, opts...)...)
	return socketmode.New(api, socketmode.OptionLog(out)), nil
}

// slogOutput adapts slog to the logger slack-go expects.
type slogOutput struct{ logger *slog.Logger }

// Output logs one line of slack-go at debug level.
func (o slogOutput) Output(_ int, s string) error {
	o.logger.Debug("slack-go: " + strings.TrimSpace(s))
	return nil
}

// RunSocketMode answers slash commands and interactivity (buttons, menus, modals,
// options) arriving over client's Socket Mode connection until ctx is done, with
// the same core as HTTP mode: the reply
// is the acknowledgement's payload; a command slower than the inline budget is
// acknowledged with "Looking up …" and answered through its response_url. Events
// (mentions, DMs) go through the same listeners as over HTTP. It
// returns nil when ctx ends it, or the error that ended the connection for good
// (such as an invalid token).
func (b *Bot) RunSocketMode(ctx context.Context, client *socketmode.Client) error {
	h := socketmode.NewSocketmodeHandler(client)
	h.Handle(socketmode.EventTypeSlashCommand, b.onSocketCommand)
	h.Handle(socketmode.EventTypeInteractive, b.onSocketInteractive)
	h.Handle(socketmode.EventTypeEventsAPI, b.onSocketEvent)
	for _, et := range []socketmode.EventType{socketmode.EventTypeConnecting, socketmode.EventTypeConnected, socketmode.EventTypeHello, socketmode.EventTypeDisconnect} {
		h.Handle(et, func(evt *socketmode.Event, _ *socketmode.Client) {
			b.log.Debug("socket mode", "event", string(evt.Type))
		})
	}
	for _, et := range []socketmode.EventType{socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed, socketmode.EventTypeErrorBadMessage} {
		h.Handle(et, func(evt *socketmode.Event, _ *socketmode.Client) {
			b.log.Warn("socket mode", "event", string(evt.Type), "detail", socketEventDetail(evt))
		})
	}
	h.HandleDefault(func(evt *socketmode.Event, c *socketmode.Client) {
		b.log.Debug("socket mode: ignored event", "event", string(evt.Type))
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			_ = c.Ack(*evt.Request) // Slack redelivers what is not acknowledged
		}
	})
	err := h.RunEventLoopContext(ctx) // returns only with an error
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("slackbot: socket mode: %w", err)
}

// socketEventDetail describes an error event without its payload.
func socketEventDetail(evt *socketmode.Event) string {
	if err, ok := evt.Data.(error); ok {
		return err.Error()
	}
	switch d := evt.Data.(type) {
	case *socketmode.ErrorBadMessage:
		return fmt.Sprint(d.Cause)
	case *socketmode.ErrorWriteFailed:
		return fmt.Sprint(d.Cause)
	}
	return ""
}

// errRedelivered refuses a Socket Mode envelope that was already received.
var errRedelivered = errors.New("this Socket Mode envelope was already received: acknowledged, not run again")

// socketRedelivery reports whether the envelope envelopeID was received before, in
// which case it must be acknowledged without running the command again. Socket
// Mode has no signatures to replay: only Slack can send on the connection the app
// opened with its token. But Slack sends an envelope again when its
// acknowledgement is late or lost, so envelope ids are remembered in
// Config.ReplayStore for SignatureWindow. When the store cannot record the
// envelope, it returns an answer that refuses the command.
func (b *Bot) socketRedelivery(envelopeID string, sc slack.SlashCommand) (*slack.WebhookMessage, bool) {
	first, err := b.cfg.ReplayStore.Remember(b.ctx, "socket-envelope:"+envelopeID, time.Now().Add(SignatureWindow))
	out := Outcome{Transport: "socket", UserID: sc.UserID, TeamID: sc.TeamID}
	switch {
	case err != nil:
		out.Result, out.Err = ResultUnavailable, fmt.Errorf("replay check: %w", err)
		b.record(out)
		return errorMessage(b.cfg.Command, ours("gitscrum-slack is too busy to take this command."), ours("Try again in a minute."), nil), true
	case !first:
		out.Result, out.Err = ResultReplayed, errRedelivered
		b.record(out)
		return nil, true
	}
	return nil, false
}

// onSocketCommand answers one slash command through the acknowledgement.
func (b *Bot) onSocketCommand(evt *socketmode.Event, c *socketmode.Client) {
	sc, ok := evt.Data.(slack.SlashCommand)
	if !ok || evt.Request == nil {
		b.log.Warn("socket mode: slash command event without a command")
		return
	}
	if msg, seen := b.socketRedelivery(evt.Request.EnvelopeID, sc); seen {
		// Acknowledged again (Slack redelivers what is not acknowledged), not run again.
		var payload []any
		if msg != nil {
			payload = append(payload, msg)
		}
		if err := c.Ack(*evt.Request, payload...); err != nil {
			b.log.Error("socket mode: cannot acknowledge the command", "error", err)
		}
		return
	}
	msg := b.dispatch("socket", sc, nil)
	if msg == nil { // answered another way, such as a modal opened
		if err := c.Ack(*evt.Request); err != nil {
			b.log.Error("socket mode: cannot acknowledge the command", "error", err)
		}
		return
	}
	if err := c.Ack(*evt.Request, msg); err != nil {
		// Slack drops Socket Mode payloads of 20 KB or more: acknowledge briefly and
		// post the whole answer to the response_url.
		b.log.Warn("socket mode: the answer does not fit the acknowledgement; posting it to the response_url", "error", err)
		short := message(msg.ResponseType, "The answer follows in a moment.", contextBlock(ours(":hourglass_flowing_sand: The answer follows in a moment.")))
		if err := c.Ack(*evt.Request, short); err != nil {
			b.log.Error("socket mode: cannot acknowledge the command", "error", err)
		}
		b.deliverLater(sc.ResponseURL, msg)
	}
}

// onSocketInteractive answers one interactivity payload through the
// acknowledgement, as [Bot.serveInteractivity] answers it over HTTP: options and
// view submission answers are its payload. A redelivered envelope is
// acknowledged again without running anything.
func (b *Bot) onSocketInteractive(evt *socketmode.Event, c *socketmode.Client) {
	cb, ok := evt.Data.(slack.InteractionCallback)
	if !ok || evt.Request == nil {
		b.log.Warn("socket mode: interactive event without a payload")
		if evt.Request != nil {
			_ = c.Ack(*evt.Request)
		}
		return
	}
	first, err := b.cfg.ReplayStore.Remember(b.ctx, "socket-envelope:"+evt.Request.EnvelopeID, time.Now().Add(SignatureWindow))
	if err != nil || !first {
		result, why := ResultReplayed, error(errRedelivered)
		if err != nil {
			result, why = ResultUnavailable, fmt.Errorf("replay check: %w", err)
		}
		b.record(Outcome{Transport: "socket", UserID: cb.User.ID, TeamID: cb.Team.ID, Subcommand: "interactivity", Result: result, Err: why})
		_ = c.Ack(*evt.Request)
		return
	}
	var payload []any
	if ack := b.interact("socket", &cb); ack != nil {
		payload = append(payload, ack)
	}
	if err := c.Ack(*evt.Request, payload...); err != nil {
		b.log.Error("socket mode: cannot acknowledge the interaction", "error", err)
	}
}

// onSocketEvent takes one Events API envelope: acknowledged at once and answered
// in the background by the listener of its type, as over HTTP. An event already
// answered (a redelivered envelope, or Slack's retry of the event) carries the
// same event_id and is acknowledged without being answered again. An event that
// cannot be taken now (shutting down, too many at once) is left unacknowledged,
// so that Slack sends it again.
func (b *Bot) onSocketEvent(evt *socketmode.Event, c *socketmode.Client) {
	if evt.Request == nil {
		b.log.Warn("socket mode: events_api event without its envelope")
		return
	}
	ack := func() {
		if err := c.Ack(*evt.Request); err != nil {
			b.log.Error("socket mode: cannot acknowledge the event", "error", err)
		}
	}
	env, err := decodeEvent(evt.Request.Payload)
	if err != nil {
		ack() // it would not decode any better the next time
		b.log.Warn("socket mode: event refused", "error", err)
		return
	}
	if env.Type != eventCallback {
		ack()
		b.log.Debug("socket mode: ignored event payload", "type", env.Type)
		return
	}
	if status := b.acceptEvent("socket", env, strconv.Itoa(evt.Request.RetryAttempt)); status == http.StatusOK {
		ack()
	}
}
