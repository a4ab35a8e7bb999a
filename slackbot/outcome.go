package slackbot

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// Outcome is how one slash command ended. The Bot logs it and hands it to
// Config.OnOutcome; it is the one place where every command's outcome is known.
type Outcome struct {
	// Transport is "http" or "socket".
	Transport string
	// UserID and TeamID identify who ran the command.
	UserID, TeamID string
	// Subcommand is the command's name ("list", "show", …), or "" when the command
	// line could not be read.
	Subcommand string
	// Result is one of the Result… constants: a word of the outcome vocabulary
	// that logs and metrics share.
	Result string
	// CommandResult, when Result is ResultReplyLost, is how the command itself
	// ended (ResultOK for a write that was applied) though its answer never
	// reached Slack.
	CommandResult string
	// Latency is the time from the command's arrival until its answer was ready.
	Latency time.Duration
	// Deferred reports an answer posted to the response_url after an
	// acknowledgement.
	Deferred bool
	// DeliveryErr is why a deferred answer could not be posted, or nil.
	DeliveryErr error
	// Err is the error the command failed with, or nil. It never holds a token.
	Err error
}

// record logs how a request ended and tells Config.OnOutcome: the one recorder
// of every command, interaction ("action:…", "view:…", "options:…") and event
// ("event:…"). extra attributes go to the log line only; a "subcommand" among
// them replaces o.Subcommand there (an event names the command it ran).
func (b *Bot) record(o Outcome, extra ...slog.Attr) {
	if o.Result == "" {
		o.Result = ResultOK
	}
	level := slog.LevelInfo
	switch {
	case o.DeliveryErr != nil, o.Result == ResultInternal, o.Result == ResultError, o.Result == ResultReplyLost:
		level = slog.LevelError
	case o.Result == ResultUnavailable, o.Result == ResultRateLimited, o.Result == ResultReplayed,
		errors.Is(o.Err, gitscrum.ErrUnauthorized), errors.Is(o.Err, gitscrum.ErrForbidden):
		// GitScrum's trouble, a refused token (an admin must act) or a replay.
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("transport", o.Transport),
		slog.String("user_id", o.UserID),
		slog.String("team_id", o.TeamID),
	}
	if !slices.ContainsFunc(extra, func(a slog.Attr) bool { return a.Key == "subcommand" }) {
		attrs = append(attrs, slog.String("subcommand", o.Subcommand))
	}
	attrs = append(attrs,
		slog.String("outcome", o.Result),
		slog.Duration("latency", o.Latency),
		slog.Bool("deferred", o.Deferred),
	)
	if o.Err != nil && o.Result != ResultOK {
		attrs = append(attrs, slog.String("error", o.Err.Error()))
	}
	if o.CommandResult != "" {
		attrs = append(attrs, slog.String("command_outcome", o.CommandResult))
	}
	if o.DeliveryErr != nil {
		attrs = append(attrs, slog.String("delivery_error", o.DeliveryErr.Error()))
	}
	msg := "slash command"
	if event, ok := strings.CutPrefix(o.Subcommand, "event:"); ok {
		msg = "slack event"
		attrs = append(attrs, slog.String("event", event))
	}
	b.log.LogAttrs(context.Background(), level, msg, append(attrs, extra...)...)
	if b.cfg.OnOutcome != nil {
		b.cfg.OnOutcome(o)
	}
}
