package slackbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/internal/receiver"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// Defaults of [Config].
const (
	// DefaultCommand is the slash command.
	DefaultCommand = "/gitscrum"
	// DefaultInlineBudget is how long a command may take to be answered inline.
	// Slack shows an error when no answer comes within 3 s; a slower command is
	// acknowledged at this point and answered through its response_url.
	DefaultInlineBudget = 2 * time.Second
	// DefaultJobTimeout bounds one command's work with GitScrum.
	DefaultJobTimeout = 60 * time.Second
	// DefaultPostTimeout bounds one post to a response_url.
	DefaultPostTimeout = 10 * time.Second
	// DefaultDeliveryTimeout bounds the delivery of one answer to its response_url,
	// every attempt and Retry-After wait included.
	DefaultDeliveryTimeout = 2 * time.Minute
	// MaxResponsePosts is the most posts made to one response_url: Slack accepts 5.
	MaxResponsePosts = 5
	// ShutdownPostTimeout is how long an answer still being posted to its
	// response_url may take once [Bot.Close] stopped waiting: the post under way
	// (or the first) completes within it, without retries, so that the answer to a
	// write GitScrum applied is not lost to a shutdown. Close returns at most this
	// much after its context ends.
	ShutdownPostTimeout = 5 * time.Second
)

// Config configures a [Bot]. Only Client is required.
type Config struct {
	// Client talks to GitScrum with the bot's own token (GITSCRUM_TOKEN): for
	// everyone when Accounts is nil, else for the people who have not linked
	// their account, as far as Fallback lets it.
	Client *gitscrum.Client
	// Accounts, when set, turns account linking on: each person who linked their
	// GitScrum account (/gitscrum connect) acts with their own token. ConnectURL
	// is then required. *accounts.Service satisfies it.
	Accounts Accounts
	// ConnectURL returns the URL of the connect page of a one-time link's secret
	// (web.ConnectURL under GITSCRUM_PUBLIC_URL).
	ConnectURL func(secret string) string
	// Fallback says what the bot's token does for people without a working linked
	// account (GITSCRUM_SLACK_FALLBACK); default FallbackRead with Accounts,
	// FallbackAll without (none and read need Accounts).
	Fallback Fallback
	// AdminUsers are the Slack user IDs allowed to change a channel's settings
	// (SLACK_ADMIN_USERS), besides the Slack workspace's admins and owners.
	AdminUsers []string
	// Workspace is the default GitScrum workspace slug (GITSCRUM_COMPANY_SLUG).
	// A command uses workspace=<slug> when given, else the channel's default
	// (/gitscrum config workspace), else the person's linked workspace, else this.
	Workspace string
	// SigningSecret verifies HTTP requests (SLACK_SIGNING_SECRET). Required by
	// [Bot.Handler]; unused in Socket Mode.
	SigningSecret string
	// WriteUsers are the Slack user IDs allowed to create and update clients
	// (SLACK_WRITE_USERS). With the bot's token, only they may, and with none
	// nobody may; for a person acting with their own linked token, none means
	// everyone GitScrum lets write, and a list is an extra gate.
	WriteUsers []string
	// ReadOnly refuses creates and updates for everyone.
	ReadOnly bool
	// Command is the slash command as shown in help and usage; default
	// [DefaultCommand].
	Command string
	// InlineBudget is how long to wait for an answer before acknowledging and
	// posting the answer to the response_url; default [DefaultInlineBudget].
	InlineBudget time.Duration
	// JobTimeout bounds one command's work; default [DefaultJobTimeout].
	JobTimeout time.Duration
	// PostTimeout bounds one post to a response_url; default [DefaultPostTimeout].
	PostTimeout time.Duration
	// DeliveryTimeout bounds all the posts of one answer; default
	// [DefaultDeliveryTimeout].
	DeliveryTimeout time.Duration
	// Store is the state store shared by the replicas (the audit log of writes,
	// history, create records, channel defaults); nil keeps no state beyond the
	// process. Give it as
	// ReplayStore too, so that replicas share their replay and event ids.
	Store *store.Store
	// ReplayStore remembers the signed requests accepted over HTTP (Socket Mode
	// envelopes have a store of their own), to refuse them a second time; default
	// NewMemoryReplayStore(DefaultReplayCapacity). Replicas must share one.
	ReplayStore ReplayStore
	// ResponseURLPrefixes are the URL prefixes a command's response_url must start
	// with to be posted to (compared on the parsed URL: scheme, host, port, then
	// path); default [DefaultResponseURLPrefixes]. See [ParseResponseURLPrefixes].
	ResponseURLPrefixes []string
	// BotToken (SLACK_BOT_TOKEN, xoxb-…) lets the bot call Slack's Web API in both
	// transports: open and update modals, post messages. Without it the slash
	// command works as before and the interactive parts say what is missing.
	BotToken string
	// APIURL is Slack's Web API base URL (SLACK_API_URL); default [DefaultAPIURL].
	APIURL string
	// MaxEventJobs bounds the Events API events (mentions, DMs) answered at once;
	// default [DefaultMaxEventJobs]. One more is refused (503 over HTTP, not
	// acknowledged over Socket Mode) and Slack sends it again later.
	MaxEventJobs int
	// MaxJobs bounds the background work run at once, whatever the transport:
	// commands past the inline budget, clicks, submissions, events and their
	// follow-ups; default [DefaultMaxJobs]. As many more may wait up to [JobWait]
	// for a place; beyond that, or after waiting in vain, the person is told the
	// bot is busy (outcome unavailable) and an event is refused with 503.
	MaxJobs int
	// HTTPClient posts to response_urls; default a client of its own. Redirects
	// are never followed, whatever its CheckRedirect.
	HTTPClient *http.Client
	// Logger receives one record per command (user ID, subcommand, latency,
	// outcome) and transport events; default discards.
	Logger *slog.Logger
	// OnOutcome, when set, is told how every command ended, e.g. for metrics, and
	// every interaction (Subcommand "action:<action_id>", "view:<callback_id>",
	// "options:<action_id>") and answered event ("event:<type>"). It must be safe
	// for concurrent use and fast.
	OnOutcome func(Outcome)
}

