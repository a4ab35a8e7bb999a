package gitscrum_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// names returns the names of a snapshot's clients.
func names(s *gitscrum.Snapshot) []string {
	out := make([]string, 0, s.Len())
	for _, c := range s.Clients() {
		out = append(out, c.Name)
	}
	return out
}

func TestClientsServesFromCache(t *testing.T) {
	srv, c, _ := newEnv(t)
	seed(t, srv, "Acme Corp")
	ctx := context.Background()

	first, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	for range 5 {
		again, err := c.Clients(ctx, workspace)
		require.NoError(t, err)
		assert.Same(t, first, again, "the cached snapshot itself")
		assert.Same(t, first.Index(), again.Index(), "its index is built once")
	}
	assert.Equal(t, 1, listings(srv, workspace))
	assert.Equal(t, []string{"Acme Corp"}, names(first))
}

func TestClientsCacheOff(t *testing.T) {
	srv, c, _ := newEnv(t, gitscrum.WithCacheTTL(0))
	seed(t, srv, "Acme Corp")
	ctx := context.Background()
	for range 3 {
		_, err := c.Clients(ctx, workspace)
		require.NoError(t, err)
	}
	for range 2 {
		_, err := c.ResolveClient(ctx, workspace, "acme corp")
		require.NoError(t, err)
	}
	assert.Equal(t, 5, listings(srv, workspace), "every call lists")
}

func TestCacheOptionsRefuseNonsense(t *testing.T) {
	for _, opt := range []gitscrum.Option{gitscrum.WithCacheTTL(-time.Second), gitscrum.WithCacheStaleFor(-time.Second), gitscrum.WithCacheMaxRecords(0)} {
		_, err := gitscrum.New(opt)
		assert.Error(t, err)
	}
}

// TestClientsTokenIsolation: two tokens never share a list, even for one workspace.
func TestClientsTokenIsolation(t *testing.T) {
	srv, c, _ := newEnv(t)
	seed(t, srv, "Acme Corp")
	const tokenB = "token-b-0123456789"
	srv.AddToken(tokenB)
	a, b := c, c.WithToken(tokenB)
	ctx := context.Background()

	sa, err := a.Clients(ctx, workspace)
	require.NoError(t, err)
	sb, err := b.Clients(ctx, workspace)
	require.NoError(t, err)
	assert.NotSame(t, sa, sb)
	assert.Equal(t, 2, listings(srv, workspace), "one listing per token")
	var auth []string
	for _, r := range srv.Requests() {
		auth = append(auth, r.Header.Get("Authorization"))
	}
	assert.Equal(t, []string{"Bearer " + emulator.DefaultToken, "Bearer " + tokenB}, auth)

	// Each token is then served its own list.
	for _, cl := range []*gitscrum.Client{a, b, a, b} {
		_, err := cl.Clients(ctx, workspace)
		require.NoError(t, err)
	}
	assert.Equal(t, 2, listings(srv, workspace))

	// A client with a third token, even over the same connection pool, lists again.
	_, err = c.WithToken("token-c-0123456789").Clients(ctx, workspace)
	require.ErrorIs(t, err, gitscrum.ErrUnauthorized, "a token the emulator does not know")
	assert.Equal(t, 3, listings(srv, workspace))
}

