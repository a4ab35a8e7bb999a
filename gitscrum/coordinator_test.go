package gitscrum_test

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state/statetest"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

// replicas is one emulator and a way to start "replicas" of a bridge on it: each a
// gitscrum.Client of its own (its own list cache, its own in-process locks), as two
// processes behind one load balancer have.
type replicas struct {
	t   *testing.T
	srv *emulator.Server
	url string
}

// newReplicas starts an emulator with one empty workspace.
func newReplicas(t *testing.T) *replicas {
	srv := emulator.New()
	srv.AddWorkspace(workspace)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &replicas{t: t, srv: srv, url: ts.URL}
}

// replica returns a new client of the emulator, coordinated through coord when it
// is not nil.
func (r *replicas) replica(coord gitscrum.CreateCoordinator, opts ...gitscrum.Option) *gitscrum.Client {
	base := []gitscrum.Option{gitscrum.WithBaseURL(r.url), gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithRetryPolicy(fastRetry)}
	if coord != nil {
		base = append(base, gitscrum.WithCreateCoordinator(coord))
	}
	c, err := gitscrum.New(append(base, opts...)...)
	require.NoError(r.t, err)
	return c
}

// sent counts the requests of method the emulator received.
func (r *replicas) sent(method string) int {
	n := 0
	for _, req := range r.srv.Requests() {
		if req.Method == method {
			n++
		}
	}
	return n
}

// named returns the clients of the workspace whose name normalises to name's.
func (r *replicas) named(name string) []gitscrum.ClientCompany {
	return gitscrum.FindDuplicates(r.srv.Clients(workspace), name, "")
}

// TestCreateSeenAcrossReplicas: "Replica Race Co" created through replica B, then
// through replica A a second later while A's cached list (read just before) does
// not show it yet. Without a state store both are created; with one, A answers
// "already exists" with B's client, and nothing is posted twice.
func TestCreateSeenAcrossReplicas(t *testing.T) {
	const name = "Replica Race Co"
	run := func(t *testing.T, coord gitscrum.CreateCoordinator) (*replicas, *gitscrum.ClientCompany, error) {
		r := newReplicas(t)
		a, b := r.replica(coord), r.replica(coord)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := a.Clients(ctx, workspace) // A has a list, from before B's create
		require.NoError(t, err)
		_, err = b.CreateClientIfNew(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: name}, false)
		require.NoError(t, err)
		time.Sleep(time.Second)
		got, err := a.CreateClientIfNew(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: name}, false)
		return r, got, err
	}
	t.Run("without a state store", func(t *testing.T) {
		r, _, err := run(t, nil)
		require.NoError(t, err, "A's list is younger than the duplicate check's limit, so A trusts it")
		assert.Len(t, r.named(name), 2, "the bug a state store fixes: two clients of one name")
	})
	statetest.Each(t, func(t *testing.T, b statetest.Backend) {
		r, got, err := run(t, openTestStore(t, b.NewDB(t)))
		require.ErrorIs(t, err, gitscrum.ErrDuplicate, "A sees B's create in the record of creates; got %+v", got)
		var dup *gitscrum.DuplicateError
		require.ErrorAs(t, err, &dup)
		created := r.named(name)
		require.Len(t, created, 1, "one client")
		require.Len(t, dup.Existing, 1)
		assert.Equal(t, created[0].UUID, dup.Existing[0].UUID, "A shows B's client")
		assert.Equal(t, 1, r.sent(http.MethodPost), "one POST")
	})
}

// TestConcurrentCreatesAcrossReplicas: 40 creates of one name (as typed by
// different people) at once, split over two replicas on one database, make
// exactly one POST; the 39 others answer "already exists" with that client.
func TestConcurrentCreatesAcrossReplicas(t *testing.T) {
	statetest.Each(t, func(t *testing.T, b statetest.Backend) {
		u := b.NewDB(t)
		r := newReplicas(t)
		r.srv.SetLatency(5 * time.Millisecond) // widen the window between check and create
		// Each replica has its own store on the one database, as two processes do.
		clients := []*gitscrum.Client{r.replica(openTestStore(t, u)), r.replica(openTestStore(t, u))}
		names := []string{"Concurrent Co", "concurrent co", "CONCURRENT  CO", "Concurrent Co."}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		const n = 40
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			made  []string
			dups  []string
			other []error
		)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				c, err := clients[i%2].CreateClientIfNew(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: names[i%len(names)]}, false)
				mu.Lock()
				defer mu.Unlock()
				var dup *gitscrum.DuplicateError
				switch {
				case err == nil:
					made = append(made, c.UUID)
				case errors.As(err, &dup) && len(dup.Existing) > 0:
					dups = append(dups, dup.Existing[0].UUID)
				default:
					other = append(other, err)
				}
			})
		}
		close(start)
		wg.Wait()
		require.Empty(t, other, "every create either creates or answers already exists")
		require.Len(t, made, 1, "exactly one create succeeds")
		assert.Len(t, dups, n-1)
		for _, u := range dups {
			assert.Equal(t, made[0], u, "each refusal shows the one client created")
		}
		assert.Equal(t, 1, r.sent(http.MethodPost), "exactly one POST reached GitScrum")
		assert.Len(t, r.named("Concurrent Co"), 1)
	})
}

