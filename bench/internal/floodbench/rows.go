package floodbench

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
)

// Rows turns a flood's result into rows of the suite's table: peak RSS against
// the same process before the flood, the valid request's p50 and p99 against its
// baseline, what reached GitScrum against the flood's requests, and the flood's
// answers by status.
func Rows(r Result) []stats.Row {
	scenario := fmt.Sprintf("Flood: %s, %s", r.Target, r.Variant)
	nb, np := len(r.Baseline), len(r.Probes)
	refused := ""
	if n := r.Refused(); n > 0 {
		refused = fmt.Sprintf("; %d of %d not served: %s", n, n+np, statusList(r.ProbeStatuses, false))
	}
	rows := []stats.Row{
		{Scenario: scenario, Measure: "peak RSS of the server (VmHWM after the flood)", Unit: stats.UnitBytes,
			Value: float64(r.PeakHWM), Baseline: float64(r.BaselineHWM),
			BaselineNote: fmt.Sprintf("VmHWM after %d valid requests, before the flood", nb)},
		{Scenario: scenario, Measure: fmt.Sprintf("valid request latency p50 during the flood (n=%d%s)", np, refused), Unit: stats.UnitTime,
			Value: float64(stats.Percentile(r.Probes, 50)), Baseline: float64(stats.Percentile(r.Baseline, 50)),
			BaselineNote: fmt.Sprintf("p50 before the flood, n=%d", nb)},
		{Scenario: scenario, Measure: fmt.Sprintf("valid request latency p99 during the flood (n=%d)", np), Unit: stats.UnitTime,
			Value: float64(stats.Percentile(r.Probes, 99)), Baseline: float64(stats.Percentile(r.Baseline, 99)),
			BaselineNote: "p99 before the flood"},
		{Scenario: scenario, Measure: "server CPU per request during the flood (flood and valid requests)", Unit: stats.UnitTime,
			Value: perRequest(r.CPU, r.Sent+len(r.Probes)), Baseline: perRequest(r.BaselineCPU, nb),
			BaselineNote: "per valid request before the flood"},
		{Scenario: scenario, Measure: "GitScrum requests caused by the flood", Unit: stats.UnitCount,
			Value: float64(r.Upstream), Baseline: float64(r.Sent), BaselineNote: "flood requests sent"},
		{Scenario: scenario, Measure: fmt.Sprintf("flood requests sent in %s: %s", stats.Duration(r.Elapsed.Round(1e7)), statusList(r.Statuses, true)) + toolErrors(r),
			Unit: stats.UnitRate, Value: float64(r.Sent) / r.Elapsed.Seconds()},
	}
	if b, ok := ListenerBefore[r.Target+"/"+r.Variant]; ok {
		rows = append(rows, stats.Row{Scenario: scenario,
			Measure: fmt.Sprintf("valid requests served during the flood: %d of %d, p50", np, np+r.Refused()), Unit: stats.UnitTime,
			Value: float64(stats.Percentile(r.Probes, 50)), Baseline: float64(b.P50),
			BaselineNote: fmt.Sprintf("the build before issue 16, measured once: %d of %d served, p50 of those; %s", b.Served, b.Sent, b.Note)})
	}
	return rows
}

// perRequest is d shared by n requests, in nanoseconds (0 for none).
func perRequest(d time.Duration, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(d) / float64(n)
}

func toolErrors(r Result) string {
	if r.ToolErrors == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s of the 200s: tool error, GitScrum refused the token)", stats.Count(float64(r.ToolErrors)))
}

// statusList says counts by status: "503: 1,200 · 413: 30 · no answer: 2".
func statusList(m map[int]int, all bool) string {
	keys := make([]int, 0, len(m))
	for k := range m {
		if all || k != http.StatusOK {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		name := fmt.Sprint(k)
		switch k {
		case 0:
			name = "no answer"
		case -1:
			name = "wrong answer"
		case StatusOpen:
			name = "still open at the end"
		}
		parts = append(parts, fmt.Sprintf("%s: %s", name, stats.Count(float64(m[k]))))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " · ")
}
