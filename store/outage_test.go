package store_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// proxy forwards TCP connections from a local port to a server; Stop closes the
// port and cuts every connection, as a server that went down; Start opens the same
// port again.
type proxy struct {
	t      *testing.T
	addr   string // where it listens
	server string // where it forwards

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// newProxy starts a proxy to server; it stops when the test ends.
func newProxy(t *testing.T, server string) *proxy {
	p := &proxy{t: t, server: server, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.Stop)
	return p
}

// serve accepts connections on ln until it closes.
func (p *proxy) serve(ln net.Listener) {
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
func (p *proxy) Stop() {
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
func (p *proxy) Start() {
	var ln net.Listener
	require.Eventually(p.t, func() bool {
		var err error
		ln, err = net.Listen("tcp", p.addr)
		return err == nil
	}, 5*time.Second, 10*time.Millisecond, "listening again on %s", p.addr)
	p.serve(ln)
}

// throughProxy returns a PostgreSQL URL with its host replaced by a proxy's.
func throughProxy(t *testing.T, databaseURL string) (string, *proxy) {
	u, err := url.Parse(databaseURL)
	require.NoError(t, err)
	p := newProxy(t, u.Host)
	u.Host = p.addr
	return u.String(), p
}

// observed records the operations an observer saw fail.
type observed struct {
	mu     sync.Mutex
	failed map[string]int
}

func (o *observed) observe(op string, _ time.Duration, err error) {
	if err != nil {
		o.mu.Lock()
		o.failed[op]++
		o.mu.Unlock()
	}
}

func (o *observed) failures(op string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.failed[op]
}

// requireRecovers waits until the store reports itself OK without traffic, then
// checks that a write succeeds.
func requireRecovers(t *testing.T, s *store.Store) {
	t.Helper()
	require.Eventually(t, func() bool { return s.Health().OK() }, 15*time.Second, 20*time.Millisecond,
		"the store probes the database and is OK again once it is back")
	_, err := s.Remember(ctxT(t, 10*time.Second), "after", time.Now().Add(time.Minute))
	require.NoError(t, err, "writes resume without reopening the store")
}

func TestOutagePostgres(t *testing.T) {
	u, p := throughProxy(t, postgresBackend.newDB(t))
	obs := &observed{failed: map[string]int{}}
	opts := testOpts()
	opts.Observer = obs.observe
	s := openStore(t, u, opts)
	ctx := ctxT(t, 60*time.Second)
	_, err := s.Remember(ctx, "before", time.Now().Add(time.Minute))
	require.NoError(t, err)
	require.True(t, s.Health().OK())

	p.Stop()
	for _, write := range []func() error{
		func() error { _, err := s.Remember(ctx, "during", time.Now().Add(time.Minute)); return err },
		func() error {
			_, err := s.Acquire(ctx, "acme", []string{"n"}, store.NewHolder(), time.Second)
			return err
		},
		func() error { return s.Append(ctx, entry("c", time.Now(), "ok")) },
	} {
		err := write()
		require.ErrorIs(t, err, store.ErrUnavailable)
		assert.Contains(t, err.Error(), "state store (postgres) unavailable")
	}
	h := s.Health()
	assert.Equal(t, store.StatusDegraded, h.Status)
	assert.ErrorIs(t, h.Err, store.ErrUnavailable)
	assert.Positive(t, obs.failures("remember"), "the observer sees the failures")

	p.Start()
	requireRecovers(t, s)
	first, err := s.Remember(ctx, "before", time.Now().Add(time.Minute))
	require.NoError(t, err)
	assert.False(t, first, "what was stored before the outage is still there")
}

func TestOutagePostgresAtStart(t *testing.T) {
	u, p := throughProxy(t, postgresBackend.newDB(t))
	p.Stop()
	s, err := store.Open(context.Background(), u, testOpts())
	require.NoError(t, err)
	defer s.Close()
	start := time.Now()
	_, err = s.Remember(ctxT(t, 30*time.Second), "k", time.Now().Add(time.Minute))
	require.ErrorIs(t, err, store.ErrUnavailable, "a write while the database is down at start fails")
	assert.Less(t, time.Since(start), 10*time.Second)
	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, s.Ready(short), store.ErrUnavailable)

	p.Start()
	require.NoError(t, s.Ready(ctxT(t, 30*time.Second)), "the store opens once the database is back")
	requireRecovers(t, s)
}

func TestOutageSQLiteLocked(t *testing.T) {
	u := sqliteBackend.newDB(t)
	opts := testOpts()
	opts.BusyTimeout = 100 * time.Millisecond
	s := openStore(t, u, opts)
	ctx := ctxT(t, 60*time.Second)
	require.NoError(t, s.Append(ctx, entry("c", time.Now(), "ok")))

	// Another program holds the file's write lock past the busy timeout.
	raw := rawDB(t, u)
	conn, err := raw.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(ctx, "BEGIN EXCLUSIVE")
	require.NoError(t, err)

	start := time.Now()
	_, err = s.Remember(ctx, "during", time.Now().Add(time.Minute))
	require.ErrorIs(t, err, store.ErrUnavailable)
	assert.Contains(t, err.Error(), "state store (sqlite) unavailable")
	assert.Less(t, time.Since(start), 3*time.Second, "a write waits the busy timeout, not more")
	assert.Equal(t, store.StatusDegraded, s.Health().Status)
	got, err := s.History(ctx, "acme", "c", 10)
	require.NoError(t, err, "reads still work while the file is locked")
	assert.Len(t, got, 1)
	time.Sleep(200 * time.Millisecond)
	assert.Equal(t, store.StatusDegraded, s.Health().Status, "a probe while still locked does not clear it")

	_, err = conn.ExecContext(ctx, "ROLLBACK")
	require.NoError(t, err)
	requireRecovers(t, s)
}
