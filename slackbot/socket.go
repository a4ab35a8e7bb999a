package slackbot

import (
	"context"
	"errors"
	"log/slog"
	"strings"

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
	return b.recv.RunSocketMode(ctx, client)
}
