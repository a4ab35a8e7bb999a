// Package httpserver builds the HTTP servers of the binaries with the same limits
// (read, write and idle timeouts and a header size bound) and runs them until their
// context ends, then drains the requests in flight within a bound. It also bounds
// what one listener takes on: open connections, idle ones closed first to make
// room ([LimitConns]); request bodies, read within a size, a deadline and a
// memory budget before anything else; requests served at once and waiting for
// their turn ([Guard], [LimitBody]).
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Defaults of [ForSlowest].
const (
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout = 5 * time.Second
	// ReadTimeout bounds reading a whole request, body included (the largest bodies
	// accepted are 256 KiB for MCP and 64 KiB for Slack).
	ReadTimeout = 30 * time.Second
	// WriteMargin is added to the slowest legitimate handler's duration for
	// WriteTimeout, for writing the answer after the work is done.
	WriteMargin = 10 * time.Second
	// IdleTimeout bounds how long a keep-alive connection waits for its next request.
	IdleTimeout = 2 * time.Minute
	// MaxHeaderBytes bounds a request's headers (Go's default is 1 MiB).
	MaxHeaderBytes = 64 << 10
)

// Limits are the bounds an http.Server applies to each connection and request.
type Limits struct {
	// ReadHeaderTimeout bounds reading the request line and headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading the whole request, body included.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of the headers to the end of the
	// answer, so it must exceed the slowest legitimate handler.
	WriteTimeout time.Duration
	// IdleTimeout bounds the wait for the next request on a keep-alive connection.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds the size of the request line and headers.
	MaxHeaderBytes int
}

// ForSlowest returns the default limits for a server whose slowest legitimate
// handler takes up to slowest: WriteTimeout is slowest plus [WriteMargin].
func ForSlowest(slowest time.Duration) Limits {
	return Limits{
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      max(slowest, 0) + WriteMargin,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}

// Server returns an http.Server for h with these limits; the server's own errors
// (TLS handshakes, panics in handlers, …) go to logger at warn level, or nowhere
// when logger is nil.
func (l Limits) Server(h http.Handler, logger *slog.Logger) *http.Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// Run serves srv on ln until ctx is done, then shuts it down: it stops accepting
// connections, lets the requests in flight finish for up to grace, then closes the
// connections still open (which cancels their requests' contexts). It returns nil
// after such a stop, cut short or not (a cut is logged at warn level), and an error
// when serving failed. Run closes ln. When ln is from [LimitConns], Run tells it
// which connections are idle ([TrackIdle]).
func Run(ctx context.Context, ln net.Listener, srv *http.Server, grace time.Duration, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	TrackIdle(srv, ln)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve http on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: no new connections; waiting for requests in flight", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("requests in flight did not finish in time; closing their connections", "grace", grace)
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve http on %s: %w", ln.Addr(), err)
	}
	return nil
}
