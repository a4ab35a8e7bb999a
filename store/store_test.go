package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pressly/goose/v3/database"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// schemaVersions returns how many times each schema version is recorded.
func schemaVersions(t *testing.T, databaseURL string) map[int64]int {
	t.Helper()
	rows, err := rawDB(t, databaseURL).QueryContext(ctxT(t, 10*time.Second),
		"SELECT version_id, COUNT(*) FROM gitscrum_bridge_schema GROUP BY version_id")
	require.NoError(t, err)
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var v int64
		var n int
		require.NoError(t, rows.Scan(&v, &n))
		out[v] = n
	}
	require.NoError(t, rows.Err())
	return out
}

func TestMigrationsAppliedOnceByConcurrentOpeners(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		u := b.newDB(t)
		// The openers meet at a gate: goose's version table exists, empty but
		// for version 0, and is locked until they all wait on it, so that all three
		// find the schema out of date at the same moment.
		dialect, lockSQL := database.DialectPostgres, "LOCK TABLE gitscrum_bridge_schema IN ACCESS EXCLUSIVE MODE"
		if b.name == "sqlite" {
			dialect, lockSQL = database.DialectSQLite3, "BEGIN EXCLUSIVE"
		}
		raw := rawDB(t, u)
		versions, err := database.NewStore(dialect, "gitscrum_bridge_schema")
		require.NoError(t, err)
		ctx := ctxT(t, 60*time.Second)
		require.NoError(t, versions.CreateVersionTable(ctx, raw))
		require.NoError(t, versions.Insert(ctx, raw, database.InsertRequest{Version: 0}))
		gate, err := raw.Conn(ctx)
		require.NoError(t, err)
		defer gate.Close()
		if b.name == "postgres" {
			_, err = gate.ExecContext(ctx, "BEGIN")
			require.NoError(t, err)
		}
		_, err = gate.ExecContext(ctx, lockSQL)
		require.NoError(t, err)

		const openers = 3
		errs := make([]error, openers)
		var wg sync.WaitGroup
		for i := range openers {
			wg.Go(func() {
				s, err := store.Open(context.Background(), u, testOpts())
				if err != nil {
					errs[i] = err
					return
				}
				defer s.Close()
				errs[i] = s.Ready(ctxT(t, 60*time.Second))
			})
		}
		time.Sleep(500 * time.Millisecond)
		_, err = gate.ExecContext(ctx, "COMMIT")
		require.NoError(t, err)
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "opener %d", i)
		}
		assert.Equal(t, map[int64]int{0: 1, 1: 1, 2: 1}, schemaVersions(t, u), "each schema version is applied exactly once")
	})
}

func TestNewerSchemaRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		u := b.newDB(t)
		require.NoError(t, openStore(t, u, testOpts()).Close())
		applied := "true"
		if b.name == "sqlite" {
			applied = "1"
		}
		_, err := rawDB(t, u).ExecContext(ctxT(t, 10*time.Second),
			"INSERT INTO gitscrum_bridge_schema (version_id, is_applied) VALUES (99, "+applied+")")
		require.NoError(t, err)

		s, err := store.Open(context.Background(), u, testOpts())
		require.NoError(t, err)
		defer s.Close()
		err = s.Ready(ctxT(t, 30*time.Second))
		var tooNew *store.SchemaTooNewError
		require.ErrorAs(t, err, &tooNew, "a database migrated by a newer binary is refused at once")
		assert.Equal(t, store.SchemaTooNewError{Database: 99, Binary: 2}, *tooNew)
		assert.ErrorIs(t, err, store.ErrUnavailable)
		assert.Contains(t, err.Error(), "state store")
		assert.Contains(t, err.Error(), "newer than this binary's 2")

		_, err = s.Remember(ctxT(t, 10*time.Second), "k", time.Now().Add(time.Minute))
		assert.ErrorIs(t, err, store.ErrUnavailable, "writes fail while the schema is too new")
		assert.ErrorAs(t, err, &tooNew)
		assert.Equal(t, store.StatusDegraded, s.Health().Status)
		assert.Equal(t, map[int64]int{0: 1, 1: 1, 2: 1, 99: 1}, schemaVersions(t, u), "never migrated down")
	})
}

