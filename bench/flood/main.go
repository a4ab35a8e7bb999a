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
//	go run ./bench/flood -preauth                 # gitscrum-mcp: 200 KB URIs, random tokens
//
// The floods (see bench/internal/floodbench, shared with go run ./bench/suite):
// 1 MiB bodies with Content-Length, 1 MiB bodies chunked, and requests of
// legitimate size, all with a garbage bearer token (MCP) or a forged signature
// (Slack). With -preauth, gitscrum-mcp's pre-auth amplification floods instead:
// resources/read of a 200 KB URI (with a token GitScrum accepts), and list_clients
// with a new random bearer token each request.
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
	target := flag.String("target", "both", "mcp, slack or both")
	preAuth := flag.Bool("preauth", false, "flood gitscrum-mcp with the pre-auth attacks instead: 200 KB resource URIs, and a new random bearer token each request")
	out := flag.String("o", "", "also write the Markdown table to this file")
	mcpBin := flag.String("mcp-bin", "", "flood this gitscrum-mcp binary instead of building one (e.g. an older release, to compare)")
	slackBin := flag.String("slack-bin", "", "flood this gitscrum-slack binary instead of building one")
	flag.Parse()
	cfg.Args = flag.Args()
	if cfg.Flooders < 1 || cfg.Flooders > 5000 || cfg.Duration <= 0 || cfg.Duration > 10*time.Minute || cfg.MaxRequests < 1 {
		fmt.Fprintln(os.Stderr, "flood: -flooders must be 1 to 5000, -duration up to 10m, -max at least 1")
		os.Exit(2)
	}
	if *target != "mcp" && *target != "slack" && *target != "both" {
		fmt.Fprintln(os.Stderr, "flood: -target must be mcp, slack or both")
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
	var targets []floodbench.Target
	if *target != "slack" || *preAuth {
		targets = append(targets, floodbench.MCP(*mcpBin))
	}
	if *target != "mcp" && !*preAuth {
		targets = append(targets, floodbench.Slack(*slackBin))
	}
	variants := floodbench.Variants
	if *preAuth {
		variants = floodbench.PreAuthVariants
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