// TestClientsRejectedToken: a listing GitScrum refuses caches nothing, and a token
// refused later loses its cached lists at the first refresh.
func TestClientsRejectedToken(t *testing.T) {
	// Without the memory of rejected tokens, which would answer the repeated calls
	// itself, so that each call shows whether a list was cached.
	srv, c, _ := newEnv(t, gitscrum.WithRejectedTokenTTL(0))
	seed(t, srv, "Acme Corp")
	ctx := context.Background()
	const unknown = "token-unknown-0123456789"
	bad := c.WithToken(unknown)
	for range 3 {
		_, err := bad.Clients(ctx, workspace)
		require.ErrorIs(t, err, gitscrum.ErrUnauthorized)
	}
	assert.Equal(t, 3, listings(srv, workspace), "nothing cached for a refused token")
	_, err := bad.ResolveClient(ctx, workspace, "Acme Corp")
	require.ErrorIs(t, err, gitscrum.ErrUnauthorized)
	assert.Equal(t, 4, listings(srv, workspace))

	// Another token's list was never filled by the refused one.
	srv.ResetRequests()
	_, err = c.Clients(ctx, workspace)
	require.NoError(t, err)
	assert.Equal(t, 1, listings(srv, workspace))

	// A token refused after its list was cached: once stale, the list is served
	// while the refresh runs, and the refresh's 401 drops it.
	events := newCacheEvents()
	clock := newFakeClock()
	srv2, c2, _ := newEnv(t, gitscrum.WithObserver(events))
	gitscrum.SetCacheClock(c2, clock.Now)
	seed(t, srv2, "Acme Corp")
	_, err = c2.Clients(ctx, workspace)
	require.NoError(t, err)
	srv2.ExpireToken(emulator.DefaultToken)
	clock.Advance(gitscrum.DefaultCacheTTL + time.Second)
	_, err = c2.Clients(ctx, workspace)
	require.NoError(t, err, "the stale list, served at once")
	events.await(t, gitscrum.CacheRefreshError)
	_, err = c2.Clients(ctx, workspace)
	require.ErrorIs(t, err, gitscrum.ErrUnauthorized, "the list of a refused token is gone")
}

// TestClientsSingleflight: 200 concurrent cold lookups of one workspace make one
// listing (of several pages), whatever the mix of list, search and resolve.
func TestClientsSingleflight(t *testing.T) {
	srv, c, _ := newEnv(t)
	srv.SetPageSize(10)
	srv.AddClients(workspace, emulator.GenerateClients(45)...)
	target := srv.Clients(workspace)[17]
	srv.SetLatency(20 * time.Millisecond)
	ctx := context.Background()

	const n = 200
	gate := make(chan struct{})
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-gate
			if i%2 == 0 {
				snap, err := c.Clients(ctx, workspace)
				if err == nil && snap.Len() != 45 {
					err = fmt.Errorf("listed %d clients", snap.Len())
				}
				errs <- err
				return
			}
			cc, err := c.ResolveClient(ctx, workspace, target.Name)
			if err == nil && cc.UUID != target.UUID {
				err = fmt.Errorf("resolved %s", cc.UUID)
			}
			errs <- err
		})
	}
	close(gate)
	gitscrum.AwaitGroup(t, &wg, "the lookups did not end")
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, listings(srv, workspace), "one listing for all")
	pages := 0
	for _, line := range requestLines(srv) {
		if line == "GET /contact-companies/clients" {
			pages++
		}
	}
	assert.Equal(t, 5, pages, "its five pages, each once")
}

// TestClientsCallerContext: a caller whose context ends returns at once; the
// listing it started goes on for the others and is cached.
func TestClientsCallerContext(t *testing.T) {
	srv, c, _ := newEnv(t)
	seed(t, srv, "Acme Corp")
	srv.SetLatency(300 * time.Millisecond)

	ctx, cancel := context.WithCancel(context.Background())
	quit := make(chan error, 1)
	go func() {
		_, err := c.Clients(ctx, workspace)
		quit <- err
	}()
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, 5*time.Second, time.Millisecond, "the first caller's listing started")
	var wg sync.WaitGroup
	others := make(chan error, 10)
	for range 10 {
		wg.Go(func() {
			snap, err := c.Clients(context.Background(), workspace)
			if err == nil && snap.Len() != 1 {
				err = fmt.Errorf("%d clients", snap.Len())
			}
			others <- err
		})
	}
	cancel()
	select {
	case err := <-quit:
		require.ErrorIs(t, err, context.Canceled)
		assertClass(t, err, gitscrum.ErrCanceled)
	case <-time.After(5 * time.Second):
		t.Fatal("the canceled caller did not return")
	}
	gitscrum.AwaitGroup(t, &wg, "the callers sharing the listing did not end")
	close(others)
	for err := range others {
		require.NoError(t, err)
	}
	srv.SetLatency(0)
	_, err := c.Clients(context.Background(), workspace)
	require.NoError(t, err)
	assert.Equal(t, 1, listings(srv, workspace), "the listing went on, and was cached")

	// A caller whose context has ended starts nothing.
	done, stop := context.WithCancel(context.Background())
	stop()
	_, err = c.WithToken("other-token-0123456789").Clients(done, workspace)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, listings(srv, workspace))
}

