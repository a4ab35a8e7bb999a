// Command gitscrum-slack serves the GitScrum Slack app: the /gitscrum slash command,
// its events (mentions, direct messages, App Home) and its interactivity (buttons,
// modals, the client picker). It serves them over HTTP (endpoints /slack/commands,
// /slack/events and /slack/interactivity, verified with SLACK_SIGNING_SECRET) or
// over Socket Mode (SLACK_APP_TOKEN and SLACK_BOT_TOKEN, or --socket-mode).
//
//	gitscrum-slack --sandbox                         # HTTP on :8080, demo data
//	gitscrum-slack manifest --url https://bot.example # the Slack app manifest
//
// In HTTP mode, GET /metrics on the same listener serves Prometheus metrics
// (GitScrum requests, retries and latency, commands by outcome, requests in
// flight) without a signature, since they hold no user data; restrict it at your
// proxy when the port is public, or turn it off with --no-metrics. Socket Mode has no
// listener, so it has no metrics.
//
// In HTTP mode the listener reads a request's body (at most 64 KiB, within 5 s)
// before anything else, then serves at most --max-in-flight requests at once; more
// wait their turn, at most --max-queue of them for up to --queue-wait (default 1 s)
// each, then get 503 with Retry-After (/healthz and /metrics are always answered).
// It keeps at most --max-conns connections open, closing idle ones first.
//
// The state store (--database, GITSCRUM_DATABASE_URL) remembers the signed
// requests and Events API event ids already answered, so a replay after a restart
// or onto another replica is refused, and holds the create locks and the audit log.
// A SQLite file (the default, under $XDG_STATE_HOME/gitscrum-bridge) means exactly
// one replica; replicas share one postgres:// database. --sandbox without a
// database keeps it in memory. /healthz says "store": "starting", "ok" or
// "degraded".
//
// Run gitscrum-slack --help for every flag and environment variable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/metrics"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/settings"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/upstream"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/version"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/web"
)

// Environment variables read besides those of internal/upstream.
const (
	envSigningSecret = "SLACK_SIGNING_SECRET"
	envAppToken      = "SLACK_APP_TOKEN"
	envBotToken      = "SLACK_BOT_TOKEN"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// config is everything gitscrum-slack is told by flags and environment.
type config struct {
	upstream upstream.Config
	settings.Settings
	addr          string
	noMetrics     bool
	socketMode    bool
	writeUsers    string
	command       string
	responseURLs  string
	drainTimeout  time.Duration
	version       bool
	signingSecret string // env only: flags show in process listings
	appToken      string
	botToken      string
	apiURL        string
	maxJobs       int
	state         state.Config
	linking       linkingConfig
	addrSet       bool // --addr was given: Socket Mode serves the connect pages on it
}

// run is main without the process: it returns the exit code. Cancelling ctx, like
// SIGINT or SIGTERM, shuts the server down cleanly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "manifest" {
		return runManifest(args[1:], getenv, stdout, stderr)
	}
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "gitscrum-slack:", err)
		return 2
	}
	if cfg.version {
		fmt.Fprintln(stdout, version.Line("gitscrum-slack", version.Current()))
		return 0
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = serve(ctx, cfg, logger)
	var failed *startError
	switch {
	case errors.As(err, &failed):
		logger.Error("gitscrum-slack cannot start", "error", failed.err)
		return 1
	case err != nil:
		logger.Error("gitscrum-slack stopped", "error", err)
		return 1
	}
	logger.Info("gitscrum-slack stopped")
	return 0
}

// startError is a failure before serving began (the listener, GitScrum, the bot):
// nothing was served, so it is logged as one error, without "starting" or "stopped".
type startError struct{ err error }

func (e *startError) Error() string { return e.err.Error() }
func (e *startError) Unwrap() error { return e.err }

