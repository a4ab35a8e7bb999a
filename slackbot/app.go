package slackbot

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/internal/receiver"
)

// app is the Bot as the receiver's App: it answers the requests the receiver
// verified, whatever their transport.
type app Bot

var _ receiver.App = (*app)(nil)

// Serve answers one verified request: a command, an interaction or an event.
// It implements receiver.App.
func (a *app) Serve(req *receiver.Request) receiver.Response {
	b := (*Bot)(a)
	switch req.Kind {
	case receiver.Command:
		sc := req.Command
		msg := b.dispatch(req.Transport, sc, req.Gone)
		if msg == nil { // answered another way, such as a modal opened
			return receiver.Response{}
		}
		return receiver.Response{Payload: msg, Fallback: func(error) any {
			// Slack drops Socket Mode payloads of 20 KB or more: acknowledge briefly
			// and post the whole answer to the response_url.
			b.deliverLater(sc.ResponseURL, msg)
			return blockkit.Message(msg.ResponseType, "The answer follows in a moment.", blockkit.Context(blockkit.Ours(":hourglass_flowing_sand: The answer follows in a moment.")))
		}}
	case receiver.Interaction:
		if ack := b.interact(req.Transport, req.Interaction); ack != nil {
			return receiver.Response{Payload: ack}
		}
		return receiver.Response{}
	}
	return b.serveEvent(req)
}

// Refused records a request the receiver refused and returns what to
// acknowledge it with over Socket Mode. It implements receiver.App.
func (a *app) Refused(req *receiver.Request, rf *receiver.Refusal) any {
	b := (*Bot)(a)
	switch req.Kind {
	case receiver.Command:
		b.record(Outcome{Transport: req.Transport, UserID: req.Command.UserID, TeamID: req.Command.TeamID, Result: rf.Result, Err: rf.Err})
		switch {
		case rf.Result == ResultUnavailable:
			return errorMessage(b.cfg.Command, blockkit.Ours("gitscrum-slack is too busy to take this command."), blockkit.Ours("Try again in a minute."), nil)
		case rf.Status == http.StatusTooManyRequests: // over the per-person rate (Socket Mode)
			return errorMessage(b.cfg.Command, blockkit.Ours("Slow down: you sent more commands than gitscrum-slack takes from one person at a time."), blockkit.Ours("Wait a few seconds, then try again."), nil)
		}
	case receiver.Interaction:
		o := Outcome{Transport: req.Transport, Subcommand: "interactivity", Result: rf.Result, Err: rf.Err}
		if cb := req.Interaction; cb != nil {
			o.UserID, o.TeamID = cb.User.ID, cb.Team.ID
		}
		b.record(o)
	case receiver.Event:
		level := slog.LevelInfo
		if rf.Status == http.StatusUnauthorized || rf.Status == http.StatusServiceUnavailable || rf.Status == http.StatusRequestEntityTooLarge {
			level = slog.LevelWarn
		}
		b.log.Log(context.Background(), level, "slack event refused", "transport", req.Transport, "status", rf.Status, "error", rf.Err.Error())
	}
	return nil
}

// Panicked answers a request whose handling panicked (the receiver logged it):
// the person is told something went wrong, and the outcome is an internal
// error. It implements receiver.App.
func (a *app) Panicked(req *receiver.Request, err error) receiver.Response {
	b := (*Bot)(a)
	switch req.Kind {
	case receiver.Command:
		sc := req.Command
		b.record(Outcome{Transport: req.Transport, UserID: sc.UserID, TeamID: sc.TeamID, Result: ResultInternal, Err: err})
		return receiver.Response{Payload: b.internalError(err).msg}
	case receiver.Interaction:
		cb := req.Interaction
		ia := &interaction{transport: req.Transport, cb: cb}
		b.recordInteraction(ia, "interactivity", ResultInternal, err)
		switch cb.Type {
		case slack.InteractionTypeViewSubmission:
			return receiver.Response{Payload: nameErrors("Nothing saved: something went wrong inside gitscrum-slack. Try again; if it keeps failing, tell the admin.")}
		case slack.InteractionTypeBlockSuggestion:
			return receiver.Response{Payload: noOptions()}
		}
		b.jobs.Spawn("interactivity (answering a panic)", func(ctx context.Context) {
			if aerr := b.answer(ctx, ia, b.internalError(err).msg, false); aerr != nil {
				b.log.Warn("cannot tell the user a click failed", "error", aerr)
			}
		}, nil)
		return receiver.Response{}
	}
	// An event that panicked would panic again: acknowledged, not retried.
	return receiver.Response{}
}
