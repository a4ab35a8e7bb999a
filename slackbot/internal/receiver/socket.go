package receiver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
)

// envelopeKeyPrefix keys Socket Mode envelope ids in the ReplayStore, apart from
// signatures and event ids.
const envelopeKeyPrefix = "socket-envelope:"

// errRedelivered refuses a Socket Mode envelope that was already received.
var errRedelivered = errors.New("this Socket Mode envelope was already received: acknowledged, not run again")

// serve hands req to the App, recovering a panic: it is logged and answered.
func (rc *Receiver) serve(req *Request) (resp Response) {
	defer func() {
		if p := recover(); p != nil {
			err := recovered(rc.Log, kindName(req.Kind), p)
			resp = rc.App.Panicked(req, err)
		}
	}()
	return rc.App.Serve(req)
}

// kindName names a kind of request, for the log.
func kindName(k Kind) string {
	switch k {
	case Command:
		return "command"
	case Interaction:
		return "interaction"
	}
	return "event"
}

// RunSocketMode answers the slash commands, interactivity and events arriving
// over client's Socket Mode connection until ctx is done, acknowledging each
// envelope with the App's answer. It returns nil when ctx ends it, or the error
// that ended the connection for good (such as an invalid token).
func (rc *Receiver) RunSocketMode(ctx context.Context, client *socketmode.Client) error {
	h := socketmode.NewSocketmodeHandler(client)
	h.Handle(socketmode.EventTypeSlashCommand, rc.onSocketCommand)
	h.Handle(socketmode.EventTypeInteractive, rc.onSocketInteractive)
	h.Handle(socketmode.EventTypeEventsAPI, rc.onSocketEvent)
	for _, et := range []socketmode.EventType{socketmode.EventTypeConnecting, socketmode.EventTypeConnected, socketmode.EventTypeHello, socketmode.EventTypeDisconnect} {
		h.Handle(et, func(evt *socketmode.Event, _ *socketmode.Client) {
			rc.Log.Debug("socket mode", "event", string(evt.Type))
		})
	}
	for _, et := range []socketmode.EventType{socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed, socketmode.EventTypeErrorBadMessage} {
		h.Handle(et, func(evt *socketmode.Event, _ *socketmode.Client) {
			rc.Log.Warn("socket mode", "event", string(evt.Type), "detail", socketEventDetail(evt))
		})
	}
	h.HandleDefault(func(evt *socketmode.Event, c *socketmode.Client) {
		rc.Log.Debug("socket mode: ignored event", "event", string(evt.Type))
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

// redelivered reports whether the envelope envelopeID was received before, as
// a refusal: it must be acknowledged without running again. Socket Mode has no
// signatures to replay: only Slack can send on the connection the app opened
// with its token. But Slack sends an envelope again when its acknowledgement is
// late or lost, so envelope ids are remembered in Store for SignatureWindow.
// When the store cannot record the envelope, the request is refused as
// unavailable.
func (rc *Receiver) redelivered(envelopeID string) *Refusal {
	first, err := rc.Store.Remember(rc.Ctx, envelopeKeyPrefix+envelopeID, time.Now().Add(SignatureWindow))
	switch {
	case err != nil:
		return &Refusal{Status: http.StatusServiceUnavailable, Result: outcome.Unavailable, Err: fmt.Errorf("replay check: %w", err)}
	case !first:
		return &Refusal{Status: http.StatusUnauthorized, Result: outcome.Replayed, Err: errRedelivered}
	}
	return nil
}

// onSocketCommand answers one slash command through the acknowledgement.
func (rc *Receiver) onSocketCommand(evt *socketmode.Event, c *socketmode.Client) {
	sc, ok := evt.Data.(slack.SlashCommand)
	if !ok || evt.Request == nil {
		rc.Log.Warn("socket mode: slash command event without a command")
		return
	}
	rc.onEnvelope(evt, c, &Request{Kind: Command, Transport: Socket, Command: sc})
}

// onSocketInteractive answers one interactivity payload through the
// acknowledgement: options and view submission answers are its payload.
func (rc *Receiver) onSocketInteractive(evt *socketmode.Event, c *socketmode.Client) {
	cb, ok := evt.Data.(slack.InteractionCallback)
	if !ok || evt.Request == nil {
		rc.Log.Warn("socket mode: interactive event without a payload")
		if evt.Request != nil {
			_ = c.Ack(*evt.Request)
		}
		return
	}
	rc.onEnvelope(evt, c, &Request{Kind: Interaction, Transport: Socket, Interaction: &cb})
}

// onEnvelope refuses a redelivered envelope (acknowledged again, not run
// again) and answers any other through the App.
func (rc *Receiver) onEnvelope(evt *socketmode.Event, c *socketmode.Client, req *Request) {
	if rf := rc.redelivered(evt.Request.EnvelopeID); rf != nil {
		rc.ack(c, evt.Request, Response{Payload: rc.App.Refused(req, rf)})
		return
	}
	rc.ack(c, evt.Request, rc.serve(req))
}

// onSocketEvent takes one Events API envelope. An event the App cannot take now
// (503) is left unacknowledged, so that Slack sends it again.
func (rc *Receiver) onSocketEvent(evt *socketmode.Event, c *socketmode.Client) {
	if evt.Request == nil {
		rc.Log.Warn("socket mode: events_api event without its envelope")
		return
	}
	req := &Request{Kind: Event, Transport: Socket, Event: evt.Request.Payload, Retry: strconv.Itoa(evt.Request.RetryAttempt)}
	rc.ack(c, evt.Request, rc.serve(req))
}

// ack acknowledges an envelope with resp, unless resp asks Slack to send it
// again (503). A payload Slack cannot take is replaced by resp.Fallback's.
func (rc *Receiver) ack(c *socketmode.Client, r *socketmode.Request, resp Response) {
	if resp.Status == http.StatusServiceUnavailable {
		return
	}
	var payload []any
	if resp.Payload != nil {
		payload = append(payload, resp.Payload)
	}
	err := c.Ack(*r, payload...)
	if err != nil && resp.Fallback != nil {
		rc.Log.Warn("socket mode: the answer does not fit the acknowledgement", "error", err)
		err = c.Ack(*r, resp.Fallback(err))
	}
	if err != nil {
		rc.Log.Error("socket mode: cannot acknowledge", "error", err)
	}
}