func TestReplayRefusedAcrossStores(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		u := b.newDB(t)
		var ops sync.Map
		opts := testOpts()
		opts.Observer = func(op string, _ time.Duration, err error) {
			if err == nil {
				ops.Store(op, true)
			}
		}
		a, c := openStore(t, u, opts), openStore(t, u, testOpts())
		ctx := ctxT(t, 30*time.Second)
		later := time.Now().Add(5 * time.Minute)

		steps := []struct {
			s     *store.Store
			key   string
			until time.Time
			first bool
		}{
			{a, "v0=abc", later, true},
			{c, "v0=abc", later, false}, // replayed onto the other replica
			{a, "v0=abc", later, false},
			{c, "v0=def", later, true},
			{a, "expired", time.Now().Add(-time.Second), true},
			{c, "expired", later, true}, // its first record had expired
			{a, "expired", later, false},
		}
		for i, st := range steps {
			first, err := st.s.Remember(ctx, st.key, st.until)
			require.NoError(t, err, "step %d", i)
			assert.Equal(t, st.first, first, "step %d: Remember(%q)", i, st.key)
		}

		var firsts atomic.Int32
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				s := []*store.Store{a, c}[i%2]
				first, err := s.Remember(ctx, "raced", later)
				assert.NoError(t, err)
				if first {
					firsts.Add(1)
				}
			})
		}
		wg.Wait()
		assert.EqualValues(t, 1, firsts.Load(), "of 20 concurrent deliveries of one key over two replicas, one is first")
		_, seen := ops.Load("remember")
		assert.True(t, seen, "the observer sees each operation")
	})
}

func TestCreateLockHeldByOneAtATime(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		u := b.newDB(t)
		a, c := openStore(t, u, testOpts()), openStore(t, u, testOpts())
		ctx := ctxT(t, 30*time.Second)
		const ws = "acme-inc"
		h1, h2 := store.NewHolder(), store.NewHolder()
		require.NotEqual(t, h1, h2)

		exp, err := a.Acquire(ctx, ws, []string{"name\x00replica race co"}, h1, 10*time.Second)
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now().Add(10*time.Second), exp, 2*time.Second)

		// Renewing one's own lease succeeds at once.
		_, err = a.Acquire(ctx, ws, []string{"name\x00replica race co"}, h1, 10*time.Second)
		require.NoError(t, err, "a holder renews its own lease")

		// Another workspace's lock of the same name is another lock.
		other := store.NewHolder()
		_, err = c.Acquire(ctx, "globex", []string{"name\x00replica race co"}, other, time.Second)
		require.NoError(t, err)
		require.NoError(t, c.Release(ctx, "globex", []string{"name\x00replica race co"}, other))

		// A waiter whose context ends first gives up, not unavailable.
		short, cancel := context.WithTimeout(ctx, 150*time.Millisecond)
		_, err = c.Acquire(short, ws, []string{"name\x00replica race co"}, h2, 10*time.Second)
		cancel()
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, store.ErrUnavailable)

		got := make(chan error, 1)
		go func() {
			// Shares one key of two with the holder: waits for all of them.
			_, err := c.Acquire(ctx, ws, []string{"email\x00ops@replica.example", "name\x00replica race co"}, h2, 10*time.Second)
			got <- err
		}()
		select {
		case err := <-got:
			t.Fatalf("the second holder got the lock while the first held it (err %v)", err)
		case <-time.After(300 * time.Millisecond):
		}
		require.NoError(t, a.Release(ctx, ws, []string{"name\x00replica race co"}, h1))
		select {
		case err := <-got:
			require.NoError(t, err, "the second holder proceeds once the first releases")
		case <-time.After(5 * time.Second):
			t.Fatal("the second holder was still waiting 5 s after the release")
		}
		// The email key is held too: all or none.
		short, cancel = context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err = a.Acquire(short, ws, []string{"email\x00ops@replica.example"}, store.NewHolder(), time.Second)
		require.ErrorIs(t, err, context.DeadlineExceeded, "every key of the second holder is held")
	})
}

