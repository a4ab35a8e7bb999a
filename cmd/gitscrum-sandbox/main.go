// Command gitscrum-sandbox serves the in-memory GitScrum clients API of
// package emulator (gitscrum/emulator), seeded with demo data, so that gitscrum-mcp and gitscrum-slack can be
// tried against one shared sandbox without a GitScrum account.
//
// Usage:
//
//	gitscrum-sandbox [--addr 127.0.0.1:8090] [--token sandbox-token] [--page-size 0] [--latency 0s] [--version]
//
// On start it prints the environment to export for the other binaries:
//
//	export GITSCRUM_API_URL=http://127.0.0.1:8090
//	export GITSCRUM_TOKEN=sandbox-token
//	export GITSCRUM_COMPANY_SLUG=demo
//
// GET /healthz answers 200 without a token. The sandbox stops cleanly on SIGINT or
// SIGTERM.
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
	"syscall"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/settings"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// config is what the flags say.
type config struct {
	addr     string
	token    string
	pageSize int
	latency  time.Duration
	version  bool
}

// parseFlags reads the command line; it returns flag.ErrHelp for -h.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("gitscrum-sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8090", "address to listen on (port 0 picks a free one)")
	fs.StringVar(&cfg.token, "token", emulator.DefaultToken, "bearer token the sandbox accepts")
	settings.CountVar(fs, &cfg.pageSize, "page-size", "`n` clients per list page; 0 lists every client without meta")
	settings.WaitVar(fs, &cfg.latency, "latency", "delay added before every answer, a `duration` like 200ms")
	settings.BoolVar(fs, &cfg.version, "version", "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	switch {
	case fs.NArg() > 0:
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case cfg.token == "":
		return cfg, errors.New("--token must not be empty")
	}
	return cfg, nil
}

// run serves until ctx is done and returns the exit code: 0 after a clean stop, 1 when
// serving failed, 2 for bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "gitscrum-sandbox: %v\n", err)
		return 2
	}
	if cfg.version {
		fmt.Fprintln(stdout, version.Line("gitscrum-sandbox", version.Current()))
		return 0
	}

	emu := emulator.New(emulator.WithToken(cfg.token), emulator.WithDemoData())
	emu.SetPageSize(cfg.pageSize)
	emu.SetLatency(cfg.latency)
	// The sandbox may run for days; keep the request log small.
	emu.SetLogLimit(1000)

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		log.Error("cannot listen", "addr", cfg.addr, "err", err)
		return 1
	}
	srv := &http.Server{
		Handler:           handler(emu, log),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30*time.Second + cfg.latency,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	url := "http://" + ln.Addr().String()
	log.Info("gitscrum sandbox listening", "url", url, "workspace", emulator.DemoWorkspace,
		"clients", len(emu.Clients(emulator.DemoWorkspace)), "page_size", cfg.pageSize, "latency", cfg.latency)
	fmt.Fprintf(stderr, "Point gitscrum-mcp or gitscrum-slack at this sandbox with:\n"+
		"export GITSCRUM_API_URL=%s\nexport GITSCRUM_TOKEN=%s\nexport GITSCRUM_COMPANY_SLUG=%s\n",
		url, cfg.token, emulator.DemoWorkspace)

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	select {
	case err := <-serveErr:
		log.Error("serving failed", "err", err)
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Error("shutdown did not finish cleanly", "err", err)
		_ = srv.Close()
		return 1
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("serving failed", "err", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// handler serves /healthz itself and everything else from the emulator, logging each
// request without its headers (which hold the token).
func handler(emu http.Handler, log *slog.Logger) http.Handler {
	health := httpserver.Health("", "")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == httpserver.HealthPath {
			health.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		emu.ServeHTTP(rec, r)
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"duration", time.Since(start).Round(time.Microsecond))
	})
}

// statusRecorder remembers the status written through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
