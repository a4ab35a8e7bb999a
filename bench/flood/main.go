// Command flood floods the HTTP listeners of the real gitscrum-mcp and
// gitscrum-slack binaries, as an attacker would before authentication, and
// reports how they hold: peak RSS, requests that reached GitScrum, the flood's
// answers by status (503 busy, 413 too large, 401 refused), and a valid request's
// latency during the flood beside its latency just before. It builds both
// binaries once (with -trimpath) and serves the GitScrum emulator itself, on
// loopback; each flood runs in a fresh server process.
//
//	go run ./bench/flood                          # 800 clients, 5 s per flood, both binaries
//	go run ./bench/flood -target mcp -duration 2s
//	go run ./bench/flood -- --max-in-flight 16    # flags after -- go to the binaries
//	go run ./bench/flood -target mcp -mcp-bin /path/to/older/gitscrum-mcp
//	go run ./bench/flood -burst                   # the burst of legitimate calls instead
//	go run ./bench/flood -target clicks -before-slack-bin /path/to/older/gitscrum-slack
//	go run ./bench/flood -preauth                 # gitscrum-mcp: 200 KB URIs, random tokens
//	go run ./bench/flood -listener                # both: slow bodies, idle connections
//	go run ./bench/flood -picker -slack-bin /path/to/older/gitscrum-slack
//
// The floods (see bench/internal/floodbench, shared with go run ./bench/suite):
// 1 MiB bodies with Content-Length, 1 MiB bodies chunked, and requests of
// legitimate size, all with a garbage bearer token (MCP) or a forged signature
// (Slack).
//
// With -burst it sends no flood but a burst of legitimate calls (see
// floodbench.Burst): 200 cold list_clients calls at once to gitscrum-mcp --http
// with default settings, against 5,000 clients at 100 ms per page, and reports
// how many were answered and their p50 and p99, beside the build before issue 16.
// -target clicks floods gitscrum-slack with legitimate work instead: 1,500
// signed Share clicks in 1.6 s, GitScrum answering in 1 s, and reports the most
// GitScrum requests in flight at once, the server's peak goroutines and RSS, and
// how the people were answered (card shared, or told the bot is busy); with
// -before-slack-bin, the same for an older build, beside it.
// With -preauth, gitscrum-mcp's pre-auth amplification floods instead:
// resources/read of a 200 KB URI (with a token GitScrum accepts), and list_clients
// with a new random bearer token each request. With -listener, both listeners'
// own attacks instead: connections that trickle their bodies, and keep-alive
// connections left idle (the valid request then comes on a new connection).
// With -picker, gitscrum-slack against 100,000 cached clients
// (floodbench.Pickers): the server's CPU per empty-query picker, a valid
// command's latency while 8 pickers run at once, and the RSS after 100 Next
// clicks on the unfiltered list.
package main

import (
	"cmp"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/floodbench"
	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
)

