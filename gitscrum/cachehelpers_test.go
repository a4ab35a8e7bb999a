package gitscrum_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// cacheEvents records what the list cache reports; it is a gitscrum.Observer and a
// gitscrum.CacheObserver.
type cacheEvents struct {
	mu      sync.Mutex
	n       map[gitscrum.CacheEvent]int
	records int
	ch      chan gitscrum.CacheEvent
}

func newCacheEvents() *cacheEvents {
	return &cacheEvents{n: map[gitscrum.CacheEvent]int{}, ch: make(chan gitscrum.CacheEvent, 10_000)}
}

func (e *cacheEvents) ObserveAttempt(string, int, time.Duration, bool) {}

func (e *cacheEvents) ObserveCacheEvent(ev gitscrum.CacheEvent) {
	e.mu.Lock()
	e.n[ev]++
	e.mu.Unlock()
	e.ch <- ev
}

func (e *cacheEvents) ObserveCacheRecords(n int) {
	e.mu.Lock()
	e.records = n
	e.mu.Unlock()
}

func (e *cacheEvents) count(ev gitscrum.CacheEvent) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.n[ev]
}

// await waits for the next event ev (others are skipped).
func (e *cacheEvents) await(t testing.TB, ev gitscrum.CacheEvent) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case got := <-e.ch:
			if got == ev {
				return
			}
		case <-timeout:
			require.FailNow(t, "no cache event "+string(ev))
		}
	}
}

// listings counts the listings the emulator served: requests for the first page of
// the list (a paginated listing asks for page 1 once, then the others).
func listings(srv *emulator.Server, slug string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && r.Path == "/contact-companies/clients" && r.Query.Get("company_slug") == slug &&
			(r.Query.Get("page") == "" || r.Query.Get("page") == "1") {
			n++
		}
	}
	return n
}

// requestLine is one request as "METHOD path".
func requestLines(srv *emulator.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}
