// Package scalebench measures how listing and searching grow with the number of
// clients in a workspace: time, bytes and allocations (runtime.MemStats TotalAlloc
// and Mallocs deltas) and the peak of the in-use heap during the operation.
package scalebench

import (
	"context"
	"fmt"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// PageSize is the emulator's page size for the list. GitScrum's real page size is
// not documented; 100 is an assumption.
const PageSize = 100

// Query is the search query: a name prefix that about one client in 32 has.
const Query = "glob"

// Measure is what repeated runs of one operation measured.
type Measure struct {
	// Times of the runs, sorted; Time is their median.
	Times []time.Duration
	Time  time.Duration
	// AllocBytes and Allocs are the TotalAlloc and Mallocs deltas of one run (the
	// median run by bytes).
	AllocBytes, Allocs uint64
	// PeakHeap is the largest rise of the in-use heap (HeapInuse) above its level
	// before a run, sampled every 200 µs during the runs, in bytes.
	PeakHeap uint64
	// Result is the operation's count (clients listed, matches found).
	Result int
}

// measure runs op reps times, each after a full GC.
func measure(reps int, op func() (int, error)) (Measure, error) {
	var m Measure
	var bytes, mallocs []uint64
	for range max(reps, 1) {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		stop := sampleHeap(before.HeapInuse)
		t0 := time.Now()
		n, err := op()
		d := time.Since(t0)
		peak := stop()
		runtime.ReadMemStats(&after)
		if err != nil {
			return m, err
		}
		m.Times = append(m.Times, d)
		bytes = append(bytes, after.TotalAlloc-before.TotalAlloc)
		mallocs = append(mallocs, after.Mallocs-before.Mallocs)
		m.PeakHeap = max(m.PeakHeap, peak)
		m.Result = n
	}
	m.Times = stats.Sorted(m.Times)
	m.Time = stats.Percentile(m.Times, 50)
	m.AllocBytes = stats.Percentile(stats.Sorted(bytes), 50)
	m.Allocs = stats.Percentile(stats.Sorted(mallocs), 50)
	return m, nil
}

// heapInuse reads what runtime.MemStats calls HeapInuse without stopping the world.
func heapInuse(s []metrics.Sample) uint64 {
	metrics.Read(s)
	var sum uint64
	for _, v := range s {
		if v.Value.Kind() == metrics.KindUint64 {
			sum += v.Value.Uint64()
		}
	}
	return sum
}

// sampleHeap samples the in-use heap until the returned function is called, which
// returns the largest rise above base seen (one last sample included).
func sampleHeap(base uint64) func() uint64 {
	newSamples := func() []metrics.Sample {
		return []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	}
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		s := newSamples()
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				v := heapInuse(s)
				mu.Lock()
				peak = max(peak, v)
				mu.Unlock()
			}
		}
	})
	return func() uint64 {
		last := heapInuse(newSamples())
		close(done)
		wg.Wait()
		p := max(peak, last)
		if p < base {
			return 0
		}
		return p - base
	}
}

// Lister serves workspaces of generated clients from an in-process emulator on
// loopback, in pages of PageSize.
type Lister struct {
	emu    *emulator.Server
	srv    *httptest.Server
	client *gitscrum.Client
}

// NewLister starts the emulator, empty.
func NewLister() (*Lister, error) {
	emu := emulator.New()
	emu.SetPageSize(PageSize)
	emu.SetLogLimit(100)
	srv := httptest.NewServer(emu)
	c, err := gitscrum.New(gitscrum.WithBaseURL(srv.URL), gitscrum.WithToken(emulator.DefaultToken),
		gitscrum.WithRetryPolicy(gitscrum.NoRetries), gitscrum.WithTimeout(time.Minute))
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &Lister{emu: emu, srv: srv, client: c}, nil
}

// Add stores clients as workspace slug.
func (l *Lister) Add(slug string, clients []gitscrum.ClientCompany) {
	l.emu.AddClients(slug, clients...)
}

// PageURL is the URL of page p of workspace slug, for a raw round trip baseline.
func (l *Lister) PageURL(slug string, p int) string {
	return fmt.Sprintf("%s/contact-companies/clients?company_slug=%s&page=%d", l.srv.URL, slug, p)
}

// Close stops the emulator.
func (l *Lister) Close() { l.srv.Close() }

// List measures gitscrum.Client.ListClients of workspace slug, which must hold
// want clients: every page fetched over loopback HTTP and decoded. The allocations
// include the in-process emulator's side (encoding the pages).
func (l *Lister) List(slug string, want, reps int) (Measure, error) {
	ctx := context.Background()
	return measure(reps, func() (int, error) {
		got, err := l.client.ListClients(ctx, slug)
		if err != nil {
			return 0, err
		}
		if len(got) != want {
			return len(got), fmt.Errorf("listed %d clients of %s, want %d", len(got), slug, want)
		}
		return len(got), nil
	})
}

// Search measures building a gitscrum.Index of clients and one Search of Query.
func Search(clients []gitscrum.ClientCompany, reps int) (Measure, error) {
	return measure(reps, func() (int, error) {
		got, err := gitscrum.NewIndex(clients).Search(context.Background(), Query)
		return len(got), err
	})
}
