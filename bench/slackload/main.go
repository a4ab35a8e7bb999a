// Command slackload fires concurrent signed /gitscrum commands over real HTTP at the
// Slack handler, backed by the GitScrum emulator with a set latency, and reports how
// fast every command was acknowledged (Slack's limit is 3 s), how many were answered
// inline or through the response_url, and the process's memory.
//
//	go run ./bench/slackload                 # 200 concurrent, emulator at 1 s
//	go run ./bench/slackload -n 500 -latency 2s
//
// Each scenario runs in the same process, so the numbers compare: a baseline with
// the emulator at 0 latency, help (no GitScrum call at all), then the commands at the
// set latency. The exit code is 1 when any acknowledgement took 3 s or more. The
// measuring code lives in bench/internal/slackbench, shared with the suite
// (go run ./bench/suite).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/slackbench"
	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

func main() {
	n := flag.Int("n", 200, "concurrent commands per scenario")
	latency := flag.Duration("latency", time.Second, "emulator latency for the loaded scenarios")
	flag.Parse()
	if *n < 1 || *n > 5000 {
		fmt.Fprintln(os.Stderr, "slackload: -n must be between 1 and 5000")
		os.Exit(2)
	}
	ok, err := bench(*n, *latency, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "slackload:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

func bench(n int, latency time.Duration, w io.Writer) (bool, error) {
	r, err := slackbench.NewRig()
	if err != nil {
		return false, err
	}
	defer r.Close()
	scenarios := []slackbench.Scenario{
		{Name: "baseline: show, emulator at 0", Text: "show acme corp", Latency: 0},
		{Name: "help (no GitScrum call)", Text: "help", Latency: latency},
		{Name: "list acme (1 GitScrum call)", Text: "list acme", Latency: latency},
		{Name: "show acme corp (2 GitScrum calls)", Text: "show acme corp", Latency: latency},
	}
	// Warm up connections and code paths.
	r.Run(10, 1, slackbench.Scenario{Text: "show acme corp"})

	rss0, _ := stats.SelfMem()
	fmt.Fprintf(w, "slackload: %d concurrent signed commands per scenario over HTTP; emulator latency %s; inline budget %s\n",
		n, latency, slackbot.DefaultInlineBudget)
	fmt.Fprintf(w, "%s RSS before load %.1f MiB\n\n", stats.Machine(time.Now()), float64(rss0)/(1<<20))
	fmt.Fprintln(w, "| scenario | ack p50 | ack p99 | ack max | ≥3 s | inline / deferred / failed | final p50 | final p99 | RSS | peak RSS | heap | goroutines (peak) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	allOK := true
	for _, sc := range scenarios {
		res := r.Run(n, 1, sc)
		if res.Over3s > 0 || res.Failed > 0 {
			allOK = false
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d | %d / %d / %d | %s | %s | %.1f MiB | %.1f MiB | %.1f MiB | %d |\n",
			res.Name, ms(pct(res.Acks, 50)), ms(pct(res.Acks, 99)), ms(pct(res.Acks, 100)), res.Over3s,
			res.Inline, res.Deferred, res.Failed, ms(pct(res.Finals, 50)), ms(pct(res.Finals, 99)),
			float64(res.RSS)/(1<<20), float64(res.HWM)/(1<<20), float64(res.HeapInuse)/(1<<20), res.GoroutinesMax)
	}
	fmt.Fprintln(w)
	if allOK {
		fmt.Fprintln(w, "PASS: every command was acknowledged in under 3 s and every deferred answer reached its response_url.")
	} else {
		fmt.Fprintln(w, "FAIL: some commands were acknowledged in 3 s or more, or failed.")
	}
	fmt.Fprintln(w, "RSS is the whole process: load generator, emulator and bot together. GOMAXPROCS", runtime.GOMAXPROCS(0))
	return allOK, nil
}

func pct(sorted []time.Duration, p float64) time.Duration { return stats.Percentile(sorted, p) }

func ms(d time.Duration) string {
	if d == 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 0, 64) + " ms"
}