func TestLeaseOfVanishedHolderTakenOverAfterTTL(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		u := b.newDB(t)
		ctx := ctxT(t, 30*time.Second)
		keys := []string{"name\x00orphan co"}
		const ttl = 400 * time.Millisecond
		dead := store.NewHolder()
		a := openStore(t, u, testOpts())
		start := time.Now()
		_, err := a.Acquire(ctx, "acme", keys, dead, ttl)
		require.NoError(t, err)
		require.NoError(t, a.Close(), "the holder vanishes without releasing")

		c := openStore(t, u, testOpts())
		heir := store.NewHolder()
		_, err = c.Acquire(ctx, "acme", keys, heir, 10*time.Second)
		require.NoError(t, err, "the lease of a vanished holder is taken over")
		assert.GreaterOrEqual(t, time.Since(start), ttl-50*time.Millisecond, "not before its time limit")

		// The dead holder's release, late, leaves the heir's lease alone.
		require.NoError(t, c.Release(ctx, "acme", keys, dead))
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err = c.Acquire(short, "acme", keys, store.NewHolder(), time.Second)
		require.ErrorIs(t, err, context.DeadlineExceeded, "the heir still holds the lock")
	})
}

func TestCreateRecordsSeenByOtherReplica(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		u := b.newDB(t)
		a, c := openStore(t, u, testOpts()), openStore(t, u, testOpts())
		ctx := ctxT(t, 30*time.Second)
		require.NoError(t, a.RecordCreate(ctx, "acme", "replica race co", "uuid-1"))

		cases := []struct {
			workspace, name string
			uuid            string
			ok              bool
		}{
			{"acme", "replica race co", "uuid-1", true},
			{"acme", "other co", "", false},
			{"globex", "replica race co", "", false},
		}
		for _, tc := range cases {
			uuid, ok, err := c.LookupCreate(ctx, tc.workspace, tc.name)
			require.NoError(t, err)
			assert.Equal(t, tc.ok, ok, "%s/%s", tc.workspace, tc.name)
			assert.Equal(t, tc.uuid, uuid, "%s/%s", tc.workspace, tc.name)
		}
		require.NoError(t, c.RecordCreate(ctx, "acme", "replica race co", "uuid-2"))
		uuid, ok, err := a.LookupCreate(ctx, "acme", "replica race co")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, "uuid-2", uuid, "a later record replaces")

		require.ErrorIs(t, a.RecordCreate(ctx, "acme", "", "uuid-3"), store.ErrInvalid)
	})
}

// entry returns an audit entry of client uuid at when.
func entry(uuid string, when time.Time, outcome string) store.Entry {
	return store.Entry{
		When: when, Surface: store.SurfaceSlack, Actor: store.SlackActor("T0001", "U0002"),
		Workspace: "acme", ClientUUID: uuid, ClientName: "Acme Corp",
		Changes: []store.Change{{Field: "email", Before: "old@acme.example", After: "new@acme.example"}},
		Outcome: outcome,
	}
}

func TestAuditHistoryNewestFirst(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		s := openStore(t, b.newDB(t), testOpts())
		ctx := ctxT(t, 30*time.Second)
		base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		for i := range 30 {
			require.NoError(t, s.Append(ctx, entry("c-1", base.Add(time.Duration(i)*time.Minute), fmt.Sprintf("ok%c", 'a'+i%26))))
		}
		require.NoError(t, s.Append(ctx, entry("c-2", base.Add(time.Hour), "ok")))
		other := entry("c-1", base.Add(time.Hour), "ok")
		other.Workspace = "globex"
		require.NoError(t, s.Append(ctx, other))
		// Two entries of one instant come back newest appended first.
		tieA, tieB := entry("c-3", base, "first"), entry("c-3", base, "second")
		require.NoError(t, s.Append(ctx, tieA))
		require.NoError(t, s.Append(ctx, tieB))
		// Values as typed, whatever they hold.
		odd := entry("c-4", base, "ok")
		odd.ClientName = "Ünïcode Co 😀"
		odd.Changes = []store.Change{{Field: "notes", Before: "", After: "line1\nline2 \"quoted\" <b>"}, {Field: "phone", Before: "+1", After: ""}}
		odd.Surface, odd.Actor = store.SurfaceMCP, store.TokenActor([]byte("k"), "secret-token")
		require.NoError(t, s.Append(ctx, odd))

		got, err := s.History(ctx, "acme", "c-1", 5)
		require.NoError(t, err)
		require.Len(t, got, 5)
		for i, e := range got {
			assert.True(t, e.When.Equal(base.Add(time.Duration(29-i)*time.Minute)), "entry %d is at %s", i, e.When)
		}
		want := entry("c-1", base.Add(29*time.Minute), "okd")
		assert.Equal(t, want, got[0])

		got, err = s.History(ctx, "acme", "c-1", 0)
		require.NoError(t, err)
		assert.Len(t, got, store.DefaultHistoryLimit, "limit 0 means the default")

		got, err = s.History(ctx, "acme", "c-3", 10)
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, []string{"second", "first"}, []string{got[0].Outcome, got[1].Outcome})

		got, err = s.History(ctx, "acme", "c-4", 10)
		require.NoError(t, err)
		require.Len(t, got, 1)
		odd.When = odd.When.UTC()
		assert.Equal(t, odd, got[0])
		assert.NotContains(t, got[0].Actor, "secret-token")

		got, err = s.History(ctx, "acme", "nobody", 10)
		require.NoError(t, err)
		assert.Empty(t, got)

		bad := []struct {
			name string
			edit func(*store.Entry)
		}{
			{"a token as actor", func(e *store.Entry) { e.Actor = "Bearer gs_live_abc" }},
			{"no actor", func(e *store.Entry) { e.Actor = "" }},
			{"unknown surface", func(e *store.Entry) { e.Surface = "email" }},
			{"no workspace", func(e *store.Entry) { e.Workspace = "" }},
			{"outcome of words", func(e *store.Entry) { e.Outcome = "it went ok" }},
		}
		for _, tc := range bad {
			e := entry("c-1", base, "ok")
			tc.edit(&e)
			assert.ErrorIs(t, s.Append(ctx, e), store.ErrInvalid, tc.name)
		}
	})
}