// TestClientsWritesVisible: creates and updates through the client are in the
// cached list at once: the next list, search and lookup show them, without a
// listing. Lists of the workspace for other tokens turn stale.
func TestClientsWritesVisible(t *testing.T) {
	events := newCacheEvents()
	srv, c, _ := newEnv(t, gitscrum.WithObserver(events))
	acme := seed(t, srv, "Acme Corp")
	const tokenB = "token-b-0123456789"
	srv.AddToken(tokenB)
	b := c.WithToken(tokenB)
	ctx := context.Background()
	_, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	beforeB, err := b.Clients(ctx, workspace)
	require.NoError(t, err)

	created, err := c.CreateClientIfNew(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Globex Corporation"}, false)
	require.NoError(t, err)
	name := "Acme Rockets"
	_, err = c.UpdateClientByRef(ctx, acme.UUID, gitscrum.UpdateClientRequest{CompanySlug: workspace, Name: &name})
	require.NoError(t, err)

	snap, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	assert.Equal(t, []string{"Acme Rockets", "Globex Corporation"}, names(snap))
	m, err := snap.Index().Search(ctx, "rockets")
	require.NoError(t, err)
	require.Len(t, m, 1, "the index is of the patched list")
	assert.Equal(t, acme.UUID, m[0].Client.UUID)
	got, err := c.ResolveClient(ctx, workspace, "globex")
	require.NoError(t, err)
	assert.Equal(t, created.UUID, got.UUID)
	assert.Equal(t, 2, listings(srv, workspace), "no listing since the first of each token")
	assert.GreaterOrEqual(t, events.count(gitscrum.CachePatch), 2)

	// The other token's list is stale: served once as it was, then refreshed.
	stale, err := b.Clients(ctx, workspace)
	require.NoError(t, err)
	assert.Same(t, beforeB, stale)
	events.await(t, gitscrum.CacheRefresh)
	fresh, err := b.Clients(ctx, workspace)
	require.NoError(t, err)
	assert.Equal(t, []string{"Acme Rockets", "Globex Corporation"}, names(fresh))
	assert.Equal(t, 3, listings(srv, workspace))
}

// TestClientsWriteDuringListing: a write made while the list is being read is in
// the list that the reading returns and caches, though its page was read before.
func TestClientsWriteDuringListing(t *testing.T) {
	srv := emulator.New()
	srv.SetPageSize(2)
	srv.AddClients(workspace, emulator.GenerateClients(6)...)
	first := srv.Clients(workspace)[0]
	atPage3, release := make(chan struct{}), make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "3" {
			close(atPage3)
			select {
			case <-release:
			case <-time.After(gitscrum.WaitBound):
			}
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	c, err := gitscrum.New(gitscrum.WithBaseURL(ts.URL), gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithHTTPClient(ts.Client()))
	require.NoError(t, err)
	ctx := context.Background()
	listed := make(chan *gitscrum.Snapshot, 1)
	go func() {
		snap, err := c.Clients(ctx, workspace)
		assert.NoError(t, err)
		listed <- snap
	}()
	gitscrum.Receive(t, atPage3, "the listing did not reach page 3") // page 1, with the first client, has been read
	name := "Renamed Meanwhile"
	_, err = c.UpdateClient(ctx, first.UUID, gitscrum.UpdateClientRequest{CompanySlug: workspace, Name: &name})
	require.NoError(t, err)
	close(release)
	snap := gitscrum.Receive(t, listed, "the listing did not end")
	require.NotNil(t, snap)
	assert.Equal(t, name, snap.Clients()[0].Name, "the listing's own result")
	cached, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	assert.Same(t, snap, cached)
	assert.Equal(t, 1, listings(srv, workspace))
}

// TestClientsStaleWhileRevalidate: a stale list is served at once, by every caller,
// while exactly one background refresh runs; a failed refresh keeps the stale list;
// an expired one is listed again while the caller waits.
func TestClientsStaleWhileRevalidate(t *testing.T) {
	events := newCacheEvents()
	clock := newFakeClock()
	srv, c, _ := newEnv(t, gitscrum.WithObserver(events), gitscrum.WithCacheTTL(30*time.Second), gitscrum.WithCacheStaleFor(time.Minute))
	gitscrum.SetCacheClock(c, clock.Now)
	seed(t, srv, "Acme Corp")
	ctx := context.Background()
	old, err := c.Clients(ctx, workspace)
	require.NoError(t, err)

	seed(t, srv, "Late Corp") // made elsewhere
	clock.Advance(31 * time.Second)
	srv.SetLatency(200 * time.Millisecond)
	var wg sync.WaitGroup
	served := make(chan *gitscrum.Snapshot, 20)
	for range 20 {
		wg.Go(func() {
			snap, err := c.Clients(ctx, workspace)
			assert.NoError(t, err)
			served <- snap
		})
	}
	gitscrum.AwaitGroup(t, &wg, "the readers of the stale list waited")
	close(served)
	for snap := range served {
		assert.Same(t, old, snap, "the stale list, without waiting for the refresh")
	}
	events.await(t, gitscrum.CacheRefresh)
	assert.Equal(t, 2, listings(srv, workspace), "exactly one refresh")
	assert.Equal(t, 20, events.count(gitscrum.CacheStale))
	srv.SetLatency(0)
	fresh, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	assert.Equal(t, []string{"Acme Corp", "Late Corp"}, names(fresh))

	// A refresh that fails leaves the stale list in place.
	clock.Advance(31 * time.Second)
	srv.FailNext(3, http.StatusServiceUnavailable, 0)
	snap, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	assert.Same(t, fresh, snap)
	events.await(t, gitscrum.CacheRefreshError)
	snap, err = c.Clients(ctx, workspace)
	require.NoError(t, err)
	assert.Same(t, fresh, snap, "still served after the failed refresh")
	events.await(t, gitscrum.CacheRefresh) // that read started another refresh, which succeeds

	// Past the stale window, the caller waits for a new listing.
	seed(t, srv, "Later Corp")
	clock.Advance(2 * time.Minute)
	before := listings(srv, workspace)
	snap, err = c.Clients(ctx, workspace)
	require.NoError(t, err)
	assert.Equal(t, []string{"Acme Corp", "Late Corp", "Later Corp"}, names(snap))
	assert.Equal(t, before+1, listings(srv, workspace))
}

// TestClientsCapEvictsLeastRecentlyUsed: the records across lists stay under the
// cap; the least recently used list goes, and one larger than the cap is not kept.
func TestClientsCapEvictsLeastRecentlyUsed(t *testing.T) {
	events := newCacheEvents()
	srv, c, _ := newEnv(t, gitscrum.WithObserver(events), gitscrum.WithCacheMaxRecords(10))
	for _, ws := range []string{"w1", "w2", "w3"} {
		srv.AddClients(ws, emulator.GenerateClients(4)...)
	}
	srv.AddClients("huge", emulator.GenerateClients(11)...)
	ctx := context.Background()
	list := func(ws string) {
		t.Helper()
		_, err := c.Clients(ctx, ws)
		require.NoError(t, err)
	}
	list("w1")
	list("w2")
	list("w1") // w1 is now more recently used than w2
	list("w3") // 12 records > 10: w2 goes
	assert.Equal(t, 1, events.count(gitscrum.CacheEviction))
	assert.Equal(t, 8, events.records)
	list("w1")
	list("w3")
	assert.Equal(t, 1, listings(srv, "w1"))
	assert.Equal(t, 1, listings(srv, "w3"))
	list("w2") // w1, used before w3, goes now
	assert.Equal(t, 2, listings(srv, "w2"), "evicted, so listed again")
	list("w3")
	assert.Equal(t, 1, listings(srv, "w3"))
	list("w1")
	assert.Equal(t, 2, listings(srv, "w1"))

	list("huge")
	list("huge")
	assert.Equal(t, 2, listings(srv, "huge"), "a list larger than the cap is not cached")
}

// TestClientsNotShared: callers cannot change the cached list through a snapshot:
// they are given the same immutable snapshot, and a patch makes a new one.
func TestClientsPatchMakesNewSnapshot(t *testing.T) {
	srv, c, _ := newEnv(t)
	acme := seed(t, srv, "Acme Corp")
	ctx := context.Background()
	before, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	ix := before.Index()
	phone := "+1-555-0199"
	_, err = c.UpdateClient(ctx, acme.UUID, gitscrum.UpdateClientRequest{CompanySlug: workspace, Phone: &phone})
	require.NoError(t, err)
	after, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	assert.NotSame(t, before, after)
	assert.Equal(t, "+1-555-0100", before.Clients()[0].Phone, "a reader's snapshot never changes")
	assert.Equal(t, phone, after.Clients()[0].Phone)
	assert.Same(t, ix, before.Index())
	assert.Equal(t, before.ListedAt(), after.ListedAt(), "a patch does not make the list fresher")
}

// TestResolveClientFresh: the record shown is always from a fresh GET, the list
// only says which client is meant.
func TestResolveClientFresh(t *testing.T) {
	srv, c, _ := newEnv(t)
	acme := seed(t, srv, "Acme Corp")
	ctx := context.Background()
	_, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	changed := acme
	changed.Phone = "+1-555-0777"
	srv.AddClients(workspace, changed) // changed elsewhere
	srv.ResetRequests()
	got, err := c.ResolveClient(ctx, workspace, "acme corp")
	require.NoError(t, err)
	assert.Equal(t, "+1-555-0777", got.Phone)
	assert.Equal(t, []string{"GET /contact-companies/" + acme.UUID}, requestLines(srv), "one GET, no listing")
	snap, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	assert.Equal(t, "+1-555-0777", snap.Clients()[0].Phone, "the fresh record updates the cached list")
}

// TestUpdateBeforeIsFresh: an update's before → after starts from a fresh record.
func TestUpdateBeforeIsFresh(t *testing.T) {
	srv, c, _ := newEnv(t)
	acme := seed(t, srv, "Acme Corp")
	ctx := context.Background()
	_, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	changed := acme
	changed.Phone = "+1-555-0777"
	srv.AddClients(workspace, changed)
	srv.ResetRequests()
	phone := "+1-555-0888"
	res, err := c.UpdateClientByRef(ctx, "Acme Corp", gitscrum.UpdateClientRequest{CompanySlug: workspace, Phone: &phone})
	require.NoError(t, err)
	assert.Equal(t, "+1-555-0777", res.Before.Phone)
	require.Len(t, res.Changes, 1)
	assert.Equal(t, "+1-555-0777", res.Changes[0].Before)
	assert.Equal(t, []string{"GET /contact-companies/" + acme.UUID, "PUT /contact-companies/" + acme.UUID}, requestLines(srv))
}

// TestDuplicateCheckMaxAge: the duplicate check lists again when the cached list is
// older than DuplicateCheckMaxAge, and after a create whose outcome is unknown.
func TestDuplicateCheckMaxAge(t *testing.T) {
	clock := newFakeClock()
	srv, c, _ := newEnv(t)
	gitscrum.SetCacheClock(c, clock.Now)
	seed(t, srv, "Acme Corp")
	ctx := context.Background()
	_, err := c.Clients(ctx, workspace)
	require.NoError(t, err)

	// Within the max age the cached list is trusted.
	clock.Advance(gitscrum.DuplicateCheckMaxAge - time.Second)
	_, err = c.CreateClientIfNew(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "First Corp"}, false)
	require.NoError(t, err)
	assert.Equal(t, 1, listings(srv, workspace))

	// Older, although fresh for reads, it is listed again: a client made elsewhere
	// meanwhile is found.
	seed(t, srv, "Made Elsewhere")
	clock.Advance(2 * time.Second)
	_, err = c.CreateClientIfNew(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "made elsewhere"}, false)
	require.ErrorIs(t, err, gitscrum.ErrDuplicate)
	assert.Equal(t, 2, listings(srv, workspace))

	// A create that failed in a way that may have created the client: the retry's
	// check does not trust the cached list, however young.
	srv.FailNext(1, http.StatusInternalServerError, 0)
	_, err = c.CreateClientIfNew(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Maybe Corp"}, false)
	var ge *gitscrum.Error
	require.ErrorAs(t, err, &ge)
	require.True(t, ge.MayHaveChanged())
	_, err = c.CreateClientIfNew(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Maybe Corp"}, false)
	require.NoError(t, err)
	assert.Equal(t, 3, listings(srv, workspace))
}

// TestResolveByID: a reference that could be an id, whatever its shape, costs one
// GET when no cached list answers it; warm lookups by name or id cost one GET.
func TestResolveByID(t *testing.T) {
	srv, c, _ := newEnv(t)
	srv.AddClients(workspace, gitscrum.ClientCompany{UUID: "client-abc-123", Name: "Acme Corp"},
		gitscrum.ClientCompany{UUID: "123e4567-e89b-12d3-a456-426614174000", Name: "Initech"})
	ctx := context.Background()
	lookup := func(ref, wantName string, wantRequests ...string) {
		t.Helper()
		srv.ResetRequests()
		got, err := c.ResolveClient(ctx, workspace, ref)
		require.NoError(t, err, ref)
		assert.Equal(t, wantName, got.Name, ref)
		assert.Equal(t, wantRequests, requestLines(srv), ref)
	}
	const (
		getABC  = "GET /contact-companies/client-abc-123"
		getUUID = "GET /contact-companies/123e4567-e89b-12d3-a456-426614174000"
		list    = "GET /contact-companies/clients"
	)
	// Cold: by id, one GET, whatever the id's shape.
	lookup("client-abc-123", "Acme Corp", getABC)
	lookup("123e4567-e89b-12d3-a456-426614174000", "Initech", getUUID)
	// Cold, a one-word name: tried as an id (404), then listed and fetched.
	lookup("initech", "Initech", "GET /contact-companies/initech", list, getUUID)
	// Warm: the cached list answers names and ids; one GET.
	lookup("acme", "Acme Corp", getABC)
	lookup("Initech", "Initech", getUUID)
	lookup("client-abc-123", "Acme Corp", getABC)
	// Warm, an id the cached list lacks (made elsewhere): one GET.
	srv.AddClients(workspace, gitscrum.ClientCompany{UUID: "client-def-456", Name: "Globex"})
	lookup("client-def-456", "Globex", "GET /contact-companies/client-def-456")

	// Warm, a name the young cached list lacks: not found, without requests.
	srv.ResetRequests()
	_, err := c.ResolveClient(ctx, workspace, "no such client")
	require.ErrorIs(t, err, gitscrum.ErrNotFound)
	assert.Empty(t, requestLines(srv))
}

// TestResolveNotFoundRelistsOldList: a name that a cached list older than
// DuplicateCheckMaxAge does not resolve is looked for in a new listing.
func TestResolveNotFoundRelistsOldList(t *testing.T) {
	clock := newFakeClock()
	srv, c, _ := newEnv(t)
	gitscrum.SetCacheClock(c, clock.Now)
	seed(t, srv, "Acme Corp")
	ctx := context.Background()
	_, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	seed(t, srv, "Made Elsewhere Ltd")
	clock.Advance(gitscrum.DuplicateCheckMaxAge + time.Second)
	got, err := c.ResolveClient(ctx, workspace, "made elsewhere ltd")
	require.NoError(t, err)
	assert.Equal(t, "Made Elsewhere Ltd", got.Name)
	assert.Equal(t, 2, listings(srv, workspace))
}

func TestLooksLikeID(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"client-abc-123", true},
		{"123e4567-e89b-12d3-a456-426614174000", true},
		{"acme", true},
		{"a_b", true},
		{"", false},
		{"acme corp", false},
		{" acme", false},
		{"acme.co", false},
		{"a/b", false},
		{"zürich", false},
		{string(make([]byte, 65)), false},
		{"x" + string(slices.Repeat([]byte("y"), 63)), true},
		{"x" + string(slices.Repeat([]byte("y"), 64)), false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, gitscrum.LooksLikeID(tt.in), "%q", tt.in)
	}
}

