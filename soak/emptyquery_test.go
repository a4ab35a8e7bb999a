package soak

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

// The empty-query step of the attack phase: /gitscrum list without a query, the
// command (like the picker before anything is typed, and Next on an unfiltered
// list) that once copied and sorted the whole workspace on every request.
const (
	// emptyQueryWorkers send emptyQueryRounds commands each, at once.
	emptyQueryWorkers = 8
	emptyQueryRounds  = 5
	// emptyQueryBytes bounds what one unfiltered list allocates in the whole test
	// process (bot, HTTP, emulator): a page, not the workspace. A copy of the
	// attack's 5,000 clients alone is about 0.9 MB, and sorting it normalised every
	// name again at each comparison.
	emptyQueryBytes = 512 << 10
)

// emptyQueries sends emptyQueryWorkers × emptyQueryRounds unfiltered lists at once,
// against the cached list of the large workspace. Each must be answered with the
// first page (inline, or on its response_url on a machine too busy for the inline
// budget), with no GitScrum request, and allocate under emptyQueryBytes.
func (a *attack) emptyQueries() {
	s := a.s
	warm := a.slack.command(attackWriter, "list", false)
	if warm.err != nil || warm.status != 200 || !strings.Contains(warm.text, "clients in workspace") {
		s.t.Errorf("attack: the first unfiltered list: %d %q %v", warm.status, warm.text, warm.err)
		return
	}
	var (
		mu       sync.Mutex
		slowest  time.Duration
		deferred int
		bad      []string
		before   runtime.MemStats
		after    runtime.MemStats
	)
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	upstream := a.countUpstream(func() {
		var wg sync.WaitGroup
		for i := range emptyQueryWorkers {
			w := newSlackWorker(s, 950+i, attackWriter)
			w.endpoint = a.slack.endpoint
			wg.Go(func() {
				for range emptyQueryRounds {
					start := time.Now()
					ans := w.command(attackWriter, "list", false)
					took := time.Since(start)
					mu.Lock()
					slowest = max(slowest, took)
					if ans.deferred {
						deferred++
					}
					if ans.err != nil || ans.status != 200 || !strings.Contains(ans.text, "clients in workspace") {
						bad = append(bad, fmt.Sprintf("%d deferred=%v %q %v", ans.status, ans.deferred, ans.fallback, ans.err))
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	})
	wall := time.Since(t0)
	runtime.ReadMemStats(&after)
	n := emptyQueryWorkers * emptyQueryRounds
	perCommand := (after.TotalAlloc - before.TotalAlloc) / uint64(n)
	if len(bad) > 0 {
		s.t.Errorf("attack: %d of %d unfiltered lists were not answered with the list: %s", len(bad), n, strings.Join(bad, "; "))
	}
	if upstream != 0 {
		s.t.Errorf("attack: %d unfiltered lists of a cached workspace made %d GitScrum requests, want 0", n, upstream)
	}
	if perCommand > emptyQueryBytes {
		s.t.Errorf("attack: an unfiltered list of %d clients allocated %d KiB, over %d KiB: it copies the workspace",
			len(a.seeds), perCommand>>10, emptyQueryBytes>>10)
	}
	a.lines = append(a.lines, fmt.Sprintf("%d unfiltered lists of %d clients, %d at once: %s in all, slowest %s, %d answered on the response_url; %d KiB allocated per list (bound %d KiB); GitScrum requests: %d",
		n, len(a.seeds), emptyQueryWorkers, wall.Round(time.Millisecond), slowest.Round(time.Millisecond), deferred, perCommand>>10, emptyQueryBytes>>10, upstream))
}