// count returns the rows of table.
func count(t *testing.T, databaseURL, table string) int {
	t.Helper()
	var n int
	require.NoError(t, rawDB(t, databaseURL).QueryRowContext(ctxT(t, 10*time.Second), "SELECT COUNT(*) FROM "+table).Scan(&n))
	return n
}

func TestSweeps(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		u := b.newDB(t)
		s := openStore(t, u, testOpts())
		ctx := ctxT(t, 30*time.Second)
		now := time.Now()

		_, err := s.Remember(ctx, "live", now.Add(time.Hour))
		require.NoError(t, err)
		_, err = s.Remember(ctx, "gone", now.Add(-time.Second))
		require.NoError(t, err)
		n, err := s.Sweep(ctx, now)
		require.NoError(t, err)
		assert.EqualValues(t, 1, n, "the expired delivery is swept")
		first, err := s.Remember(ctx, "live", now.Add(time.Hour))
		require.NoError(t, err)
		assert.False(t, first, "an unexpired delivery survives the sweep")

		for i, at := range []time.Time{now.Add(-100 * 24 * time.Hour), now.Add(-91 * 24 * time.Hour), now.Add(-time.Hour)} {
			require.NoError(t, s.Append(ctx, entry("c-1", at, "ok")), "entry %d", i)
		}
		n, err = s.SweepAudit(ctx, now.Add(-90*24*time.Hour))
		require.NoError(t, err)
		assert.EqualValues(t, 2, n, "audit entries past retention are swept")
		got, err := s.History(ctx, "acme", "c-1", 10)
		require.NoError(t, err)
		assert.Len(t, got, 1)

		_, err = s.Acquire(ctx, "acme", []string{"short"}, store.NewHolder(), time.Millisecond)
		require.NoError(t, err)
		_, err = s.Acquire(ctx, "acme", []string{"long"}, store.NewHolder(), time.Hour)
		require.NoError(t, err)
		time.Sleep(20 * time.Millisecond)
		n, err = s.SweepLocks(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 1, n, "the ended lease is swept, the live one kept")

		require.NoError(t, s.RecordCreate(ctx, "acme", "old co", "u-1"))
		n, err = s.SweepCreates(ctx, time.Now().Add(time.Second))
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)

		require.NoError(t, s.PutLink(ctx, "expired link", link(now.Add(-time.Second))))
		require.NoError(t, s.PutLink(ctx, "live link", link(now.Add(time.Hour))))
		n, err = s.SweepLinks(ctx, now)
		require.NoError(t, err)
		assert.EqualValues(t, 1, n, "the expired link is swept, the live one kept")
		_, ok, err := s.GetLink(ctx, "live link")
		require.NoError(t, err)
		assert.True(t, ok)

		// The background sweeper does the same on its own.
		_, err = s.Remember(ctx, "soon gone", time.Now().Add(50*time.Millisecond))
		require.NoError(t, err)
		require.Equal(t, 2, count(t, u, "deliveries"))
		require.NoError(t, s.PutLink(ctx, "soon gone", link(time.Now().Add(50*time.Millisecond))))
		require.Equal(t, 2, count(t, u, "link_tokens"))
		sweepCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); s.RunSweeper(sweepCtx, store.SweepPolicy{Interval: 20 * time.Millisecond}) }()
		require.Eventually(t, func() bool { return count(t, u, "deliveries") == 1 },
			10*time.Second, 20*time.Millisecond, "the sweeper deletes the delivery once it expires")
		require.Eventually(t, func() bool { return count(t, u, "link_tokens") == 1 },
			10*time.Second, 20*time.Millisecond, "the sweeper deletes the link once it expires")
		stop()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("RunSweeper did not return 5 s after its context ended")
		}
	})
}