// parseConfig reads the environment, then the flags, which win.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	up, err := upstream.FromEnv(getenv)
	if err != nil {
		return config{}, err
	}
	shared, err := settings.FromEnv(getenv)
	if err != nil {
		return config{}, err
	}
	if strings.TrimSpace(getenv(settings.EnvQueueWait)) == "" {
		shared.QueueWait = queueWait
	}
	cfg := config{
		upstream:      up,
		Settings:      shared,
		writeUsers:    getenv(slackbot.EnvWriteUsers),
		command:       envOr(getenv, slackbot.EnvCommand, slackbot.DefaultCommand),
		responseURLs:  envOr(getenv, slackbot.EnvResponseURLPrefixes, strings.Join(slackbot.DefaultResponseURLPrefixes, ",")),
		signingSecret: strings.TrimSpace(getenv(envSigningSecret)),
		appToken:      strings.TrimSpace(getenv(envAppToken)),
		botToken:      strings.TrimSpace(getenv(envBotToken)),
		apiURL:        envOr(getenv, slackbot.EnvAPIURL, slackbot.DefaultAPIURL),
		drainTimeout:  25 * time.Second,
		maxJobs:       slackbot.DefaultMaxJobs,
	}
	if err := settings.FromEnvVar(getenv, slackbot.EnvMaxJobs, &cfg.maxJobs, settings.ParseBound); err != nil {
		return config{}, err
	}
	if cfg.state, err = state.FromEnv(getenv); err != nil {
		return config{}, err
	}
	cfg.linking.fromEnv(getenv)
	fs := flag.NewFlagSet("gitscrum-slack", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.upstream.RegisterFlags(fs)
	fs.StringVar(&cfg.addr, "addr", ":8080", "HTTP mode: address to listen on for "+strings.Join([]string{slackbot.CommandsPath,
		slackbot.EventsPath, slackbot.InteractivityPath, slackbot.HealthPath, metrics.Path}, ", "))
	settings.BoolVar(fs, &cfg.noMetrics, "no-metrics", "HTTP mode: do not serve Prometheus metrics at "+metrics.Path+" (Socket Mode has none)")
	settings.BoolVar(fs, &cfg.socketMode, "socket-mode", "use Socket Mode (needs "+envAppToken+"); the default when "+envAppToken+" and "+envBotToken+" are both set")
	fs.StringVar(&cfg.writeUsers, "write-users", cfg.writeUsers, "Slack user IDs allowed to create and update clients, comma-separated (env "+slackbot.EnvWriteUsers+")")
	fs.StringVar(&cfg.command, "command", cfg.command, "the slash command this app answers; requests for another are refused (env "+slackbot.EnvCommand+")")
	fs.StringVar(&cfg.apiURL, "slack-api-url", cfg.apiURL, "Slack Web API base URL, for every Slack client of the bot (env "+slackbot.EnvAPIURL+")")
	fs.StringVar(&cfg.responseURLs, "response-url-prefixes", cfg.responseURLs, "comma-separated URL prefixes a command's response_url must start with to be posted to (env "+slackbot.EnvResponseURLPrefixes+")")
	cfg.RegisterFlags(fs, "refuse creates and updates for everyone")
	settings.BoundVar(fs, &cfg.maxJobs, "max-jobs", "run at most `n` pieces of background work at once (commands past the inline budget, clicks, submissions, events), "+
		"as many more wait briefly; beyond that the person is told the bot is busy (env "+slackbot.EnvMaxJobs+")")
	cfg.state.RegisterFlags(fs)
	cfg.linking.registerFlags(fs)
	settings.WaitVar(fs, &cfg.drainTimeout, "drain-timeout", "on SIGINT/SIGTERM, how long to let commands in flight finish, a `duration`")
	settings.BoolVar(fs, &cfg.version, "version", "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: gitscrum-slack [flags]
       gitscrum-slack manifest [--url https://host]

Serves the GitScrum Slack app: the /gitscrum slash command, events (mentions,
direct messages, App Home) and interactivity (buttons, modals, the client picker),
over HTTP or Socket Mode. manifest prints the app's manifest for api.slack.com.

Environment:
  GITSCRUM_TOKEN         GitScrum API token (not needed with --sandbox)
  GITSCRUM_API_URL       GitScrum API base URL (default %s)
  GITSCRUM_COMPANY_SLUG  default workspace; workspace=<slug> on a command overrides it
  GITSCRUM_TIMEOUT       bound for one GitScrum call, e.g. 15s
  GITSCRUM_CACHE_TTL     how long a workspace's client list is served from memory, e.g. 30s; 0 turns it off
  GITSCRUM_READ_ONLY     1 to refuse creates and updates
  GITSCRUM_LOG_LEVEL     debug, info (default), warn or error
  GITSCRUM_MAX_IN_FLIGHT HTTP mode: requests served at once (default %d)
  GITSCRUM_MAX_QUEUE     HTTP mode: requests waiting for a slot at once (default %d)
  GITSCRUM_QUEUE_WAIT    HTTP mode: how long one waits for a slot (default %s)
  GITSCRUM_MAX_CONNS     HTTP mode: connections open at once (default %d)
  GITSCRUM_MAX_UPSTREAM  requests to GitScrum at once, for the process (default %d)
  GITSCRUM_SLACK_MAX_JOBS background work run at once (default %d)
  GITSCRUM_DATABASE_URL  the state store: a SQLite file (one replica) or postgres://… (replicas)
  GITSCRUM_DB_MAX_CONNS  connections to the state store's database (0: 10 on PostgreSQL, 4 on SQLite)
  GITSCRUM_DB_MAX_IDLE_CONNS idle connections kept (0: half of the above)
  GITSCRUM_AUDIT_RETENTION how long audit entries are kept (default 90d; 0 keeps them)
  GITSCRUM_CREATE_LOCK_TTL how long a replica that died holding a create lock blocks the name (default 1m)
  %-22s HTTP mode: the app's signing secret
  %-22s Socket Mode: app-level token (xapp-…, scope connections:write)
  %-22s bot token (xoxb-…): modals, buttons, mentions and DMs in both modes; with SLACK_APP_TOKEN, Socket Mode
  %-22s Slack user IDs allowed to write, e.g. U012ABCDEF,U034GHIJKL
  %-22s the slash command (default %s)
  %-28s response_url prefixes (default %s)
  %-22s Slack Web API base URL (default %s)

Flags (a flag wins over the environment):
`, gitscrum.DefaultBaseURL, httpserver.DefaultMaxInFlight, httpserver.DefaultMaxQueue, queueWait, httpserver.DefaultMaxConns, gitscrum.DefaultMaxUpstream, slackbot.DefaultMaxJobs, envSigningSecret, envAppToken, envBotToken, slackbot.EnvWriteUsers,
			slackbot.EnvCommand, slackbot.DefaultCommand, slackbot.EnvResponseURLPrefixes, strings.Join(slackbot.DefaultResponseURLPrefixes, ","),
			slackbot.EnvAPIURL, slackbot.DefaultAPIURL)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q (the only subcommand is manifest)", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) { cfg.addrSet = cfg.addrSet || f.Name == "addr" })
	if !cfg.socketMode && cfg.appToken != "" && cfg.botToken != "" {
		cfg.socketMode = true
	}
	if cfg.version {
		return cfg, nil
	}
	switch {
	case !cfg.upstream.Sandbox && cfg.upstream.Token == "":
		return config{}, errors.New("no GitScrum token: set GITSCRUM_TOKEN, or try the demo data with --sandbox")
	case cfg.socketMode && cfg.appToken == "":
		return config{}, fmt.Errorf("no %s: Socket Mode needs an app-level token (xapp-…)", envAppToken)
	case !cfg.socketMode && cfg.signingSecret == "":
		return config{}, fmt.Errorf("no %s: HTTP mode needs the app's signing secret (Basic Information → App Credentials); for Socket Mode set %s and %s", envSigningSecret, envAppToken, envBotToken)
	}
	if _, err := slackbot.ParseWriteUsers(cfg.writeUsers); err != nil {
		return config{}, err
	}
	if err := slackbot.CheckCommand(cfg.command); err != nil {
		return config{}, fmt.Errorf("--command (%s): %w", slackbot.EnvCommand, err)
	}
	if _, err := slackbot.ParseResponseURLPrefixes(cfg.responseURLs); err != nil {
		return config{}, err
	}
	if err := cfg.linking.check(cfg.upstream.Sandbox); err != nil {
		return config{}, err
	}
	return cfg, nil
}

// envOr returns the environment variable name, or def when it is unset or blank.
func envOr(getenv func(string) string, name, def string) string {
	if v := strings.TrimSpace(getenv(name)); v != "" {
		return v
	}
	return def
}

// serve runs the bot until ctx is done, then drains it. A failure before serving
// began is a *startError.
func serve(ctx context.Context, cfg config, logger *slog.Logger) error {
	writers, err := slackbot.ParseWriteUsers(cfg.writeUsers)
	if err != nil {
		return &startError{err}
	}
	responseURLs, err := slackbot.ParseResponseURLPrefixes(cfg.responseURLs)
	if err != nil {
		return &startError{err}
	}
	// Listen first: a port in use is the commonest failure to start, and nothing
	// else should be built (or logged as started) before it is known.
	var ln net.Listener
	if !cfg.socketMode || cfg.linking.wantsListener(cfg.addrSet, cfg.upstream.Sandbox) {
		if ln, err = net.Listen("tcp", cfg.addr); err != nil {
			return &startError{fmt.Errorf("listen on %s: %w", cfg.addr, err)}
		}
		defer ln.Close() // closed by the server once it serves; this covers the failures before
	}
	m := newMetrics(cfg)
	clientOpts := []gitscrum.Option{gitscrum.WithUserAgent(version.UserAgent())}
	if m != nil {
		clientOpts = append(clientOpts, gitscrum.WithObserver(m))
	}
	up, err := cfg.upstream.Open(logger, clientOpts...)
	if err != nil {
		return &startError{fmt.Errorf("gitscrum: %w", err)}
	}
	defer up.Close()
	if up.CompanySlug == "" {
		logger.Warn("no default workspace: every command needs workspace=<slug>; set GITSCRUM_COMPANY_SLUG")
	}
	// The store opens in the background; replicas on one PostgreSQL share their
	// replay and event ids through it.
	st, err := state.Open(ctx, cfg.state, state.Options{Sandbox: cfg.upstream.Sandbox, Metrics: m, Logger: logger})
	if err != nil {
		return &startError{err}
	}
	defer func() {
		if err := st.Close(); err != nil {
			logger.Warn("state store", "error", err)
		}
	}()
	up.Client = st.Coordinated(up.Client, cfg.state)
	if cfg.upstream.Sandbox && cfg.linking.publicURL == "" && ln != nil {
		cfg.linking.publicURL = sandboxPublicURL(ln.Addr())
	}
	admins, err := slackbot.ParseAdminUsers(cfg.linking.adminUsers)
	if err != nil {
		return &startError{err}
	}
	lk, err := openLinking(ctx, cfg.linking, cfg.upstream.Sandbox, st.Store, up.Client, logger)
	if err != nil {
		return &startError{err}
	}
	fallback, err := cfg.linking.fallbackFor(cfg.upstream.Sandbox)
	if err != nil {
		return &startError{err}
	}
	botCfg := slackbot.Config{
		Client:              up.Client,
		Workspace:           up.CompanySlug,
		SigningSecret:       cfg.signingSecret,
		WriteUsers:          writers,
		ReadOnly:            cfg.ReadOnly,
		Command:             cfg.command,
		BotToken:            cfg.botToken,
		APIURL:              cfg.apiURL,
		ResponseURLPrefixes: responseURLs,
		MaxJobs:             cfg.maxJobs,
		Logger:              logger,
		OnOutcome:           observeCommands(m),
		Store:               st.Store,
		ReplayStore:         st.Store,
		Fallback:            fallback,
		AdminUsers:          admins,
	}
	lk.configure(&botCfg)
	bot, err := slackbot.New(botCfg)
	if err != nil {
		return &startError{err}
	}
	var pages http.Handler
	if lk != nil {
		if pages, err = lk.servePages(bot, logger); err != nil {
			return &startError{err}
		}
		logger.Info("account linking on", "public_url", lk.publicURL, "fallback", string(bot.Fallback()))
		if cfg.upstream.Sandbox {
			lk.sandboxLink(ctx, logger)
		}
	}
	logger.Info("gitscrum-slack starting", "version", version.Current(), "mode", modeName(cfg.socketMode),
		"workspace", up.CompanySlug, "read_only", cfg.ReadOnly, "write_users", len(writers), "sandbox", up.Sandbox != nil,
		"command", cfg.command, "response_url_prefixes", strings.Join(responseURLs, ","),
		"max_jobs", cfg.maxJobs, "max_upstream", cfg.upstream.MaxUpstream)
	if len(writers) == 0 && !cfg.ReadOnly {
		logger.Info("writes are off until " + slackbot.EnvWriteUsers + " lists the Slack user IDs allowed to create and update clients")
	}
	// The drain timeout counts from the signal, for the HTTP server and the bot's
	// deferred answers together.
	stoppedAt := make(chan time.Time, 1)
	context.AfterFunc(ctx, func() { stoppedAt <- time.Now() })
	if cfg.socketMode {
		// The pages stop with the socket, whether ctx ended or the socket failed.
		pagesCtx, stopPages := context.WithCancel(ctx)
		pagesDone := make(chan struct{})
		if ln != nil && pages != nil {
			go func() {
				defer close(pagesDone)
				if perr := servePagesOnly(pagesCtx, cfg, ln, pages, logger); perr != nil {
					logger.Error("connect pages stopped", "error", perr)
				}
			}()
		} else {
			close(pagesDone)
		}
		err = serveSocket(ctx, cfg, bot, logger)
		stopPages()
		<-pagesDone
	} else {
		err = serveHTTP(ctx, cfg, ln, bot, pages, m, st, logger)
	}
	if lk != nil && lk.pages != nil {
		lk.pages.Wait()
	}
	deadline := time.Now().Add(cfg.drainTimeout)
	select {
	case at := <-stoppedAt:
		deadline = at.Add(cfg.drainTimeout)
	default:
	}
	drainCtx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	if cerr := bot.Close(drainCtx); cerr != nil {
		logger.Warn("some commands in flight were cut short", "error", cerr)
	}
	return err
}

func modeName(socket bool) string {
	if socket {
		return "socket"
	}
	return "http"
}

// listening, when set, is told the HTTP address once the server listens (tests).
var listening func(addr string)

// serveHTTP serves the bot's handler, and the metrics beside it, on ln until ctx is
// done, then stops taking requests and lets those in flight finish within the
// drain timeout.
func serveHTTP(ctx context.Context, cfg config, ln net.Listener, bot *slackbot.Bot, pages http.Handler, m *metrics.Metrics, st *state.State, logger *slog.Logger) error {
	var app http.Handler = bot.Handler()
	if pages != nil {
		mux := http.NewServeMux()
		mux.Handle("/", app)
		mux.Handle(web.ConnectPath, pages)
		mux.Handle(web.StaticPath, pages)
		app = mux
	}
	h := httpserver.Guard{
		MaxInFlight: cfg.MaxInFlight,
		MaxQueue:    cfg.MaxQueue,
		Wait:        cfg.QueueWait,
		MaxBody:     slackbot.MaxBodyBytes,
		Exempt:      []string{slackbot.HealthPath, metrics.Path},
		OnRefuse:    m.Refusals("slack"),
	}.Handler(app)
	// Outside the guard: a request counts in flight from its headers on, also
	// while its body arrives or it waits for a slot.
	h = m.Wrap(h, "slack", slackbot.CommandsPath, slackbot.EventsPath, slackbot.InteractivityPath)
	h = httpserver.WithHealth(h, httpserver.Health("", "", st.Check()))
	logger.Info("listening", "addr", ln.Addr().String(), "endpoint", slackbot.CommandsPath, "events", slackbot.EventsPath, "interactivity", slackbot.InteractivityPath, "health", slackbot.HealthPath,
		"max_in_flight", cfg.MaxInFlight, "max_queue", cfg.MaxQueue, "queue_wait", cfg.QueueWait, "max_conns", cfg.MaxConns, "max_body_bytes", slackbot.MaxBodyBytes)
	if m != nil {
		logger.Info("serving Prometheus metrics without a signature; restrict the path at your proxy if the port is public, or use --no-metrics",
			"path", metrics.Path)
	}
	if listening != nil {
		listening(ln.Addr().String())
	}
	return httpserver.Run(ctx, httpserver.LimitConns(ln, cfg.MaxConns), httpLimits().Server(h, logger), cfg.drainTimeout, logger)
}

// servePagesOnly serves the connect pages on ln, in Socket Mode given --addr.
func servePagesOnly(ctx context.Context, cfg config, ln net.Listener, pages http.Handler, logger *slog.Logger) error {
	h := httpserver.Guard{MaxInFlight: cfg.MaxInFlight, MaxQueue: cfg.MaxQueue, Wait: cfg.QueueWait, MaxBody: web.MaxBody}.Handler(pages)
	logger.Info("serving the connect pages", "addr", ln.Addr().String())
	return httpserver.Run(ctx, httpserver.LimitConns(ln, cfg.MaxConns), httpLimits().Server(h, logger), cfg.drainTimeout, logger)
}

// serveSocket answers commands over Socket Mode until ctx is done.
func serveSocket(ctx context.Context, cfg config, bot *slackbot.Bot, logger *slog.Logger) error {
	client, err := slackbot.NewSocketClient(cfg.appToken, cfg.botToken, logger, slackbot.APIOptions(cfg.apiURL)...)
	if err != nil {
		return err
	}
	logger.Info("connecting to Slack in Socket Mode")
	return bot.RunSocketMode(ctx, client)
}

// runManifest prints the Slack app manifest, for the slash command that serving
// answers (--command or SLACK_COMMAND).
func runManifest(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gitscrum-slack manifest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "", "public https URL of gitscrum-slack in HTTP mode; without it the manifest uses Socket Mode")
	name := fs.String("name", "GitScrum", "the app's name in Slack")
	command := fs.String("command", envOr(getenv, slackbot.EnvCommand, slackbot.DefaultCommand), "the slash command (env "+slackbot.EnvCommand+"); serve with the same one")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: gitscrum-slack manifest [--url https://host] [--name NAME] [--command /gitscrum]\n\nPrints a Slack app manifest (JSON) for api.slack.com/apps → Create New App → From a manifest.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gitscrum-slack manifest: unexpected argument %q (it takes only flags)\n", fs.Arg(0))
		return 2
	}
	if err := slackbot.CheckCommand(*command); err != nil {
		fmt.Fprintln(stderr, "gitscrum-slack manifest: --command:", err)
		return 2
	}
	out, err := slackbot.ManifestJSON(slackbot.ManifestOptions{URL: *url, Name: *name, Command: *command})
	if err != nil {
		fmt.Fprintln(stderr, "gitscrum-slack manifest:", err)
		return 2
	}
	_, _ = stdout.Write(out)
	return 0
}
