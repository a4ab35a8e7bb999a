package gitscrum_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// TestClientsConcurrentColdListingsPerToken: two tokens that see different clients
// in one workspace list it at the same time, both cold. Each listing is shared only
// by callers of the same token: the second token's callers, arriving while the first
// token's listing is in flight, never get the first token's list.
func TestClientsConcurrentColdListingsPerToken(t *testing.T) {
	const tokenB = "token-b-0123456789"
	// Two GitScrums, one per token, so that the tokens see different lists.
	srvA := emulator.New()
	srvA.AddClients(workspace, gitscrum.ClientCompany{Name: "Alpha Corp"})
	srvB := emulator.New(emulator.WithToken(tokenB))
	srvB.AddClients(workspace, gitscrum.ClientCompany{Name: "Beta Corp"})

	// Token A's listing is held until token B's reaches GitScrum: B's callers must
	// be able to join A's listing, were the two keyed alike. The hold is bounded, so
	// that a cache sharing the listing (B never asks) shows as B given A's list.
	aListing, bArrived := make(chan struct{}), make(chan struct{})
	var once sync.Once
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer "+tokenB {
			once.Do(func() { close(bArrived) })
			srvB.ServeHTTP(w, r)
			return
		}
		close(aListing) // only one request with token A: a second one panics here
		select {
		case <-bArrived:
		case <-time.After(time.Second):
		}
		srvA.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	a, err := gitscrum.New(gitscrum.WithBaseURL(ts.URL), gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithHTTPClient(ts.Client()))
	require.NoError(t, err)
	b := a.WithToken(tokenB)

	type result struct {
		who   string
		names []string
		err   error
	}
	const perToken = 5
	results := make(chan result, 2*perToken)
	list := func(who string, c *gitscrum.Client) {
		snap, err := c.Clients(context.Background(), workspace)
		r := result{who: who, err: err}
		if err == nil {
			r.names = names(snap)
		}
		results <- r
	}
	var wg sync.WaitGroup
	for range perToken {
		wg.Go(func() { list("A", a) })
	}
	gitscrum.Receive(t, aListing, "token A's listing did not reach GitScrum")
	for range perToken {
		wg.Go(func() { list("B", b) })
	}
	gitscrum.AwaitGroup(t, &wg, "the listings did not end")
	close(results)
	want := map[string][]string{"A": {"Alpha Corp"}, "B": {"Beta Corp"}}
	for r := range results {
		require.NoError(t, r.err, r.who)
		assert.Equal(t, want[r.who], r.names, "token %s was given another token's list", r.who)
	}
	assert.Equal(t, 1, listings(srvA, workspace), "one listing for token A's callers")
	assert.Equal(t, 1, listings(srvB, workspace), "one listing for token B's callers")
}

// TestClientsUnauthorizedDropsEveryWorkspaceOfTheToken: a 401 on one workspace drops
// the token's cached lists of its other workspaces too (the token is refused, not
// the workspace), and no list of another token.
func TestClientsUnauthorizedDropsEveryWorkspaceOfTheToken(t *testing.T) {
	// Without the memory of rejected tokens, so that each call below asks GitScrum
	// unless a cached list answers it.
	srv, a, _ := newEnv(t, gitscrum.WithRejectedTokenTTL(0))
	const other, tokenB = "other", "token-b-0123456789"
	srv.AddClients(workspace, gitscrum.ClientCompany{Name: "Acme Corp"})
	srv.AddClients(other, gitscrum.ClientCompany{Name: "Other Corp"})
	srv.AddToken(tokenB)
	b := a.WithToken(tokenB)
	ctx := context.Background()
	for _, c := range []*gitscrum.Client{a, b} {
		for _, ws := range []string{workspace, other} {
			_, err := c.Clients(ctx, ws)
			require.NoError(t, err)
		}
	}
	require.Equal(t, 2, listings(srv, other), "both tokens' lists of the other workspace are cached")

	// Token A is revoked; the fresh GET of a client of the first workspace learns it.
	srv.ExpireToken(emulator.DefaultToken)
	_, err := a.ResolveClient(ctx, workspace, "Acme Corp")
	require.ErrorIs(t, err, gitscrum.ErrUnauthorized)

	_, err = a.Clients(ctx, other)
	require.ErrorIs(t, err, gitscrum.ErrUnauthorized, "token A's list of the other workspace was dropped with the first")
	assert.Equal(t, 3, listings(srv, other), "and listed again")

	snap, err := b.Clients(ctx, other)
	require.NoError(t, err)
	assert.Equal(t, []string{"Other Corp"}, names(snap))
	snap, err = b.Clients(ctx, workspace)
	require.NoError(t, err)
	assert.Equal(t, []string{"Acme Corp"}, names(snap))
	assert.Equal(t, 3, listings(srv, other), "token B's lists stay cached")
	assert.Equal(t, 2, listings(srv, workspace), "token B's lists stay cached")
}
