// Command mcpstart benchmarks the gitscrum-mcp binary as an assistant uses it: it
// builds cmd/gitscrum-mcp once (with -trimpath, into a temporary directory), then
//
//   - spawns it -n times with --sandbox and measures process start → first
//     tools/list answered over stdio (median, p90), the size of that answer's
//     result, and its peak RSS (VmHWM from /proc/<pid>/status just before closing
//     stdin; the kernel's rusage maxrss is printed too, but only as an upper bound:
//     Linux folds this program's own resident set at the child's exec into it);
//   - spawns it 10 more times under GODEBUG=inittrace=1 and prints the package
//     initialisation that runs before main: the total and the largest packages;
//   - drives one process, configured against an emulator served by this program on
//     loopback, with -calls get_client calls over stdio, alternating with direct
//     gitscrum.Client.GetClient calls to the same emulator, and reports what MCP
//     over stdio adds at the median.
//
// Run it from the module:
//
//	go run ./bench/mcpstart [-n 40] [-calls 400] [-check]
//
// With -check it exits 1 when a target is missed: start median ≤ 4 ms, tools/list
// result ≤ 4,500 bytes, peak RSS ≤ 25 MB, ≤ 1 ms added per get_client at the median. The measuring code lives in
// bench/internal/mcpbench, shared with the suite (go run ./bench/suite).
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/mcpbench"
	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
)

// Targets of the issues.
const (
	targetStart     = 4 * time.Millisecond
	targetListBytes = 4500
	targetRSSBytes  = 25 << 20
	targetAdded     = time.Millisecond
)

// traces is how many starts run under GODEBUG=inittrace=1.
const traces = 10

func main() {
	n := flag.Int("n", 40, "process starts to measure")
	calls := flag.Int("calls", 400, "get_client calls to measure, over stdio and direct each")
	check := flag.Bool("check", false, "exit 1 when a target is missed")
	flag.Parse()
	if *n < 1 || *calls < 1 {
		fmt.Fprintln(os.Stderr, "mcpstart: -n and -calls must be at least 1")
		os.Exit(2)
	}
	if err := run(*n, *calls, *check); err != nil {
		fmt.Fprintln(os.Stderr, "mcpstart:", err)
		os.Exit(1)
	}
}

func run(n, calls int, check bool) error {
	dir, err := os.MkdirTemp("", "mcpstart")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	bin, err := mcpbench.Build(dir)
	if err != nil {
		return err
	}
	fmt.Println(stats.Machine(time.Now()))

	st, err := mcpbench.MeasureStarts(bin, mcpbench.SandboxArgs, n)
	if err != nil {
		return err
	}
	inits, err := mcpbench.MeasureInits(bin, mcpbench.SandboxArgs, traces)
	if err != nil {
		return err
	}
	c, err := mcpbench.MeasureStdioCalls(bin, calls)
	if err != nil {
		return err
	}
	starts, hwms, maxrss := st.Durations, st.HWM, st.MaxRSS
	if len(maxrss) == 0 {
		maxrss = []int64{0}
	}

	fmt.Printf("\n## process start → first tools/list answered over stdio (--sandbox, %d runs)\n", n)
	fmt.Printf("median %s, p90 %s, min %s, max %s\n", ms(pct(starts, 50)), ms(pct(starts, 90)), ms(starts[0]), ms(starts[len(starts)-1]))
	fmt.Printf("peak RSS at that point: VmHWM median %s, max %s; rusage maxrss max %s (upper bound: includes this program's RSS at exec)\n",
		mb(pct(hwms, 50)), mb(hwms[len(hwms)-1]), mb(maxrss[len(maxrss)-1]))
	fmt.Printf("tools/list result: %d bytes\n", st.ListBytes)

	fmt.Printf("\n## package init before main (GODEBUG=inittrace=1, %d runs)\n", traces)
	fmt.Printf("all packages: median %s\n", ms(pct(inits.Totals, 50)))
	for _, p := range inits.Packages[:min(5, len(inits.Packages))] {
		fmt.Printf("  %-50s median %.2f ms\n", p.Path, float64(p.Clock)/float64(time.Millisecond))
	}

	fmt.Printf("\n## get_client by UUID, %d calls each, alternating (emulator on loopback)\n", calls)
	dm, sm := pct(c.Direct, 50), pct(c.Stdio, 50)
	fmt.Printf("direct gitscrum.Client.GetClient: median %s, p90 %s\n", us(dm), us(pct(c.Direct, 90)))
	fmt.Printf("through gitscrum-mcp over stdio:  median %s, p90 %s\n", us(sm), us(pct(c.Stdio, 90)))
	fmt.Printf("added by MCP over stdio: %s at the median (%.2fx)\n", us(sm-dm), float64(sm)/float64(dm))
	fmt.Printf("peak RSS of that process after the calls: VmHWM %s\n", mb(c.HWM))

	missed := []string{}
	if pct(starts, 50) > targetStart {
		missed = append(missed, fmt.Sprintf("start median %s > %s", ms(pct(starts, 50)), ms(targetStart)))
	}
	if st.ListBytes > targetListBytes {
		missed = append(missed, fmt.Sprintf("tools/list %d bytes > %d", st.ListBytes, targetListBytes))
	}
	if peak := hwms[len(hwms)-1]; peak > targetRSSBytes {
		missed = append(missed, fmt.Sprintf("peak RSS %s > %s", mb(peak), mb(targetRSSBytes)))
	}
	if sm-dm > targetAdded {
		missed = append(missed, fmt.Sprintf("added %s > %s", us(sm-dm), us(targetAdded)))
	}
	fmt.Println()
	if len(missed) == 0 {
		fmt.Println("targets (start ≤ 4 ms, tools/list ≤ 4,500 bytes, RSS ≤ 25 MB, ≤ 1 ms added): all met")
		return nil
	}
	fmt.Println("targets missed: " + strings.Join(missed, "; "))
	if check {
		return errors.New("targets missed")
	}
	return nil
}

func pct[T int64 | time.Duration](sorted []T, p float64) T { return stats.Percentile(sorted, p) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }
func mb(b int64) string         { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