// FuzzLooksLikeID: every UUID-shaped ref looks like an id, and an id-shaped ref is
// one word that a GET path can carry as it is.
func FuzzLooksLikeID(f *testing.F) {
	for _, s := range []string{"client-abc-123", "123e4567-e89b-12d3-a456-426614174000", "acme corp", "", "a/b?c#d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if gitscrum.LooksLikeUUID(s) && !gitscrum.LooksLikeID(s) {
			t.Fatalf("%q is a UUID but not an id", s)
		}
		if gitscrum.LooksLikeID(s) {
			if len(s) == 0 || len(s) > 64 {
				t.Fatalf("%q: length %d", s, len(s))
			}
			for _, r := range s {
				if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
					t.Fatalf("%q holds %q", s, r)
				}
			}
		}
	})
}

// TestClientsErrorsAreTyped: a workspace GitScrum does not know is an error, not an
// empty cached list.
func TestClientsErrorsAreTyped(t *testing.T) {
	srv, c, _ := newEnv(t)
	_, err := c.Clients(context.Background(), "nope")
	require.ErrorIs(t, err, gitscrum.ErrNotFound)
	_, err = c.Clients(context.Background(), "nope")
	require.ErrorIs(t, err, gitscrum.ErrNotFound)
	assert.Equal(t, 2, listings(srv, "nope"))
	_, err = c.Clients(context.Background(), "bad slug")
	require.ErrorIs(t, err, gitscrum.ErrValidation)
	assert.False(t, errors.Is(err, gitscrum.ErrNotFound))
}

