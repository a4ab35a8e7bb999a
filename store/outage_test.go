package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

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
	u, p := storetest.Proxied(t, postgresBackend.newDB(t))
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
		func() error { return s.LinkIdentity(ctx, "T1", "U1", account("acct-1", "k1")) },
		func() error { _, _, err := s.IdentityAccount(ctx, "T1", "U1"); return err },
		func() error { return s.PutLink(ctx, "secret", link(time.Now().Add(time.Minute))) },
		func() error { _, _, err := s.UseLink(ctx, "secret", time.Now()); return err },
		func() error { return s.SetChannelWorkspace(ctx, "T1", "C1", "acme", "slack:T1:U1") },
		func() error { _, err := s.ChannelWorkspace(ctx, "T1", "C1"); return err },
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
	u, p := storetest.Proxied(t, postgresBackend.newDB(t))
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
