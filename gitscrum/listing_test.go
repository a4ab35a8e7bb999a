package gitscrum_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// pageOf is the page a list request asks for (1 without ?page).
func pageOf(r *http.Request) int {
	if p, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && p > 1 {
		return p
	}
	return 1
}

// frontClient is a client for handler, served over real HTTP.
func frontClient(t *testing.T, handler http.Handler, opts ...gitscrum.Option) *gitscrum.Client {
	t.Helper()
	ts := httptest.NewServer(handler)
	t.Cleanup(ts.Close)
	c, err := gitscrum.New(append([]gitscrum.Option{gitscrum.WithBaseURL(ts.URL),
		gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithRetryPolicy(fastRetry)}, opts...)...)
	require.NoError(t, err)
	return c
}

// TestConcurrentListEqualsSequential lists 50 clients in 17 pages of 3 with pages
// failing transiently (503, 429, 502 twice), one page after another and several at
// once: every listing equals the one without faults, and each failed page alone was
// asked for again.
func TestConcurrentListEqualsSequential(t *testing.T) {
	srv, _, url := newEnv(t)
	srv.SetPageSize(3)
	for i := range 50 {
		seed(t, srv, fmt.Sprintf("Client %02d", i))
	}
	plain, err := gitscrum.New(gitscrum.WithBaseURL(url), gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithPageConcurrency(1))
	require.NoError(t, err)
	want, err := plain.ListClients(context.Background(), workspace)
	require.NoError(t, err)
	require.Len(t, want, 50)

	for _, n := range []int{1, 2, 8, 32} {
		t.Run(fmt.Sprintf("%d at once", n), func(t *testing.T) {
			c, err := gitscrum.New(gitscrum.WithBaseURL(url), gitscrum.WithToken(emulator.DefaultToken),
				gitscrum.WithRetryPolicy(fastRetry), gitscrum.WithPageConcurrency(n))
			require.NoError(t, err)
			srv.ResetRequests()
			srv.FailPage(1, 1, http.StatusServiceUnavailable, 0)
			srv.FailPage(2, 1, http.StatusServiceUnavailable, 0)
			srv.FailPage(5, 1, http.StatusTooManyRequests, 0)
			srv.FailPage(9, 2, http.StatusBadGateway, 0)
			srv.FailPage(17, 1, http.StatusServiceUnavailable, 0)
			got, err := c.ListClients(context.Background(), workspace)
			require.NoError(t, err)
			assert.Equal(t, want, got)

			asked := map[int]int{}
			for _, r := range srv.Requests() {
				p, _ := strconv.Atoi(r.Query.Get("page"))
				asked[max(p, 1)]++
			}
			for p := 1; p <= 17; p++ {
				wantAsked := 1
				switch p {
				case 1, 2, 5, 17:
					wantAsked = 2
				case 9:
					wantAsked = 3
				}
				assert.Equal(t, wantAsked, asked[p], "page %d", p)
			}
			assert.Len(t, asked, 17)
		})
	}
}

// TestListRecordShiftsToNextPage serves a list that moves while it is read: a record
// at the end of one page comes again at the start of the next (page 1 [a, b], page 2
// [b, c]). Each client is listed once, in page order, whatever the concurrency.
func TestListRecordShiftsToNextPage(t *testing.T) {
	tests := []struct{ clients, pageSize, shift int }{
		{3, 2, 1},  // [a b] [b c]
		{10, 3, 1}, // 4 pages, as announced
		{20, 4, 2}, // page 1 announces 5 pages, page 2 on 6
		{20, 4, 4}, // page 2 repeats page 1 whole
	}
	for _, n := range []int{1, gitscrum.DefaultPageConcurrency} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%d in pages of %d shifted by %d, %d at once", tt.clients, tt.pageSize, tt.shift, n), func(t *testing.T) {
				srv, c, _ := newEnv(t, gitscrum.WithPageConcurrency(n))
				var want []gitscrum.ClientCompany
				for i := range tt.clients {
					want = append(want, seed(t, srv, fmt.Sprintf("Client %c", 'a'+i)))
				}
				srv.SetPageSize(tt.pageSize)
				srv.SetPageShift(tt.shift)
				got, err := c.ListClients(context.Background(), workspace)
				require.NoError(t, err)
				var names []string
				for _, cc := range got {
					names = append(names, cc.Name)
				}
				var wantNames []string
				for _, cc := range want {
					wantNames = append(wantNames, cc.Name)
				}
				assert.Equal(t, wantNames, names)
				served := 0
				for _, r := range srv.Requests() {
					assert.Equal(t, http.StatusOK, r.Status)
					served++
				}
				// Pages after the first announce one page more when the shift pushes
				// the last clients onto it: the listing follows.
				assert.Equal(t, (tt.clients+tt.shift+tt.pageSize-1)/tt.pageSize, served)
			})
		}
	}
	t.Run("a b then b c", func(t *testing.T) {
		srv, c, _ := newEnv(t)
		a, b, cc := seed(t, srv, "A"), seed(t, srv, "B"), seed(t, srv, "C")
		srv.SetPageSize(2)
		srv.SetPageShift(1)
		got, err := c.ListClients(context.Background(), workspace)
		require.NoError(t, err)
		assert.Equal(t, []gitscrum.ClientCompany{a, b, cc}, got)
	})
}

