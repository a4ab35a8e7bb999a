// Command gitscrum-mcp serves the clients of a GitScrum workspace to AI assistants as
// four MCP tools: list_clients, get_client, create_client and update_client.
//
// Usage:
//
//	gitscrum-mcp [--sandbox] [--http ADDR] [--no-metrics] [--read-only]
//	             [--company-slug SLUG] [--api-url URL] [--timeout 15s]
//	             [--cache-ttl 30s] [--max-in-flight 64] [--max-queue 256]
//	             [--queue-wait 10s] [--max-conns 512] [--max-upstream 64]
//	             [--new-tokens-per-addr 30] [--new-tokens-total 600]
//	             [--database PATH|postgres://…] [--db-max-conns 0]
//	             [--db-max-idle-conns 0] [--audit-retention 90d]
//	             [--shutdown-timeout 10s] [--log-level info] [--version]
//
// By default it speaks MCP over stdio, as assistants that spawn it expect; stdout
// carries the protocol only and logs go to stderr. With --http ADDR it serves
// streamable HTTP at /mcp (and GET /healthz) instead: each request's
// "Authorization: Bearer <GitScrum token>" is used for that request's GitScrum calls,
// and the server's own GITSCRUM_TOKEN is a fallback only on a loopback address, and
// never for a request that came through a proxy (one with a forwarding header).
//
// Each HTTP listener reads a request's body (at most 256 KiB, within 5 s) before
// anything else, then serves at most --max-in-flight requests at once; more wait
// their turn, at most --max-queue of them for up to --queue-wait each, then get 503
// with Retry-After (/healthz and /metrics are always answered). It keeps at most
// --max-conns connections open, closing idle ones first to make room.
//
// Over HTTP, GET /metrics on the same listener serves Prometheus metrics (GitScrum
// requests, retries and latency, tool calls by outcome, requests in flight) without
// a token, since they hold no user data; restrict it at your proxy when the port is
// public, or turn it off with --no-metrics. Over stdio there is no listener and no
// metrics. Over HTTP one tool call, all its GitScrum requests included, is bounded by
// twice --timeout, and the server cuts an answer not written 10 s after that.
//
// Environment: GITSCRUM_TOKEN, GITSCRUM_API_URL, GITSCRUM_COMPANY_SLUG,
// GITSCRUM_TIMEOUT, GITSCRUM_CACHE_TTL (0 turns the workspace list cache off),
// GITSCRUM_READ_ONLY=1, GITSCRUM_LOG_LEVEL, GITSCRUM_MAX_IN_FLIGHT,
// GITSCRUM_MAX_CONNS, GITSCRUM_MAX_UPSTREAM, GITSCRUM_MAX_QUEUE, GITSCRUM_QUEUE_WAIT,
// GITSCRUM_NEW_TOKENS_PER_ADDR, GITSCRUM_NEW_TOKENS_TOTAL, GITSCRUM_DATABASE_URL,
// GITSCRUM_DB_MAX_CONNS, GITSCRUM_DB_MAX_IDLE_CONNS, GITSCRUM_AUDIT_RETENTION,
// GITSCRUM_CREATE_LOCK_TTL. A flag
// wins over the environment. --sandbox embeds an emulator with demo data: no token
// needed.
//
// The state store (--database) keeps the create records and locks and the audit
// log: a SQLite file by default ($XDG_STATE_HOME/gitscrum-bridge/state.db), which
// means one replica; a postgres:// URL for replicas that share it; in memory with
// --sandbox unless a database is named. It opens in the background, so the start
// is as fast without it, and /healthz says "store": "starting", "ok" or "degraded".
//
// SIGINT or SIGTERM stops it: no new requests are taken, calls in flight may finish
// within --shutdown-timeout, and it exits 0.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/metrics"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/settings"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/upstream"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/version"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the settings of this binary beyond the upstream configuration.
type options struct {
	settings.Settings
	httpAddr  string
	noMetrics bool
	version   bool
	grace     time.Duration
	newTokens tools.NewTokenLimits
	state     state.Config
}