// TestWriteByNameResolvesOnAYoungList: a write picks its client by name only in a
// list at most DuplicateCheckMaxAge old, so a client of the same name made
// elsewhere since the listing makes the write ambiguous instead of going to the
// older one; a read still answers from the cached list.
func TestWriteByNameResolvesOnAYoungList(t *testing.T) {
	clock := newFakeClock()
	srv, c, _ := newEnv(t)
	gitscrum.SetCacheClock(c, clock.Now)
	first := seed(t, srv, "Acme Corp")
	ctx := context.Background()
	_, err := c.Clients(ctx, workspace)
	require.NoError(t, err)

	// Within the max age, the cached list answers the write: a GET, then the PUT.
	clock.Advance(gitscrum.DuplicateCheckMaxAge - time.Second)
	srv.ResetRequests()
	phone := "+1-555-0101"
	_, err = c.UpdateClientByRef(ctx, "Acme Corp", gitscrum.UpdateClientRequest{CompanySlug: workspace, Phone: &phone})
	require.NoError(t, err)
	assert.Equal(t, []string{"GET /contact-companies/" + first.UUID, "PUT /contact-companies/" + first.UUID}, requestLines(srv))

	seed(t, srv, "ACME Corp.") // the same name, made elsewhere
	clock.Advance(2 * time.Second)
	got, err := c.ResolveClient(ctx, workspace, "Acme Corp")
	require.NoError(t, err, "a read answers from the cached list")
	assert.Equal(t, first.UUID, got.UUID)
	assert.Equal(t, 0, listings(srv, workspace), "no listing since the first")

	_, err = c.UpdateClientByRef(ctx, "Acme Corp", gitscrum.UpdateClientRequest{CompanySlug: workspace, Phone: &phone})
	require.ErrorIs(t, err, gitscrum.ErrAmbiguous, "the write looked at a new listing")
	assert.Equal(t, 1, listings(srv, workspace))
}
