// Package gitscrumtest holds thin test helpers around the GitScrum emulator
// (package [emulator]): an emulator served over real HTTP for the length of a
// test, and a [gitscrum.Client] of it. The emulator itself is a product part (the
// binaries embed it behind --sandbox); these helpers are for tests only.
package gitscrumtest

import (
	"net/http/httptest"
	"testing"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// Serve serves srv over real HTTP on loopback until the test ends, and returns
// the server (its URL is the client's base URL; its Client shares its transport).
func Serve(tb testing.TB, srv *emulator.Server) *httptest.Server {
	tb.Helper()
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	return ts
}

// NewClient serves srv as [Serve] does and returns a client of it with the
// emulator's [emulator.DefaultToken] and the server's HTTP client; opts apply
// after those, so they may replace them. It fails the test when the options are
// refused.
func NewClient(tb testing.TB, srv *emulator.Server, opts ...gitscrum.Option) *gitscrum.Client {
	tb.Helper()
	ts := Serve(tb, srv)
	base := []gitscrum.Option{
		gitscrum.WithBaseURL(ts.URL),
		gitscrum.WithToken(emulator.DefaultToken),
		gitscrum.WithHTTPClient(ts.Client()),
	}
	c, err := gitscrum.New(append(base, opts...)...)
	if err != nil {
		tb.Fatalf("gitscrumtest: new client: %v", err)
	}
	return c
}