// parse reads the environment, then the flags; a flag wins over the environment.
func parse(args []string, getenv func(string) string, stderr io.Writer) (upstream.Config, options, error) {
	cfg, err := upstream.FromEnv(getenv)
	if err != nil {
		return cfg, options{}, err
	}
	o := options{grace: 10 * time.Second, newTokens: tools.DefaultNewTokenLimits()}
	if o.Settings, err = settings.FromEnv(getenv); err != nil {
		return cfg, o, err
	}
	if err = o.newTokens.FromEnv(getenv); err != nil {
		return cfg, o, err
	}
	if o.state, err = state.FromEnv(getenv); err != nil {
		return cfg, o, err
	}

	fs := flag.NewFlagSet("gitscrum-mcp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.RegisterFlags(fs)
	o.RegisterFlags(fs, "offer only list_clients and get_client")
	fs.StringVar(&o.httpAddr, "http", "", "serve streamable HTTP at ADDR (e.g. 127.0.0.1:8080) on /mcp instead of stdio")
	settings.BoolVar(fs, &o.noMetrics, "no-metrics", "with --http: do not serve Prometheus metrics at "+metrics.Path)
	settings.BoolVar(fs, &o.version, "version", "print the version and exit")
	o.newTokens.RegisterFlags(fs)
	o.state.RegisterFlags(fs)
	settings.WaitVar(fs, &o.grace, "shutdown-timeout", "on SIGINT/SIGTERM, how long calls in flight may take to finish, a `duration`")
	if err := fs.Parse(args); err != nil {
		return cfg, o, err
	}
	if fs.NArg() > 0 {
		return cfg, o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return cfg, o, nil
}

// stdioOpenDelay is how long gitscrum-mcp over stdio waits before it opens the
// state store, unless a call needs it sooner: past an assistant's initialize and
// tools/list.
const stdioOpenDelay = 2 * time.Second

// run serves until ctx is done or stdin ends, and returns the exit code: 0 after a
// clean stop, 1 when serving failed, 2 for bad usage.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, o, err := parse(args, getenv, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintln(stderr, "gitscrum-mcp:", err)
		return 2
	case o.version:
		fmt.Fprintln(stdout, version.Line("gitscrum-mcp", version.Current()))
		return 0
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: o.LogLevel}))

	// Listen first: a port in use is the commonest failure to start, and it is
	// then the one line logged, before anything reads as started.
	var ln net.Listener
	if o.httpAddr != "" {
		if ln, err = net.Listen("tcp", o.httpAddr); err != nil {
			logger.Error("gitscrum-mcp cannot start", "err", fmt.Errorf("listen on %s: %w", o.httpAddr, err))
			return 1
		}
		defer ln.Close() // closed by the server once it serves; this covers the failures before
	}

	m := newMetrics(o)
	clientOpts := []gitscrum.Option{gitscrum.WithUserAgent(version.UserAgent())}
	if m != nil {
		clientOpts = append(clientOpts, gitscrum.WithObserver(m))
	}
	up, err := cfg.Open(logger, clientOpts...)
	if err != nil {
		logger.Error("cannot configure GitScrum", "err", err)
		return 2
	}
	defer up.Close()
	// The store opens in the background; over stdio only after a moment (or at
	// the first call that needs it), so that tools/list is answered as fast as
	// without a store.
	sopts := state.Options{Sandbox: cfg.Sandbox, Metrics: m, Logger: logger}
	if o.httpAddr == "" {
		sopts.OpenDelay = stdioOpenDelay
	}
	st, err := state.Open(ctx, o.state, sopts)
	if err != nil {
		logger.Error("cannot configure the state store", "err", err)
		return 2
	}
	defer func() {
		if err := st.Close(); err != nil {
			logger.Warn("state store", "err", err)
		}
	}()
	up.Client = st.Coordinated(up.Client, o.state)
	if !cfg.Sandbox && !up.Client.HasToken() {
		if o.httpAddr == "" {
			logger.Warn("GITSCRUM_TOKEN is not set: tools will answer with how to set it (or use --sandbox for demo data)")
		} else {
			logger.Info("GITSCRUM_TOKEN is not set: every HTTP request must carry its own Authorization: Bearer token")
		}
	}
	if up.CompanySlug == "" {
		logger.Info("no default workspace (GITSCRUM_COMPANY_SLUG): every call must pass company_slug")
	}

	topts := tools.Options{
		Version:     version.Current(),
		Client:      up.Client,
		CompanySlug: up.CompanySlug,
		ReadOnly:    o.ReadOnly,
		Sandbox:     cfg.Sandbox,
		Logger:      logger,
		Observe:     observeCalls(m),
		Store:       st.Store,
	}
	if o.httpAddr != "" {
		topts.CallTimeout = callTimeout(cfg.Timeout)
	}
	srv, err := tools.New(topts)
	if err != nil {
		logger.Error("cannot build the MCP server", "err", err)
		return 1
	}

	if o.httpAddr == "" {
		logger.Info("serving MCP over stdio", "version", version.Current(), "read_only", o.ReadOnly, "company_slug", up.CompanySlug)
		err = tools.RunStdio(ctx, srv, stdin, stdout, o.grace, logger)
	} else {
		err = serveHTTP(ctx, o, cfg, ln, up, srv, m, st, logger)
	}
	if err != nil {
		logger.Error("stopped", "err", err)
		return 1
	}
	logger.Info("stopped")
	return 0
}