func TestMemoryStore(t *testing.T) {
	s := openStore(t, store.MemoryURL, testOpts())
	other := openStore(t, ":memory:", testOpts())
	ctx := ctxT(t, 30*time.Second)
	until := time.Now().Add(time.Minute)
	for _, want := range []bool{true, false} {
		first, err := s.Remember(ctx, "k", until)
		require.NoError(t, err)
		assert.Equal(t, want, first)
	}
	first, err := other.Remember(ctx, "k", until)
	require.NoError(t, err)
	assert.True(t, first, "each in-memory store is its own")

	h := store.NewHolder()
	_, err = s.Acquire(ctx, "acme", []string{"n"}, h, time.Minute)
	require.NoError(t, err)
	require.NoError(t, s.Release(ctx, "acme", []string{"n"}, h))
	require.NoError(t, s.Append(ctx, entry("c", time.Now(), "ok")))
	got, err := s.History(ctx, "acme", "c", 1)
	require.NoError(t, err)
	assert.Len(t, got, 1)
	assert.Equal(t, "sqlite", s.Driver())
	assert.True(t, s.Health().OK())
}

func TestOpenURLs(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		url  string
		file string // the file the store creates; "" for an error
	}{
		{"sqlite:" + dir + "/a/state.db", dir + "/a/state.db"},
		{"sqlite://" + dir + "/b/state.db", dir + "/b/state.db"},
		{dir + "/c/state.db", dir + "/c/state.db"},
		{"mysql://root@localhost/db", ""},
		{"sqlite:", ""},
		{"sqlite:" + dir + "/d.db?mode=ro", ""},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			s, err := store.Open(context.Background(), tc.url, testOpts())
			if tc.file == "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "state store")
				return
			}
			require.NoError(t, err)
			defer s.Close()
			require.NoError(t, s.Ready(ctxT(t, 30*time.Second)))
			assert.FileExists(t, tc.file)
		})
	}
}

func TestDefaultPath(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	p, err := store.DefaultPath()
	require.NoError(t, err)
	assert.Equal(t, state+"/gitscrum-bridge/state.db", p)

	home := t.TempDir()
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", home)
	p, err = store.DefaultPath()
	require.NoError(t, err)
	assert.Equal(t, home+"/.local/state/gitscrum-bridge/state.db", p)

	s, err := store.Open(context.Background(), "", testOpts())
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Ready(ctxT(t, 30*time.Second)))
	info, err := statDir(home + "/.local/state/gitscrum-bridge")
	require.NoError(t, err)
	assert.Equal(t, "drwx------", info, "the state directory is the user's only")
}

func TestPasswordNeverShown(t *testing.T) {
	_, err := store.Open(context.Background(), "postgres://bridge:s3cret-pw@[::1:5432/db", testOpts())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret-pw")

	// Nothing listens on port 1: the store stays unavailable, and says so without the password.
	s, err := store.Open(context.Background(), "postgres://bridge:s3cret-pw@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", testOpts())
	require.NoError(t, err, "opening returns at once, before any connection")
	defer s.Close()
	start := time.Now()
	_, err = s.Remember(ctxT(t, 30*time.Second), "k", time.Now().Add(time.Minute))
	require.ErrorIs(t, err, store.ErrUnavailable)
	assert.Less(t, time.Since(start), 10*time.Second, "a write fails fast while the database is out of reach")
	assert.NotContains(t, err.Error(), "s3cret-pw")
	assert.Contains(t, err.Error(), "state store (postgres) unavailable")
	h := s.Health()
	assert.Equal(t, store.StatusDegraded, h.Status)
	require.Error(t, h.Err)
	assert.NotContains(t, h.Err.Error(), "s3cret-pw")
	assert.False(t, errors.Is(err, context.Canceled))
	assert.False(t, strings.Contains(err.Error(), "s3cret"))
}
