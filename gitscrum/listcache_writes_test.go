package gitscrum_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// TestClientsPatchWhileReading: writes through the client patch the cached list
// while other callers read it, search it and resolve names in it; under -race this
// shows a patch that does not hold the cache's lock. Every reader sees a whole list,
// and the last list shows every write.
func TestClientsPatchWhileReading(t *testing.T) {
	srv, c, _ := newEnv(t)
	stored := srv.AddClients(workspace, emulator.GenerateClients(8)...)
	ctx := context.Background()
	_, err := c.Clients(ctx, workspace)
	require.NoError(t, err)

	const writers, writes, readers = 4, 5, 4
	var writing sync.WaitGroup
	var done atomic.Bool
	errs := make(chan error, writers*writes+readers)
	for w := range writers {
		writing.Go(func() {
			for i := range writes {
				phone := fmt.Sprintf("+1-555-%02d%02d", w, i)
				_, err := c.UpdateClient(ctx, stored[w].UUID, gitscrum.UpdateClientRequest{CompanySlug: workspace, Phone: &phone})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	var reading sync.WaitGroup
	for r := range readers {
		reading.Go(func() {
			for first := true; first || !done.Load(); first = false {
				snap, err := c.Clients(ctx, workspace)
				if err == nil && snap.Len() != len(stored) {
					err = fmt.Errorf("reader %d: %d clients", r, snap.Len())
				}
				if err == nil {
					_, err = snap.Index().Search(ctx, stored[r].Name)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	gitscrum.AwaitGroup(t, &writing, "the writers did not end")
	done.Store(true)
	gitscrum.AwaitGroup(t, &reading, "the readers did not end")
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	snap, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	for w := range writers {
		assert.Equal(t, fmt.Sprintf("+1-555-%02d%02d", w, writes-1), snap.Clients()[w].Phone, "the last write to client %d", w)
	}
	assert.Equal(t, 1, listings(srv, workspace), "the writes patched the cached list")
}

// TestClientsWriteOfUnknownOutcomeDuringListing: a create whose outcome is unknown
// (GitScrum applied it, but its answer was a 500) while a listing of the workspace is
// in flight, whose pages were read before the create: that listing lacks the client
// and must be neither cached nor trusted by the retried create's duplicate check,
// which would otherwise create the client a second time.
func TestClientsWriteOfUnknownOutcomeDuringListing(t *testing.T) {
	tests := []struct {
		name string
		// retryJoins: the retried create begins while the listing is in flight,
		// and joins it; otherwise it begins after the listing ended.
		retryJoins bool
	}{
		{name: "retry after the listing ended"},
		{name: "retry joins the listing in flight", retryJoins: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := emulator.New()
			srv.AddClients(workspace, gitscrum.ClientCompany{Name: "Acme Corp"})
			listRead, release := make(chan struct{}), make(chan struct{})
			var holdList, failPost sync.Once
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, r)
				switch {
				case r.Method == http.MethodGet && r.URL.Path == "/contact-companies/clients" && r.URL.Query().Get("company_slug") == workspace:
					// The first listing is read now, answered later.
					holdList.Do(func() {
						close(listRead)
						select {
						case <-release:
						case <-time.After(gitscrum.WaitBound):
						}
					})
				case r.Method == http.MethodPost:
					// The first create is applied, but answered 500.
					failed := false
					failPost.Do(func() { failed = true })
					if failed {
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(http.StatusInternalServerError)
						_, _ = w.Write([]byte(`{"message":"Server Error"}`))
						return
					}
				}
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(rec.Code)
				_, _ = w.Write(rec.Body.Bytes())
			}))
			t.Cleanup(ts.Close)
			events := newCacheEvents()
			c, err := gitscrum.New(gitscrum.WithBaseURL(ts.URL), gitscrum.WithToken(emulator.DefaultToken),
				gitscrum.WithHTTPClient(ts.Client()), gitscrum.WithRetryPolicy(gitscrum.NoRetries), gitscrum.WithObserver(events))
			require.NoError(t, err)
			ctx := context.Background()
			// The token is known good, so that the held listing is not the token's
			// probe, which the create would wait for.
			_, err = c.ListClients(ctx, "warm-up")
			require.ErrorIs(t, err, gitscrum.ErrNotFound)

			listed := make(chan error, 1)
			go func() {
				_, err := c.Clients(ctx, workspace)
				listed <- err
			}()
			gitscrum.Receive(t, listRead, "the listing did not reach GitScrum")
			req := gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Maybe Corp"}
			_, err = c.CreateClient(ctx, req)
			var ge *gitscrum.Error
			require.ErrorAs(t, err, &ge)
			require.True(t, ge.MayHaveChanged(), "a create answered 500 may have been applied")

			retried := make(chan error, 1)
			retry := func() {
				_, err := c.CreateClientIfNew(ctx, req, false)
				retried <- err
			}
			if tt.retryJoins {
				go retry()
				events.await(t, gitscrum.CacheMiss) // the listing's
				events.await(t, gitscrum.CacheMiss) // the retry's duplicate check
				time.Sleep(50 * time.Millisecond)   // which then joins the listing
				close(release)
			} else {
				close(release)
				require.NoError(t, gitscrum.Receive(t, listed, "the listing did not end"))
				retry()
			}
			require.ErrorIs(t, gitscrum.Receive(t, retried, "the retried create did not end"), gitscrum.ErrDuplicate,
				"the retried create found the client its first attempt made")
			if tt.retryJoins {
				require.NoError(t, gitscrum.Receive(t, listed, "the listing did not end"))
			}
			n := 0
			for _, cl := range srv.Clients(workspace) {
				if cl.Name == req.Name {
					n++
				}
			}
			assert.Equal(t, 1, n, "clients named %q", req.Name)

			snap, err := c.Clients(ctx, workspace)
			require.NoError(t, err)
			assert.Equal(t, []string{"Acme Corp", "Maybe Corp"}, names(snap), "the list lacking the create was not cached")
		})
	}
}
