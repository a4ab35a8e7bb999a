package main

import (
	"fmt"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/cachebench"
	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/slackbench"
	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// The workspace of the cache scenarios, as the issue that asked for the cache
// describes it.
const (
	cacheClients = 5000
	cacheLatency = 100 * time.Millisecond
	memClients   = 50_000
)

// cacheScenario names the rows of the cache scenarios.
var cacheScenario = fmt.Sprintf("Cache: %s clients, pages of %d, %s per request", stats.Count(cacheClients),
	cachebench.PageSize, stats.Duration(cacheLatency))

// cache measures the workspace list cache through the MCP tools and the Slack
// bot, each figure beside the same operation with the cache off or cold.
func (s *suite) cache() error {
	r := cachebench.NewRig(cacheClients)
	defer r.Close()
	r.Emu.SetLatency(cacheLatency)
	pages := (cacheClients + cachebench.PageSize - 1) / cachebench.PageSize
	query := map[string]any{"query": cachebench.Query}
	byName := map[string]any{"client": cachebench.LookupName}

	on, err := r.Client()
	if err != nil {
		return err
	}
	m, err := cachebench.NewMCP(on)
	if err != nil {
		return err
	}
	defer m.Close()
	off, err := r.Client(gitscrum.WithCacheTTL(0))
	if err != nil {
		return err
	}
	mOff, err := cachebench.NewMCP(off)
	if err != nil {
		return err
	}
	defer mOff.Close()

	// list_clients with a query: cold (the one listing), then warm.
	s.logf("cache: cold list_clients with a query, then %d warm", s.cfg.cacheWarmCalls)
	r.Reset()
	cold, err := m.Timed(1, "list_clients", query)
	if err != nil {
		return err
	}
	coldCount := r.Count()
	r.Reset()
	warm, err := m.Timed(s.cfg.cacheWarmCalls, "list_clients", query)
	if err != nil {
		return err
	}
	warmCount := r.Count()
	s.addTime(cacheScenario, fmt.Sprintf("warm `list_clients` query %q p50 (n=%d)", cachebench.Query, len(warm)),
		p50(warm), cold[0], fmt.Sprintf("the same call cold: one listing of %d pages", coldCount.Pages))
	s.add(cacheScenario, fmt.Sprintf("upstream requests of %d warm `list_clients` calls", len(warm)), stats.UnitCount,
		float64(warmCount.Pages+warmCount.Gets), float64(coldCount.Pages+coldCount.Gets), "one cold call")

	// get_client by name, warm against cache off.
	s.logf("cache: get_client by name, warm × %d and with the cache off × 1", s.cfg.cacheGetCalls)
	r.Reset()
	gets, err := m.Timed(s.cfg.cacheGetCalls, "get_client", byName)
	if err != nil {
		return err
	}
	getCount := r.Count()
	r.Reset()
	getsOff, err := mOff.Timed(1, "get_client", byName)
	if err != nil {
		return err
	}
	offCount := r.Count()
	s.add(cacheScenario, fmt.Sprintf("upstream requests per warm `get_client` by name (%d calls: %d GETs, %d list pages)",
		len(gets), getCount.Gets, getCount.Pages), stats.UnitCount,
		float64(getCount.Gets+getCount.Pages)/float64(len(gets)), float64(offCount.Gets+offCount.Pages), "cache off: the listing and the GET")
	s.addTime(cacheScenario, fmt.Sprintf("warm `get_client` by name p50 (n=%d)", len(gets)), p50(gets), getsOff[0], "cache off, one call")

	// Paging through the whole workspace at list_clients' default page size.
	s.logf("cache: paging through %d clients with list_clients, cache on (fresh) and off", cacheClients)
	fresh, err := r.Client()
	if err != nil {
		return err
	}
	mFresh, err := cachebench.NewMCP(fresh)
	if err != nil {
		return err
	}
	defer mFresh.Close()
	r.Reset()
	t0 := time.Now()
	calls, seen, err := mFresh.PageAll()
	if err != nil {
		return err
	}
	wall := time.Since(t0)
	pagingCount := r.Count()
	if seen != cacheClients {
		return fmt.Errorf("paging saw %d clients of %d", seen, cacheClients)
	}
	// The count with the cache off does not depend on the latency: measured at 0
	// ms, it takes seconds instead of minutes.
	r.Emu.SetLatency(0)
	r.Reset()
	callsOff, _, err := mOff.PageAll()
	if err != nil {
		return err
	}
	pagingOff := r.Count()
	r.Emu.SetLatency(cacheLatency)
	s.add(cacheScenario, fmt.Sprintf("listings to page through all %s clients (%d `list_clients` calls, cold start, %s in all)",
		stats.Count(cacheClients), calls, stats.Duration(wall)), stats.UnitCount,
		float64(pagingCount.Listings), float64(pagingOff.Listings), fmt.Sprintf("cache off, the same %d calls (at 0 ms)", callsOff))

	// Concurrent cold lookups of one workspace.
	n := s.cfg.cacheConcurrent
	s.logf("cache: %d concurrent cold get_client by name, cache on and off", n)
	cold2, err := r.Client()
	if err != nil {
		return err
	}
	r.Reset()
	wallOn, err := cachebench.Concurrent(cold2, n, "get_client", byName)
	if err != nil {
		return err
	}
	concOn := r.Count()
	r.Reset()
	wallOff, err := cachebench.Concurrent(off, n, "get_client", byName)
	if err != nil {
		return err
	}
	concOff := r.Count()
	s.add(cacheScenario, fmt.Sprintf("listings for %d concurrent cold `get_client` by name", n), stats.UnitCount,
		float64(concOn.Listings), float64(concOff.Listings), "cache off")
	s.addTime(cacheScenario, fmt.Sprintf("%d concurrent cold `get_client` by name, until the last answer", n), wallOn, wallOff, "cache off")

	if err := s.cacheSlack(pages); err != nil {
		return err
	}

	s.logf("cache: memory of a cached list of %s clients", stats.Count(memClients))
	mem, err := cachebench.CachedListMemory(memClients)
	if err != nil {
		return err
	}
	s.add(cacheScenario, fmt.Sprintf("live heap of a cached list of %s clients, with its index, per client", stats.Count(memClients)),
		stats.UnitBytes, float64(mem.Bytes)/float64(mem.N), float64(mem.JSONBytes)/float64(mem.N), "the same records as compact JSON, per client")
	return nil
}

// cacheSlack measures `show <name>` on the Slack bot with a warm cache against the
// cache off, with the same workspace and latency.
func (s *suite) cacheSlack(pages int) error {
	text := "show " + cachebench.LookupName
	sc := slackbench.Scenario{Text: text, Latency: cacheLatency}
	measure := func(opts ...gitscrum.Option) (slackbench.Result, error) {
		rig, err := slackbench.NewRig(opts...)
		if err != nil {
			return slackbench.Result{}, err
		}
		defer rig.Close()
		emu := rig.Emulator()
		emu.SetPageSize(cachebench.PageSize)
		emu.AddClients(emulator.DemoWorkspace, cachebench.Generate(cacheClients)...)
		rig.Run(1, 1, sc) // warms the cache, if any
		return rig.Run(1, s.cfg.cacheSlackRounds, sc), nil
	}
	s.logf("cache: Slack %q warm × %d, and with the cache off", text, s.cfg.cacheSlackRounds)
	warm, err := measure()
	if err != nil {
		return err
	}
	if err := failed(warm); err != nil {
		return err
	}
	off, err := measure(gitscrum.WithCacheTTL(0))
	if err != nil {
		return err
	}
	if err := failed(off); err != nil {
		return err
	}
	s.addTime(cacheScenario, fmt.Sprintf("Slack `show <name>` warm, ack p50 (n=%d: %d inline, %d deferred)", len(warm.Acks), warm.Inline, warm.Deferred),
		p50(warm.Acks), p50(off.Acks), fmt.Sprintf("cache off, ack p50 (n=%d: %d inline, %d deferred; a listing is %d pages)",
			len(off.Acks), off.Inline, off.Deferred, pages))
	return nil
}