// TestVanishedHolderReleasedByTTL: a replica took a create's lock and vanished
// (killed before releasing it). Another replica's create of that name waits until
// the lease ends, then creates: the name is blocked no longer than the lease.
func TestVanishedHolderReleasedByTTL(t *testing.T) {
	statetest.Each(t, func(t *testing.T, b statetest.Backend) {
		s := openTestStore(t, b.NewDB(t))
		r := newReplicas(t)
		req := gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Vanished Holder GmbH", Email: "ops@vanished.example"}
		const ttl = 1500 * time.Millisecond
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := s.Acquire(ctx, workspace, gitscrum.CreateKeys(req), store.NewHolder(), ttl)
		require.NoError(t, err, "the replica that will vanish takes the lock")
		began := time.Now()
		got, err := r.replica(s).CreateClientIfNew(ctx, req, false)
		waited := time.Since(began)
		require.NoError(t, err, "the name is free once the lease ended")
		assert.Equal(t, req.Name, got.Name)
		assert.GreaterOrEqual(t, waited, ttl-200*time.Millisecond, "the create waited for the vanished holder's lease")
		assert.Less(t, waited, ttl+5*time.Second, "and not much longer")
		assert.Equal(t, 1, r.sent(http.MethodPost))
	})
}

// TestReplicaDiedHoldingLockReleasedByTTL: replica A takes a create's lock with a
// lease of 2 s, its POST hangs, and A's process dies (its store closes: the lock is
// never released). Replica B's create of that name waits no longer than A's lease,
// then creates; A's lease is the one WithCreateLockTTL set.
func TestReplicaDiedHoldingLockReleasedByTTL(t *testing.T) {
	statetest.Each(t, func(t *testing.T, b statetest.Backend) {
		u := b.NewDB(t)
		storeA, storeB := openTestStore(t, u), openTestStore(t, u)
		r := newReplicas(t)
		var calls atomic.Int32
		r.srv.SetLatencyFunc(func() time.Duration {
			if calls.Add(1) == 1 {
				return time.Minute // A's POST hangs
			}
			return 0
		})
		const ttl = 2 * time.Second
		a := r.replica(storeA, gitscrum.WithCreateLockTTL(ttl))
		req := gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Died Holding Ltd"}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		began := time.Now()
		aDone := make(chan error, 1)
		go func() { _, err := a.CreateClientIfNew(ctx, req, true); aDone <- err }()
		require.Eventually(t, func() bool { return r.sent(http.MethodPost) == 1 }, 10*time.Second, 5*time.Millisecond,
			"A holds the lock and its POST reached the emulator")
		require.NoError(t, storeA.Close(), "A's process dies: its store is gone, its lock is never released")
		_, err := r.replica(storeB).CreateClientIfNew(ctx, req, false)
		waited := time.Since(began)
		require.NoError(t, err, "B creates once A's lease ended")
		assert.GreaterOrEqual(t, waited, ttl-lockSlack, "B waited for A's lease")
		assert.Less(t, waited, ttl+5*time.Second, "and no longer than the lease (and a little)")
		select {
		case err := <-aDone:
			require.Error(t, err, "A's hanging POST was cut off before its lease ended")
		case <-time.After(10 * time.Second):
			t.Fatal("A's create did not end within 10 s of its lease")
		}
		assert.Len(t, r.named(req.Name), 1)
	})
}

// lockSlack is how much earlier than a lease a test accepts that it ended: the
// process's and the database's clocks, and the work cut off a tenth early.
const lockSlack = 400 * time.Millisecond

// storeOutage is a way to take a store's database out of reach and back.
type storeOutage struct {
	name       string
	open       func(t *testing.T) *store.Store
	down, back func(t *testing.T)
}

// outages are a PostgreSQL server gone (through a proxy that stops) and a SQLite
// file locked by another program.
func outages() []storeOutage {
	var (
		proxy *storetest.Proxy
		conn  *sql.Conn
		path  string
	)
	return []storeOutage{
		{
			name: "postgres down",
			open: func(t *testing.T) *store.Store {
				var u string
				u, proxy = storetest.Proxied(t, statetest.PostgresURL(t))
				return openTestStore(t, u)
			},
			down: func(*testing.T) { proxy.Stop() },
			back: func(*testing.T) { proxy.Start() },
		},
		{
			name: "sqlite locked",
			open: func(t *testing.T) *store.Store {
				u := statetest.SQLiteURL(t)
				path = strings.TrimPrefix(u, "sqlite:")
				return openTestStore(t, u)
			},
			down: func(t *testing.T) {
				db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
				require.NoError(t, err)
				t.Cleanup(func() { _ = db.Close() })
				conn, err = db.Conn(context.Background())
				require.NoError(t, err)
				_, err = conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE")
				require.NoError(t, err, "another program takes the file's write lock")
			},
			back: func(t *testing.T) {
				_, err := conn.ExecContext(context.Background(), "ROLLBACK")
				require.NoError(t, err)
				require.NoError(t, conn.Close())
			},
		},
	}
}