// serveHTTP serves on ln, the --http address, until ctx is done, then drains the
// requests in flight within --shutdown-timeout.
func serveHTTP(ctx context.Context, o options, cfg upstream.Config, ln net.Listener, up *upstream.Upstream, srv *server.MCPServer, m *metrics.Metrics, st *state.State, logger *slog.Logger) error {
	loopback := tools.IsLoopbackAddr(ln.Addr())
	h := tools.NewHTTPHandler(srv, tools.HTTPOptions{Client: up.Client, Loopback: loopback, Sandbox: cfg.Sandbox, Logger: logger, Version: version.Current(), NewTokens: o.newTokens})
	h = httpserver.Guard{
		MaxInFlight: o.MaxInFlight,
		MaxQueue:    o.MaxQueue,
		Wait:        o.QueueWait,
		MaxBody:     tools.MaxRequestBody,
		Exempt:      []string{tools.HealthPath, metrics.Path},
		OnRefuse:    m.Refusals("mcp"),
	}.Handler(h)
	// Outside the guard: a request counts in flight from its headers on, also
	// while its body arrives or it waits for a slot.
	h = m.Wrap(h, "mcp", tools.MCPPath, tools.ReadOnlyPath)
	h = httpserver.WithHealth(h, httpserver.Health(tools.ServerName, version.Current(), st.Check()))
	base := "http://" + ln.Addr().String()
	logger.Info("serving MCP over streamable HTTP",
		"url", base+tools.MCPPath, "addr", ln.Addr().String(),
		"loopback", loopback, "token_fallback", loopback && up.Client.HasToken() && !cfg.Sandbox,
		"version", version.Current(), "read_only", o.ReadOnly, "company_slug", up.CompanySlug,
		"max_in_flight", o.MaxInFlight, "max_queue", o.MaxQueue, "queue_wait", o.QueueWait, "max_conns", o.MaxConns, "max_body_bytes", tools.MaxRequestBody)
	if m != nil {
		logger.Info("serving Prometheus metrics without a token; restrict the path at your proxy if the port is public, or use --no-metrics",
			"url", base+metrics.Path)
	}
	return httpserver.Run(ctx, httpserver.LimitConns(ln, o.MaxConns), httpLimits(cfg.Timeout).Server(h, logger), o.grace, logger)
}
