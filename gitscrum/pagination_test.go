package gitscrum_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// TestListFollowsPages checks a paginated list is fetched completely, each page once,
// and returns the clients in the server's order: one page after another with page
// concurrency 1, several at once by default.
func TestListFollowsPages(t *testing.T) {
	tests := []struct{ clients, pageSize, wantRequests int }{
		{clients: 0, pageSize: 0, wantRequests: 1},
		{clients: 7, pageSize: 0, wantRequests: 1},
		{clients: 0, pageSize: 3, wantRequests: 1},
		{clients: 3, pageSize: 3, wantRequests: 1},
		{clients: 7, pageSize: 3, wantRequests: 3},
		{clients: 25, pageSize: 5, wantRequests: 5},
		{clients: 26, pageSize: 5, wantRequests: 6},
		{clients: 100, pageSize: 3, wantRequests: 34},
	}
	for _, concurrency := range []int{1, gitscrum.DefaultPageConcurrency} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%d in pages of %d, %d at once", tt.clients, tt.pageSize, concurrency), func(t *testing.T) {
				srv, c, _ := newEnv(t, gitscrum.WithPageConcurrency(concurrency))
				srv.SetPageSize(tt.pageSize)
				var want []string
				for i := range tt.clients {
					want = append(want, seed(t, srv, fmt.Sprintf("Client %02d", i)).UUID)
				}
				got, err := c.ListClients(context.Background(), workspace)
				require.NoError(t, err)
				require.NotNil(t, got)
				var uuids []string
				for _, cc := range got {
					uuids = append(uuids, cc.UUID)
				}
				assert.Equal(t, want, uuids)

				reqs := srv.Requests()
				require.Len(t, reqs, tt.wantRequests)
				assert.Empty(t, reqs[0].Query.Get("page"), "the first request is the documented one")
				var pages []int
				for _, r := range reqs[1:] {
					assert.Equal(t, workspace, r.Query.Get("company_slug"))
					p, err := strconv.Atoi(r.Query.Get("page"))
					require.NoError(t, err)
					pages = append(pages, p)
				}
				if concurrency > 1 {
					slices.Sort(pages) // they may arrive in any order
				}
				for i, p := range pages {
					assert.Equal(t, i+2, p)
				}
			})
		}
	}
}

// TestListPageRetried checks a page that fails transiently is retried and the list
// is still complete: page 2 of 3 fails once, and only page 2 is asked for twice.
func TestListPageRetried(t *testing.T) {
	srv, c, _ := newEnv(t)
	srv.SetPageSize(2)
	for i := range 6 {
		seed(t, srv, fmt.Sprintf("Client %d", i))
	}
	want, err := c.ListClients(context.Background(), workspace)
	require.NoError(t, err)
	require.Len(t, want, 6)
	srv.ResetRequests()

	srv.FailPage(2, 1, http.StatusServiceUnavailable, 0)
	got, err := c.ListClients(context.Background(), workspace)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	statuses := map[string][]int{} // page → statuses answered, in order
	for _, r := range srv.Requests() {
		statuses[r.Query.Get("page")] = append(statuses[r.Query.Get("page")], r.Status)
	}
	assert.Equal(t, map[string][]int{
		"":  {http.StatusOK},
		"2": {http.StatusServiceUnavailable, http.StatusOK},
		"3": {http.StatusOK},
	}, statuses, "page 2 failed once and was retried; pages 1 and 3 were asked for once")
}