func main() {
	cfg := floodbench.DefaultConfig
	flag.IntVar(&cfg.Flooders, "flooders", cfg.Flooders, "clients flooding at once")
	flag.DurationVar(&cfg.Duration, "duration", cfg.Duration, "length of each flood")
	flag.IntVar(&cfg.MaxRequests, "max", cfg.MaxRequests, "flood requests per flood, at most")
	target := flag.String("target", "both", "mcp, slack or both; or clicks (a flood of Share clicks)")
	clicks := floodbench.DefaultClickConfig
	flag.IntVar(&clicks.Clicks, "clicks", clicks.Clicks, "-target clicks: Share clicks sent")
	flag.DurationVar(&clicks.Spread, "spread", clicks.Spread, "-target clicks: the clicks are spread over this long")
	flag.DurationVar(&clicks.Latency, "latency", clicks.Latency, "-target clicks: GitScrum's latency")
	beforeBin := flag.String("before-slack-bin", "", "-target clicks: also flood this older gitscrum-slack, for the figures before")
	preAuth := flag.Bool("preauth", false, "flood gitscrum-mcp with the pre-auth attacks instead: 200 KB resource URIs, and a new random bearer token each request")
	listener := flag.Bool("listener", false, "flood both binaries with slow bodies and idle keep-alive connections instead")
	picker := flag.Bool("picker", false, "measure gitscrum-slack's empty-query picker and Next clicks at 100,000 clients instead")
	out := flag.String("o", "", "also write the Markdown table to this file")
	mcpBin := flag.String("mcp-bin", "", "flood this gitscrum-mcp binary instead of building one (e.g. an older release, to compare)")
	slackBin := flag.String("slack-bin", "", "flood this gitscrum-slack binary instead of building one")
	burst := flag.Bool("burst", false, "send a burst of legitimate calls to gitscrum-mcp instead of a flood")
	burstCfg := floodbench.DefaultBurst
	flag.IntVar(&burstCfg.Calls, "burst-calls", burstCfg.Calls, "with -burst: calls sent at once")
	flag.Parse()
	cfg.Args = flag.Args()
	if cfg.Flooders < 1 || cfg.Flooders > 5000 || cfg.Duration <= 0 || cfg.Duration > 10*time.Minute || cfg.MaxRequests < 1 {
		fmt.Fprintln(os.Stderr, "flood: -flooders must be 1 to 5000, -duration up to 10m, -max at least 1")
		os.Exit(2)
	}
	if *target != "mcp" && *target != "slack" && *target != "both" && *target != "clicks" {
		fmt.Fprintln(os.Stderr, "flood: -target must be mcp, slack, both or clicks")
		os.Exit(2)
	}
	start := time.Now()
	table := stats.Table{Machine: stats.Machine(start)}
	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "flood %6.1fs: %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
	}
	dir, err := os.MkdirTemp("", "bench-flood")
	if err != nil {
		fmt.Fprintln(os.Stderr, "flood:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	if *mcpBin == "" || *slackBin == "" {
		logf("building cmd/gitscrum-mcp and cmd/gitscrum-slack with -trimpath")
		builtMCP, builtSlack, err := floodbench.Build(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "flood:", err)
			os.Exit(1)
		}
		*mcpBin, *slackBin = cmp.Or(*mcpBin, builtMCP), cmp.Or(*slackBin, builtSlack)
	}
	if *burst {
		burstCfg.Args = cfg.Args
		if burstCfg.Calls < 1 || burstCfg.Calls > 5000 {
			fmt.Fprintln(os.Stderr, "flood: -burst-calls must be 1 to 5000")
			os.Exit(2)
		}
		logf("%s: %d list_clients calls at once, %d clients at %s per page", *mcpBin, burstCfg.Calls, burstCfg.Clients, burstCfg.Latency)
		r, err := floodbench.Burst(*mcpBin, burstCfg)
		for _, row := range floodbench.BurstRows(burstCfg, r) {
			table.Add(row)
		}
		if err != nil {
			logf("FAILED: %v", err)
			table.Notes = append(table.Notes, fmt.Sprintf("**failed**: %v", err))
		}
		fmt.Print(table.Markdown())
		if err != nil {
			os.Exit(1)
		}
		return
	}
	if *picker {
		pcfg := floodbench.DefaultPicker
		pcfg.Args = cfg.Args
		logf("%s: the empty-query picker and Next clicks at %d clients", *slackBin, pcfg.Clients)
		r, err := floodbench.Pickers(*slackBin, pcfg)
		for _, row := range floodbench.PickerRows(r) {
			table.Add(row)
		}
		fmt.Printf("%s\nraw: CPU/picker %s (%d failed), picker p50 %s, flood pickers %d (p50 %s, failed %d), probes p50 %s p99 %s (n=%d, failed %d), RSS %d → %d (peak %d), Next answered %d\n",
			table.Markdown(), r.CPUPerPicker, r.CPUFailed, r.PickerP50, len(r.FloodPickers), stats.Percentile(r.FloodPickers, 50), r.FloodFailed,
			stats.Percentile(r.Probes, 50), stats.Percentile(r.Probes, 99), len(r.Probes), r.ProbeFailed, r.RSSBefore, r.RSSAfter, r.PeakRSS, r.NextAnswered)
		if err != nil {
			logf("FAILED: %v", err)
			os.Exit(1)
		}
		return
	}
	if *target == "clicks" {
		clicks.Args = cfg.Args
		if !runClicks(*beforeBin, *slackBin, clicks, logf) {
			os.Exit(1)
		}
		return
	}
	var targets []floodbench.Target
	if *target != "slack" || *preAuth {
		targets = append(targets, floodbench.MCP(*mcpBin))
	}
	if *target != "mcp" && !*preAuth {
		targets = append(targets, floodbench.Slack(*slackBin))
	}
	variants := floodbench.Variants
	switch {
	case *preAuth:
		variants = floodbench.PreAuthVariants
	case *listener:
		variants = floodbench.ListenerVariants
	}
	failed := false
	for _, t := range targets {
		results, err := floodbench.Run(t, cfg, variants, logf)
		for _, r := range results {
			for _, row := range floodbench.Rows(r) {
				table.Add(row)
			}
		}
		if err != nil {
			failed = true
			logf("FAILED: %v", err)
			table.Notes = append(table.Notes, fmt.Sprintf("**failed**: %v", err))
		}
	}
	table.Notes = append(table.Notes, fmt.Sprintf("%d clients flood at once for up to %s (at most %s requests); extra server flags: %v. "+
		"The valid request is timed every %s on its own keep-alive connection. Wall time %s.",
		cfg.Flooders, cfg.Duration, stats.Count(float64(cfg.MaxRequests)), cfg.Args, cfg.ProbeGap, stats.Duration(time.Since(start).Round(time.Second))))
	md := table.Markdown()
	fmt.Print(md)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "flood:", err)
			os.Exit(1)
		}
	}
	if failed {
		os.Exit(1)
	}
}