// Bot answers the slash command. It is safe for concurrent use. Create one with
// [New]; serve it over HTTP with [Bot.Handler] or over Socket Mode with
// [Bot.RunSocketMode]; stop it with [Bot.Close].
type Bot struct {
	cfg          Config
	responseURLs responseURLPolicy
	access       access
	fallback     Fallback              // Config.Fallback or its default
	admins       map[string]bool       // Config.AdminUsers
	channels     store.ChannelSettings // the channel defaults; nil without Config.Store
	log          *slog.Logger
	web          *slack.Client // nil without Config.BotToken
	eventSlots   chan struct{} // one token per event being answered
	router       *router       // the listeners, by command, action, view, options and event
	recv         *receiver.Receiver
	// jobs runs all the background work; its context bounds all the work of the
	// bot, and Close cancels it when draining takes too long.
	jobs *receiver.Jobs
	ctx  context.Context
}

// New returns a Bot for cfg with the defaults filled in.
func New(cfg Config) (*Bot, error) {
	if cfg.Client == nil {
		return nil, errors.New("slackbot: Config.Client is required")
	}
	if cfg.Command == "" {
		cfg.Command = DefaultCommand
	}
	if err := CheckCommand(cfg.Command); err != nil {
		return nil, fmt.Errorf("slackbot: %w", err)
	}
	for _, id := range cfg.WriteUsers {
		if !userIDPattern.MatchString(id) {
			return nil, fmt.Errorf("slackbot: write user %q is not a Slack user ID", id)
		}
	}
	admins := make(map[string]bool, len(cfg.AdminUsers))
	for _, id := range cfg.AdminUsers {
		if !userIDPattern.MatchString(id) {
			return nil, fmt.Errorf("slackbot: admin user %q is not a Slack user ID", id)
		}
		admins[id] = true
	}
	fallback, err := checkLinking(cfg)
	if err != nil {
		return nil, err
	}
	cfg.InlineBudget = positive(cfg.InlineBudget, DefaultInlineBudget)
	cfg.JobTimeout = positive(cfg.JobTimeout, DefaultJobTimeout)
	cfg.PostTimeout = positive(cfg.PostTimeout, DefaultPostTimeout)
	cfg.DeliveryTimeout = positive(cfg.DeliveryTimeout, DefaultDeliveryTimeout)
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: cfg.PostTimeout, Transport: ownTransport()}
	}
	hc := *cfg.HTTPClient
	hc.CheckRedirect = noRedirects
	cfg.HTTPClient = &hc
	responseURLs, err := newResponseURLPolicy(cfg.ResponseURLPrefixes)
	if err != nil {
		return nil, fmt.Errorf("slackbot: %w", err)
	}
	if cfg.BotToken != "" && !strings.HasPrefix(cfg.BotToken, "xoxb-") {
		return nil, errors.New("slackbot: the bot token must start with xoxb-")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ReplayStore == nil {
		cfg.ReplayStore = NewMemoryReplayStore(DefaultReplayCapacity)
	}
	if cfg.MaxEventJobs <= 0 {
		cfg.MaxEventJobs = DefaultMaxEventJobs
	}
	b := &Bot{
		cfg:          cfg,
		responseURLs: responseURLs,
		access:       newAccess(cfg.WriteUsers, cfg.ReadOnly),
		fallback:     fallback,
		admins:       admins,
		log:          cfg.Logger,
		web:          newWebAPI(cfg),
		eventSlots:   make(chan struct{}, cfg.MaxEventJobs),
		jobs:         receiver.NewJobs(cfg.JobTimeout, receiver.Limits{Max: cfg.MaxJobs, Wait: JobWait}, cfg.Logger),
	}
	if cfg.Store != nil {
		b.channels = cfg.Store
	}
	b.ctx = b.jobs.Context()
	b.router = newRouter(b)
	b.recv = &receiver.Receiver{App: (*app)(b), SigningSecret: cfg.SigningSecret, Store: cfg.ReplayStore, Log: cfg.Logger, Ctx: b.ctx}
	return b, nil
}

