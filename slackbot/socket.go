package slackbot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/internal/receiver"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/internal/socketmode"
)

// Defaults of [SocketLimits]; docs/operations.md explains each.
const (
	DefaultSocketReadLimit      = socketmode.DefaultReadLimit
	DefaultSocketWriteTimeout   = socketmode.DefaultWriteTimeout
	DefaultSocketPingInterval   = socketmode.DefaultPingInterval
	DefaultSocketPongTimeout    = socketmode.DefaultPongTimeout
	DefaultSocketMessageTimeout = socketmode.DefaultMessageTimeout
	DefaultSocketMinBackoff     = socketmode.DefaultMinBackoff
	DefaultSocketMaxBackoff     = socketmode.DefaultMaxBackoff
	DefaultSocketStableAfter    = socketmode.DefaultStableAfter
	DefaultSocketAuthFailures   = socketmode.DefaultMaxAuthFailures
	DefaultEnvelopeWindow       = receiver.DefaultEnvelopeWindow
	DefaultMaxEnvelopes         = receiver.DefaultMaxEnvelopes
	DefaultUserRate             = receiver.DefaultUserRate
	DefaultUserBurst            = receiver.DefaultUserBurst
)

// SocketLimits bound a Socket Mode connection against a Slack, a network or a
// member that misbehaves. A zero field takes its default (the Default… constants).
type SocketLimits struct {
	// ReadLimit bounds one message from Slack, in bytes: a larger one closes the
	// connection, which is opened again. Envelope payloads over MaxBodyBytes are
	// refused as HTTP bodies are.
	ReadLimit int64
	// WriteTimeout bounds each write; a write that fails closes the connection,
	// which is opened again.
	WriteTimeout time.Duration
	// PingInterval is how often Slack is pinged; PongTimeout closes a
	// connection that sent no pong (nor any other frame) for that long.
	PingInterval, PongTimeout time.Duration
	// MessageTimeout bounds the reading of one message once its first frame
	// came: pings do not keep an unfinished message alive.
	MessageTimeout time.Duration
	// MinBackoff and MaxBackoff bound the wait before connecting again, one
	// backoff across reconnects and failed apps.connections.open calls; it goes
	// back to MinBackoff only after a connection lasted StableAfter.
	MinBackoff, MaxBackoff, StableAfter time.Duration
	// MaxAuthFailures is how many refusals of the app token in a row end
	// RunSocketMode; any other failure is retried.
	MaxAuthFailures int
	// EnvelopeWindow and MaxEnvelopes bound the envelope ids remembered to
	// refuse a redelivery; when full the oldest is forgotten.
	EnvelopeWindow time.Duration
	MaxEnvelopes   int
	// UserRate (envelopes a second) and UserBurst bound each person: over them
	// a command is answered "slow down" and nothing runs.
	UserRate  float64
	UserBurst int
}

// SocketClient is a Socket Mode connection to Slack, opened by
// [Bot.RunSocketMode].
type SocketClient struct {
	api *slack.Client
	log *slog.Logger
	// Limits bound the connection; set them before RunSocketMode.
	Limits SocketLimits
}

// NewSocketClient returns a Socket Mode client for an app-level token (xapp-…,
// with the connections:write scope) and the bot token (xoxb-…). Its logs go to
// logger. opts are applied to the underlying slack.Client that opens the
// connections (tests point it at another API URL).
func NewSocketClient(appToken, botToken string, logger *slog.Logger, opts ...slack.Option) (*SocketClient, error) {
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
	return &SocketClient{api: api, log: logger}, nil
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
// (mentions, DMs) go through the same listeners as over HTTP. Every envelope is
// background work of the bot, within its bound. It returns nil when ctx ends it,
// or the error that ended the connection for good (an app token Slack refused
// client.Limits.MaxAuthFailures times in a row).
func (b *Bot) RunSocketMode(ctx context.Context, client *SocketClient) error {
	l := client.Limits
	conn := socketmode.New(client.api, client.log, socketmode.Options{
		ReadLimit: l.ReadLimit, WriteTimeout: l.WriteTimeout, PingInterval: l.PingInterval, PongTimeout: l.PongTimeout,
		MessageTimeout: l.MessageTimeout, MinBackoff: l.MinBackoff, MaxBackoff: l.MaxBackoff, StableAfter: l.StableAfter,
		MaxAuthFailures: l.MaxAuthFailures,
	})
	return b.recv.RunSocketMode(ctx, conn, b.jobs, receiver.SocketLimits{
		EnvelopeWindow: l.EnvelopeWindow, MaxEnvelopes: l.MaxEnvelopes, UserRate: l.UserRate, UserBurst: l.UserBurst,
	})
}
