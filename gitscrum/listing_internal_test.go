package gitscrum

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pageAnswer is what a scripted server answers for one page: the uuids on it and the
// meta's current and last page.
type pageAnswer struct {
	uuids         []string
	current, last int
}

// scriptedList serves the list from script, which maps a requested page to its answer,
// and records the pages asked for.
func scriptedList(t *testing.T, script func(page int) pageAnswer) (url string, asked func() []int) {
	t.Helper()
	var mu sync.Mutex
	var pages []int
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := 1
		if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil {
			p = n
		}
		mu.Lock()
		pages = append(pages, p)
		mu.Unlock()
		a := script(p)
		data := make([]map[string]string, len(a.uuids))
		for i, u := range a.uuids {
			data[i] = map[string]string{"uuid": u, "name": "Client " + u}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"data": data,
			"meta": map[string]int{"total": 1000, "per_page": 1, "current_page": a.current, "last_page": a.last},
		})
	}))
	t.Cleanup(ts.Close)
	return ts.URL, func() []int {
		mu.Lock()
		defer mu.Unlock()
		return append([]int(nil), pages...)
	}
}

func uuidsOf(cs []ClientCompany) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.UUID
	}
	return out
}

// TestListGuards checks the pagination guards hold one page at a time and several at
// once: a list announcing more pages than the limit is refused after page 1; one that
// keeps announcing another page is refused at the limit; a page that does not advance
// is an error; a page that skips ahead is followed as the walk would.
func TestListGuards(t *testing.T) {
	const limit = 20
	for _, n := range []int{1, 8} {
		t.Run(fmt.Sprintf("%d at once", n), func(t *testing.T) {
			newClient := func(url string) *Client {
				c, err := New(WithBaseURL(url), WithToken("sandbox-token"), WithRetryPolicy(NoRetries), WithPageConcurrency(n))
				require.NoError(t, err)
				c.pageLimit = limit
				return c
			}
			ctx := context.Background()

			t.Run("announces too many pages", func(t *testing.T) {
				url, asked := scriptedList(t, func(p int) pageAnswer {
					return pageAnswer{[]string{fmt.Sprint(p)}, p, limit + 1}
				})
				_, err := newClient(url).ListClients(ctx, "acme")
				require.ErrorIs(t, err, ErrUnavailable)
				assert.Contains(t, err.Error(), fmt.Sprintf("list has more than %d pages", limit))
				assert.Equal(t, []int{1}, asked(), "refused before asking for more")
			})
			t.Run("at the limit", func(t *testing.T) {
				url, asked := scriptedList(t, func(p int) pageAnswer {
					return pageAnswer{[]string{fmt.Sprint(p)}, p, limit}
				})
				got, err := newClient(url).ListClients(ctx, "acme")
				require.NoError(t, err)
				assert.Len(t, got, limit)
				assert.Len(t, asked(), limit)
			})
			t.Run("never ends", func(t *testing.T) {
				url, asked := scriptedList(t, func(p int) pageAnswer {
					return pageAnswer{[]string{fmt.Sprint(p)}, p, p + 1}
				})
				_, err := newClient(url).ListClients(ctx, "acme")
				require.ErrorIs(t, err, ErrUnavailable)
				assert.Contains(t, err.Error(), fmt.Sprintf("list has more than %d pages", limit))
				assert.Len(t, asked(), limit)
			})
			t.Run("does not advance", func(t *testing.T) {
				url, _ := scriptedList(t, func(p int) pageAnswer {
					return pageAnswer{[]string{fmt.Sprint(p)}, min(p, 2), 5}
				})
				_, err := newClient(url).ListClients(ctx, "acme")
				require.ErrorIs(t, err, ErrUnavailable)
				assert.Contains(t, err.Error(), "pagination did not advance (asked for page 3, got page 2)")
			})
			t.Run("skips ahead", func(t *testing.T) {
				url, asked := scriptedList(t, func(p int) pageAnswer {
					if p == 2 {
						return pageAnswer{[]string{"2"}, 4, 6}
					}
					return pageAnswer{[]string{fmt.Sprint(p)}, p, 6}
				})
				got, err := newClient(url).ListClients(ctx, "acme")
				require.NoError(t, err)
				assert.Equal(t, []string{"1", "2", "5", "6"}, uuidsOf(got), "as the walk one page at a time goes: 1, 2 (answered as 4), 5, 6")
				if n == 1 {
					assert.Equal(t, []int{1, 2, 5, 6}, asked())
				}
			})
			t.Run("ends early", func(t *testing.T) {
				url, _ := scriptedList(t, func(p int) pageAnswer {
					if p >= 3 {
						return pageAnswer{nil, p, 6}
					}
					return pageAnswer{[]string{fmt.Sprint(p)}, p, 6}
				})
				got, err := newClient(url).ListClients(ctx, "acme")
				require.NoError(t, err)
				assert.Equal(t, []string{"1", "2"}, uuidsOf(got), "an empty page ends the list")
			})
		})
	}
}
