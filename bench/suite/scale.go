package main

import (
	"fmt"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/mcpbench"
	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/scalebench"
	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

var scaleSizes = []struct {
	name string
	n    int
}{{"1k", 1_000}, {"10k", 10_000}, {"100k", 100_000}}

// scale measures list and search at 1k, 10k and 100k clients; the 1k figures are
// the baselines of the others.
func (s *suite) scale() error {
	s.logf("scale: generating %d, %d and %d clients", scaleSizes[0].n, scaleSizes[1].n, scaleSizes[2].n)
	l, err := scalebench.NewLister()
	if err != nil {
		return err
	}
	defer l.Close()
	sets := make(map[string]int)
	generated := make([]generatedSet, len(scaleSizes))
	for i, size := range scaleSizes {
		generated[i] = generatedSet{slug: "scale-" + size.name, clients: emulator.GenerateClients(size.n)}
		l.Add(generated[i].slug, generated[i].clients)
		sets[size.name] = size.n
	}

	pages := func(n int) int { return (n + scalebench.PageSize - 1) / scalebench.PageSize }
	raw, err := mcpbench.RawGets(l.PageURL(generated[0].slug, 2), 200, 20)
	if err != nil {
		return fmt.Errorf("raw page GET: %w", err)
	}

	lists := make([]scalebench.Measure, len(scaleSizes))
	for i, size := range scaleSizes {
		s.logf("scale: ListClients of %s clients × %d", size.name, s.cfg.listReps[i])
		if lists[i], err = l.List(generated[i].slug, size.n, s.cfg.listReps[i]); err != nil {
			return err
		}
	}
	searches := make([]scalebench.Measure, len(scaleSizes))
	for i, size := range scaleSizes {
		s.logf("scale: index + search of %s clients × %d", size.name, s.cfg.searchReps[i])
		if searches[i], err = scalebench.Search(generated[i].clients, s.cfg.searchReps[i]); err != nil {
			return err
		}
	}

	const list = "Scale: list"
	s.addTime(list, fmt.Sprintf("1k clients, ListClients (%d pages of %d), median of %d",
		pages(1000), scalebench.PageSize, len(lists[0].Times)),
		lists[0].Time, time.Duration(pages(1000))*p50(raw),
		fmt.Sprintf("%d × raw GET of one page of %d, p50, n=%d", pages(1000), scalebench.PageSize, len(raw)))
	s.growth(list, lists, func(size string, m scalebench.Measure) string {
		return fmt.Sprintf("%s clients, ListClients (%d pages), median of %d", size, pages(sets[size]), len(m.Times))
	})

	const search = "Scale: search"
	s.growth(search, searches, func(size string, m scalebench.Measure) string {
		return fmt.Sprintf("%s clients, NewIndex + Search(%q) (%d matches), median of %d",
			size, scalebench.Query, m.Result, len(m.Times))
	})
	return nil
}

// generatedSet is one workspace of generated clients.
type generatedSet struct {
	slug    string
	clients []gitscrum.ClientCompany
}

// growth adds, for the sizes after the first, time, bytes, allocations and peak heap
// against the first size's.
func (s *suite) growth(scenario string, ms []scalebench.Measure, timeMeasure func(string, scalebench.Measure) string) {
	base := ms[0]
	baseName := scaleSizes[0].name
	for i := 1; i < len(ms); i++ {
		s.addTime(scenario, timeMeasure(scaleSizes[i].name, ms[i]), ms[i].Time, base.Time,
			fmt.Sprintf("%s, median of %d", baseName, len(base.Times)))
	}
	for i := 1; i < len(ms); i++ {
		s.add(scenario, scaleSizes[i].name+" clients, bytes allocated (TotalAlloc delta, median run)", stats.UnitBytes,
			float64(ms[i].AllocBytes), float64(base.AllocBytes), baseName)
	}
	for i := 1; i < len(ms); i++ {
		s.add(scenario, scaleSizes[i].name+" clients, allocations (Mallocs delta, median run)", stats.UnitCount,
			float64(ms[i].Allocs), float64(base.Allocs), baseName)
	}
	for i := 1; i < len(ms); i++ {
		s.add(scenario, scaleSizes[i].name+" clients, peak HeapInuse rise during a run (max)", stats.UnitBytes,
			float64(ms[i].PeakHeap), float64(base.PeakHeap), baseName)
	}
}
