// Command suite runs every benchmark of gitscrum-bridge once, in sequence, and
// prints one Markdown table (scenario | measure | value | baseline | ratio) under a
// line naming the machine. Each figure stands beside a baseline measured in the same
// run, and the ratio is value / baseline, so the table stays readable on a busy
// machine where absolute numbers are noisy.
//
//	go run ./bench/suite                 # about 2.5 minutes on 2 cores
//	go run ./bench/suite -quick          # under a minute, fewer samples
//	go run ./bench/suite -o bench.md     # also write the Markdown to a file
//
// Scenarios (all traffic stays on loopback; every loop is bounded in count and time):
//
//   - Baseline: one GET of one client with net/http straight to the emulator, and a
//     direct gitscrum.Client.GetClient against it.
//   - MCP process: the real gitscrum-mcp binary (built once with -trimpath): start →
//     tools/list answered over stdio, the package initialisation before main (the
//     runtime's GODEBUG=inittrace=1 report: the total and the largest packages), and
//     its peak RSS (VmHWM just before it exits), against a minimal Go process that
//     echoes stdin (bench/internal/echoproc); the size of the tools/list result
//     against the one-tool server of GitScrum (a figure from issue 9, not measured
//     here); get_client over stdio against direct gitscrum.Client calls.
//   - MCP streamable HTTP: get_client calls per second with 1, 8 and 64 concurrent
//     mcp-go clients against the in-process handler, against raw emulator GETs with
//     as many concurrent clients.
//   - Slack: acknowledgement p50/p99 of `list acme` at 1, 50 and 200 concurrent signed
//     commands against `help` (no GitScrum call); then with GitScrum answering after
//     5 s: acknowledgement against Slack's 3 s deadline and the 2 s inline budget, and
//     the response_url post against the upstream latency. Events API: 50 and 200
//     concurrent signed app_mention payloads with GitScrum at 5 s: acknowledgement
//     against the 3 s deadline, the thread reply's chat.postMessage against the
//     upstream latency.
//   - Scale: ListClients (emulator pages of 100) and index build + one search with 1k,
//     10k and 100k clients: time, bytes and allocations, peak heap; the 1k figure is
//     the baseline of the 10k and 100k ones.
//   - Pages: a cold ListClients of 5,000 clients in pages of 100 from an emulator
//     answering each request after 100 ms, pages fetched 8 at a time, against one
//     page after another.
//   - Burst: 200 cold list_clients calls at once to the real gitscrum-mcp --http
//     with default settings, 5,000 clients in pages of 100 at 100 ms per page: the
//     calls answered, p50 and p99, against the build before issue 16 (64 answered,
//     136 refused 503; measured once, not here).
//   - Flood: 800 clients flood the real gitscrum-mcp --http and gitscrum-slack
//     listeners for 5 s (1 s with -quick) with 1 MiB bodies (declared, then chunked)
//     and with requests of legitimate size, all with a garbage token or a forged
//     signature: the server's peak RSS, GitScrum requests caused, the answers by
//     status, and a valid request's p50/p99 against the same process before the
//     flood (bench/internal/floodbench; go run ./bench/flood runs it alone).
//   - Flood, listener attacks: 800 connections to each listener trickling their
//     bodies, then 800 keep-alive connections left idle: a valid request's
//     latency (on a new connection each time against idle connections) against
//     the same process before, and against the build before issue 16 (measured
//     once, floodbench.ListenerBefore).
//   - Clicks: 1,500 signed Share clicks in 1.6 s (500 with -quick) to the real
//     gitscrum-slack, GitScrum at 1 s: GitScrum requests at once, goroutines,
//     RSS, a valid command's acknowledgement during the flood, beside the build
//     before issue 16 (floodbench.ClicksBefore, measured once).
//   - Picker: the real gitscrum-slack with 100,000 cached clients: CPU per
//     empty-query picker (target ≤ 20 ms), 8 pickers at once, a valid command
//     during them, RSS after 100 Next clicks (target: no growth), beside the
//     build before issue 16 (floodbench.PickerBefore, measured once).
//   - Cache: the workspace list cache with 5,000 clients in pages of 100 and 100 ms
//     per request, through the MCP tools (in-process client) and the Slack bot:
//     warm list_clients and get_client by name against cold or cache-off calls,
//     the listings to page through everything and for 200 concurrent cold lookups,
//     and the live heap of a cached list of 50,000 clients per client.
//
// The Slack scenarios run with the list cache off, so that they keep measuring how
// the bot copes with GitScrum's latency; the cache's own Slack row is under Cache.
//
// The exit code is 1 when a scenario failed (its rows are missing and the table says
// why), 2 for bad usage.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
)