// TestStoreDownRefusesWrites: while the state store is out of reach, creates
// (forced or not), updates and edits are refused with an error that names the
// state store and says reads still work, and nothing is sent to GitScrum; reads
// work. When the store is back, writes resume without a new client.
func TestStoreDownRefusesWrites(t *testing.T) {
	for _, o := range outages() {
		t.Run(o.name, func(t *testing.T) {
			s := o.open(t)
			r := newReplicas(t)
			acme := r.srv.AddClients(workspace, gitscrum.ClientCompany{Name: "Acme Corp", Email: "billing@acme.example"})[0]
			c := r.replica(s)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			_, err := c.Clients(ctx, workspace)
			require.NoError(t, err)
			phone := "+1 555 0100"
			update := gitscrum.UpdateClientRequest{CompanySlug: workspace, Phone: &phone}
			create := gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Outage Co"}
			writes := []struct {
				name string
				do   func() error
			}{
				{"create", func() error { _, err := c.CreateClientIfNew(ctx, create, false); return err }},
				{"forced create", func() error { _, err := c.CreateClientIfNew(ctx, create, true); return err }},
				{"update by name", func() error { _, err := c.UpdateClientByRef(ctx, "Acme Corp", update); return err }},
				{"update by uuid", func() error { _, err := c.UpdateClientByRef(ctx, acme.UUID, update); return err }},
				{"edit", func() error { _, err := c.EditClient(ctx, workspace, acme.UUID, "", update); return err }},
			}

			o.down(t)
			r.srv.ResetRequests()
			for _, w := range writes {
				err := w.do()
				require.ErrorIs(t, err, gitscrum.ErrStateStore, w.name)
				require.ErrorIs(t, err, gitscrum.ErrUnavailable, w.name)
				var se *gitscrum.StateStoreError
				require.ErrorAs(t, err, &se, w.name)
				assert.ErrorIs(t, err, store.ErrUnavailable, "%s: the store's own error is kept", w.name)
				for _, words := range []string{"state store", "nothing was sent to GitScrum", "reads still work"} {
					assert.Contains(t, err.Error(), words, w.name)
				}
			}
			assert.Empty(t, r.srv.Requests(), "nothing was sent to GitScrum")

			got, err := c.GetClient(ctx, workspace, acme.UUID)
			require.NoError(t, err, "a read works while the store is down")
			assert.Equal(t, "Acme Corp", got.Name)
			_, err = c.ResolveClient(ctx, workspace, "acme")
			require.NoError(t, err, "a lookup by name works while the store is down")

			o.back(t)
			require.Eventually(t, func() bool {
				_, err := c.CreateClientIfNew(ctx, create, false)
				return err == nil
			}, 20*time.Second, 50*time.Millisecond, "creates resume once the store is back")
			res, err := c.UpdateClientByRef(ctx, "Acme Corp", update)
			require.NoError(t, err, "updates resume once the store is back")
			assert.Equal(t, phone, res.After.Phone)
			assert.Equal(t, 1, r.sent(http.MethodPost), "one create reached GitScrum, after the store came back")
		})
	}
}

// TestWithCreateCoordinatorCopy: a client given a coordinator after it was built
// coordinates through it, it and its WithToken copies, while the original does not.
func TestWithCreateCoordinatorCopy(t *testing.T) {
	s := openTestStore(t, statetest.SQLiteURL(t))
	r := newReplicas(t)
	plain := r.replica(nil)
	coordinated := plain.WithCreateCoordinator(s, time.Minute).WithToken(emulator.DefaultToken)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := plain.Clients(ctx, workspace)
	require.NoError(t, err)
	_, err = coordinated.Clients(ctx, workspace)
	require.NoError(t, err)
	req := gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Late Store Inc"}
	_, err = r.replica(s).CreateClientIfNew(ctx, req, false)
	require.NoError(t, err, "another replica creates it")
	_, err = coordinated.CreateClientIfNew(ctx, req, false)
	require.ErrorIs(t, err, gitscrum.ErrDuplicate, "the copy consults the record of creates")
	_, err = plain.CreateClientIfNew(ctx, req, false)
	require.NoError(t, err, "the original does not: its list is younger than the check's limit")
}