// TestListKeepsPageOrder answers the pages in reverse order (each page waits until the
// page after it was answered) and checks the list is still in page order. Only a
// client with the pages in flight at once can finish.
func TestListKeepsPageOrder(t *testing.T) {
	srv, _, _ := newEnv(t)
	srv.SetPageSize(2)
	var want []gitscrum.ClientCompany
	for i := range 10 {
		want = append(want, seed(t, srv, fmt.Sprintf("Client %d", i)))
	}
	const pages = 5
	answered := make([]chan struct{}, pages+2)
	for i := range answered {
		answered[i] = make(chan struct{})
	}
	close(answered[pages+1])
	var timedOut atomic.Bool
	c := frontClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := pageOf(r)
		if p > 1 {
			select {
			case <-answered[p+1]:
			case <-time.After(10 * time.Second):
				timedOut.Store(true)
			}
		}
		srv.ServeHTTP(w, r)
		close(answered[p])
	}), gitscrum.WithPageConcurrency(pages))
	got, err := c.ListClients(context.Background(), workspace)
	require.NoError(t, err)
	assert.False(t, timedOut.Load(), "the pages were not in flight at once")
	assert.Equal(t, want, got)
}

// TestListPageConcurrencyBound checks no more pages are in flight than the bound.
func TestListPageConcurrencyBound(t *testing.T) {
	srv, _, _ := newEnv(t)
	srv.SetPageSize(1)
	for i := range 30 {
		seed(t, srv, fmt.Sprintf("Client %d", i))
	}
	srv.SetLatency(5 * time.Millisecond)
	for _, n := range []int{1, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var inFlight, peak atomic.Int32
			c := frontClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				now := inFlight.Add(1)
				defer inFlight.Add(-1)
				for p := peak.Load(); now > p && !peak.CompareAndSwap(p, now); p = peak.Load() {
				}
				srv.ServeHTTP(w, r)
			}), gitscrum.WithPageConcurrency(n))
			got, err := c.ListClients(context.Background(), workspace)
			require.NoError(t, err)
			assert.Len(t, got, 30)
			assert.LessOrEqual(t, peak.Load(), int32(n))
		})
	}
}

// TestListFirstErrorCancelsTheRest fails page 3 for good (a 500 is not retried) once
// pages 2, 4, 5 and 6 are in flight, and holds those: the call returns page 3's error,
// and each of the others sees its request canceled.
func TestListFirstErrorCancelsTheRest(t *testing.T) {
	srv, _, _ := newEnv(t)
	srv.SetPageSize(1)
	for i := range 6 {
		seed(t, srv, fmt.Sprintf("Client %d", i))
	}
	var mu sync.Mutex
	outcome := map[int]string{}
	var handlers sync.WaitGroup
	othersIn := make(chan struct{})
	var arrived atomic.Int32
	c := frontClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		p := pageOf(r)
		switch p {
		case 1:
			srv.ServeHTTP(w, r)
			return
		case 3:
			select {
			case <-othersIn:
			case <-time.After(10 * time.Second):
			}
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		if arrived.Add(1) == 4 {
			close(othersIn)
		}
		select {
		case <-r.Context().Done():
			mu.Lock()
			outcome[p] = "canceled"
			mu.Unlock()
		case <-time.After(10 * time.Second):
			mu.Lock()
			outcome[p] = "not canceled"
			mu.Unlock()
			srv.ServeHTTP(w, r)
		}
	}), gitscrum.WithPageConcurrency(8))
	_, err := c.ListClients(context.Background(), workspace)
	e := assertClass(t, err, gitscrum.ErrUnavailable)
	assert.Equal(t, http.StatusInternalServerError, e.StatusCode)
	assert.Equal(t, "GET", e.Method)
	gitscrum.AwaitGroup(t, &handlers, "the held pages' handlers did not end")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[int]string{2: "canceled", 4: "canceled", 5: "canceled", 6: "canceled"}, outcome)
}

// TestListSharesOneDeadline checks the pages of one listing share the client's timeout
// rather than each having its own: five pages of 150 ms each cannot fit in 400 ms.
func TestListSharesOneDeadline(t *testing.T) {
	srv, c, _ := newEnv(t, gitscrum.WithTimeout(400*time.Millisecond), gitscrum.WithPageConcurrency(1))
	srv.SetPageSize(1)
	for i := range 5 {
		seed(t, srv, fmt.Sprintf("Client %d", i))
	}
	srv.SetLatency(150 * time.Millisecond)
	_, err := c.ListClients(context.Background(), workspace)
	assertClass(t, err, gitscrum.ErrUnavailable)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	assert.Less(t, len(srv.Requests()), 5)
}