// config is how many samples each scenario takes.
type config struct {
	rawGets      int           // sequential raw GETs for the per-call baseline
	starts       int           // process starts (and --version runs)
	traces       int           // process starts under GODEBUG=inittrace=1
	stdioCalls   int           // get_client calls over stdio, and as many direct
	httpDuration time.Duration // per load, raw and MCP, per concurrency
	httpMaxCalls int           // bound of one load
	slackSamples int           // commands per concurrency at 0 ms upstream
	slowRoundsC1 int           // sequential commands at 5 s upstream, 1 at a time
	listReps     [3]int        // ListClients runs for 1k, 10k, 100k
	searchReps   [3]int        // index + search runs for 1k, 10k, 100k
	pageReps     [2]int        // slow-upstream listings: one page at a time, concurrent
	floodLength  time.Duration // length of each flood
	clicks       int           // Share clicks of the flood of clicks
	cpuPickers   int           // empty-query pickers one after the other, for CPU

	cacheWarmCalls   int // warm list_clients calls with a query
	cacheGetCalls    int // warm get_client calls by name
	cacheConcurrent  int // concurrent cold lookups
	cacheSlackRounds int // warm Slack show commands, and as many with the cache off
}

var (
	defaultConfig = config{
		rawGets: 3000, starts: 40, traces: 15, stdioCalls: 1000,
		httpDuration: 5 * time.Second, httpMaxCalls: 500_000,
		slackSamples: 400, slowRoundsC1: 8,
		listReps: [3]int{20, 8, 5}, searchReps: [3]int{50, 20, 8},
		pageReps:    [2]int{3, 9},
		floodLength: 5 * time.Second, clicks: 1500, cpuPickers: 50,
		cacheWarmCalls: 200, cacheGetCalls: 20, cacheConcurrent: 200, cacheSlackRounds: 5,
	}
	quickConfig = config{
		rawGets: 500, starts: 10, traces: 5, stdioCalls: 150,
		httpDuration: time.Second, httpMaxCalls: 200_000,
		slackSamples: 100, slowRoundsC1: 2,
		listReps: [3]int{5, 2, 1}, searchReps: [3]int{10, 5, 2},
		pageReps:    [2]int{1, 3},
		floodLength: time.Second, clicks: 500, cpuPickers: 20,
		cacheWarmCalls: 50, cacheGetCalls: 5, cacheConcurrent: 200, cacheSlackRounds: 2,
	}
)

func main() {
	quick := flag.Bool("quick", false, "fewer samples and 1 s loads: under a minute")
	out := flag.String("o", "", "also write the Markdown table to this file")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "suite: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	cfg := defaultConfig
	if *quick {
		cfg = quickConfig
	}
	s := &suite{cfg: cfg, start: time.Now()}
	s.table.Machine = stats.Machine(s.start)
	s.run()
	md := s.table.Markdown()
	fmt.Print(md)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "suite:", err)
			os.Exit(1)
		}
	}
	if s.failed {
		os.Exit(1)
	}
}

// suite collects the rows of every scenario.
type suite struct {
	cfg    config
	start  time.Time
	table  stats.Table
	failed bool
}

func (s *suite) run() {
	dir, err := os.MkdirTemp("", "bench-suite")
	if err != nil {
		s.fail("setup", err)
		return
	}
	defer os.RemoveAll(dir)

	s.step("MCP", func() error { return s.mcp(dir) })
	s.step("Slack", s.slack)
	s.step("Scale", s.scale)
	s.step("Pages", s.pages)
	s.step("Flood", func() error { return s.flood(dir) })
	s.step("Cache", s.cache)
	s.step("Store", s.store)
	s.table.Notes = append(s.table.Notes,
		"Ratio = value / baseline; n is the number of samples. Suite wall time "+
			stats.Duration(time.Since(s.start).Round(time.Second))+".")
}

// step runs one group of scenarios, logging to stderr; a failure is noted in the
// table and the suite goes on.
func (s *suite) step(name string, f func() error) {
	t0 := time.Now()
	s.logf("%s…", name)
	if err := f(); err != nil {
		s.fail(name, err)
	}
	s.logf("%s done in %s", name, time.Since(t0).Round(100*time.Millisecond))
}

func (s *suite) fail(name string, err error) {
	s.failed = true
	s.logf("%s FAILED: %v", name, err)
	s.table.Notes = append(s.table.Notes, fmt.Sprintf("**%s failed**, its remaining rows are missing: %v", name, err))
}

func (s *suite) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "suite %6.1fs: %s\n", time.Since(s.start).Seconds(), fmt.Sprintf(format, args...))
}

// add appends a row of durations.
func (s *suite) addTime(scenario, measure string, value, baseline time.Duration, note string) {
	s.table.Add(stats.Row{Scenario: scenario, Measure: measure, Value: float64(value), Baseline: float64(baseline),
		Unit: stats.UnitTime, BaselineNote: note})
}

func (s *suite) add(scenario, measure string, unit stats.Unit, value, baseline float64, note string) {
	s.table.Add(stats.Row{Scenario: scenario, Measure: measure, Value: value, Baseline: baseline, Unit: unit, BaselineNote: note})
}

func p50[T int64 | uint64 | time.Duration](sorted []T) T { return stats.Percentile(sorted, 50) }
func p99[T int64 | uint64 | time.Duration](sorted []T) T { return stats.Percentile(sorted, 99) }