// checkLinking checks the account linking settings of cfg and returns the
// fallback in force.
func checkLinking(cfg Config) (Fallback, error) {
	f, err := ParseFallback(string(cfg.Fallback))
	if err != nil {
		return "", fmt.Errorf("slackbot: %w", err)
	}
	linking := cfg.Accounts != nil
	switch {
	case linking && cfg.ConnectURL == nil:
		return "", errors.New("slackbot: Config.ConnectURL is required with Config.Accounts: the connect links need the public URL of the pages (GITSCRUM_PUBLIC_URL)")
	case !linking && f != "" && f != FallbackAll:
		return "", fmt.Errorf("slackbot: %s=%s needs account linking, which is off: give gitscrum-slack %s, a database and GITSCRUM_PUBLIC_URL, or use %s=all",
			EnvFallback, f, accounts.EnvKey, EnvFallback)
	}
	return f.orDefault(linking), nil
}

func positive(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// EnvCommand names the environment variable that sets the slash command.
const EnvCommand = "SLACK_COMMAND"

// commandPattern is the form Slack gives a slash command: a slash and at most 31
// lower-case letters, digits, dashes and underscores (the Slack app settings also
// allow other scripts' letters).
var commandPattern = regexp.MustCompile(`^/[\p{Ll}\p{Lo}\p{Nd}_-]{1,31}$`)

// CheckCommand reports whether s is a slash command as Slack names them, such as
// "/gitscrum": a slash and at most 31 lower-case letters, digits, - or _.
func CheckCommand(s string) error {
	if !commandPattern.MatchString(s) {
		return fmt.Errorf("command %q must be a slash and 1 to 31 lower-case letters, digits, - or _, like %s", clipRunes(s, 40), DefaultCommand)
	}
	return nil
}

// clipRunes cuts s to at most n characters, for an error message.
func clipRunes(s string, n int) string {
	if cut, dropped := blockkit.Truncate(s, n); dropped > 0 {
		return cut + "…"
	}
	return s
}

// Close stops taking commands and waits for those in flight (their answers
// included) until ctx is done; then it cancels their work with GitScrum, lets the
// answers already on their way be posted (at most [ShutdownPostTimeout] more; a
// command cut short answers that it was, ending as canceled) and returns ctx's
// error.
func (b *Bot) Close(ctx context.Context) error {
	if err := b.jobs.Close(ctx); err != nil {
		return fmt.Errorf("slackbot: draining in-flight commands: %w", err)
	}
	return nil
}