// runClicks floods the build before (when given) and this one with Share
// clicks, and prints a row for each; false when one could not run.
func runClicks(before, after string, cfg floodbench.ClickConfig, logf func(format string, args ...any)) bool {
	fmt.Printf("| build | clicks | acks | cards shared | told busy | other | GitScrum requests (peak at once) | peak goroutines | peak RSS | elapsed | valid command ack p50 / p99 during (before) |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|---|\n")
	ok := true
	for _, b := range []struct{ name, bin string }{{"before", before}, {"after", after}} {
		if b.bin == "" {
			continue
		}
		logf("%s: %d Share clicks over %s, GitScrum at %s, flags %v", b.name, cfg.Clicks, cfg.Spread, cfg.Latency, cfg.Args)
		args := cfg.Args
		if b.name == "before" {
			cfg.Args = nil // an older build may not know the new flags
		}
		r, err := floodbench.ShareClicks(b.bin, cfg)
		cfg.Args = args
		if err != nil {
			ok = false
			logf("%s FAILED: %v", b.name, err)
		}
		fmt.Printf("| %s | %d in %s | %v | %d | %d | %d | %d (%d) | %d | %.0f MB | %s | %s / %s, n=%d, %d deferred, %d busy, %d failed (%s / %s) |\n", b.name, r.Clicks, r.Spread, r.Acks,
			r.Shared, r.Busy, r.Other, r.Upstream, r.PeakUpstream, r.PeakGoroutines, float64(r.PeakRSS)/1e6, r.Elapsed.Round(100*time.Millisecond),
			stats.Percentile(r.Probes, 50), stats.Percentile(r.Probes, 99), len(r.Probes), r.Deferred, r.ProbeBusy, r.ProbeFailed,
			stats.Percentile(r.Baseline, 50), stats.Percentile(r.Baseline, 99))
	}
	return ok
}
