package gitscrum_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// The state store the coordination tests run against: a SQLite file, and a
// PostgreSQL database on the server GITSCRUM_TEST_POSTGRES_URL names (skipped,
// saying how to run them, without it), from package statetest. Package gitscrum
// knows no store; only its tests use one, as the replicas' shared state.

// storeOpts are the options of a test's store: quick to notice an outage and a
// recovery, and quick to give up on a locked SQLite file.
func storeOpts() store.Options {
	return store.Options{HealthInterval: 50 * time.Millisecond, OpTimeout: 3 * time.Second,
		BusyTimeout: 100 * time.Millisecond, MigrationLockTimeout: 30 * time.Second}
}

// openTestStore opens a store of databaseURL, waits until it is ready and closes it
// when the test ends.
func openTestStore(t testing.TB, databaseURL string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), databaseURL, storeOpts())
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, s.Ready(ctx), "the store opens and migrates within 30 s")
	return s
}

// tcpProxy forwards TCP connections from a local port to a server: Stop closes the
// port and cuts every connection, as a database server that went down; Start
// listens on the same port again.
type tcpProxy struct {
	t      *testing.T
	addr   string
	server string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// proxiedPostgres returns the URL of databaseURL through a new proxy.
func proxiedPostgres(t *testing.T, databaseURL string) (string, *tcpProxy) {
	t.Helper()
	u, err := url.Parse(databaseURL)
	require.NoError(t, err)
	p := &tcpProxy{t: t, server: u.Host, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.Stop)
	u.Host = p.addr
	return u.String(), p
}

// serve accepts connections on ln until it closes.
func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.server)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[up] = true, true
			p.mu.Unlock()
			p.wg.Go(func() { _, _ = io.Copy(up, c); _ = up.Close(); _ = c.Close() })
			p.wg.Go(func() { _, _ = io.Copy(c, up); _ = up.Close(); _ = c.Close() })
		}
	})
}

// Stop closes the port and every connection through it.
func (p *tcpProxy) Stop() {
	p.mu.Lock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	p.conns = map[net.Conn]bool{}
	p.mu.Unlock()
	p.wg.Wait()
}

// Start listens on the proxy's port again.
func (p *tcpProxy) Start() {
	var ln net.Listener
	require.Eventually(p.t, func() bool {
		var err error
		ln, err = net.Listen("tcp", p.addr)
		return err == nil
	}, 5*time.Second, 10*time.Millisecond, "listening again on %s", p.addr)
	p.serve(ln)
}
