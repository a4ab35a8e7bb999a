package floodbench

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun floods both real binaries briefly with every variant: each flood stops
// by itself within its bounds, the valid request is answered before and during it,
// and the answers are those the listeners promise: 413 for a 1 MiB body declared
// or chunked, 401 for a forged Slack signature, a refused token for MCP; nothing
// but the MCP flood's own token reaches GitScrum.
func TestRun(t *testing.T) {
	mcpBin, slackBin, err := Build(t.TempDir())
	require.NoError(t, err)
	cfg := Config{Flooders: 8, Duration: 400 * time.Millisecond, MaxRequests: 100_000, BaselineProbes: 3, MaxProbes: 5, ProbeGap: time.Millisecond}
	for _, tc := range []struct {
		target Target
		want   []int // status of the flood's answers, per variant
	}{
		{MCP(mcpBin), []int{http.StatusRequestEntityTooLarge, http.StatusRequestEntityTooLarge, http.StatusOK}},
		{Slack(slackBin), []int{http.StatusRequestEntityTooLarge, http.StatusRequestEntityTooLarge, http.StatusUnauthorized}},
	} {
		t.Run(tc.target.Name, func(t *testing.T) {
			began := time.Now()
			results, err := Run(tc.target, cfg, Variants, t.Logf)
			require.NoError(t, err)
			require.Len(t, results, len(Variants))
			assert.Less(t, time.Since(began), 60*time.Second)
			for i, r := range results {
				assert.Len(t, r.Baseline, cfg.BaselineProbes, r.Variant)
				assert.Positive(t, r.Sent, r.Variant)
				assert.Equal(t, r.Sent, r.Statuses[tc.want[i]], "%s: %v", r.Variant, r.Statuses)
				assert.Positive(t, r.PeakHWM, r.Variant)
				assert.GreaterOrEqual(t, r.PeakHWM, r.BaselineHWM, r.Variant)
				assert.NotEmpty(t, r.Probes, "%s: the valid request is answered during the flood: %v", r.Variant, r.ProbeStatuses)
				rows := Rows(r)
				assert.Len(t, rows, 6)
				assert.True(t, strings.HasPrefix(rows[0].Scenario, "Flood: "+tc.target.Name))
			}
			last := results[len(results)-1]
			if tc.target.Name == "gitscrum-mcp" {
				assert.Equal(t, last.Sent, last.ToolErrors, "every MCP flood call fails: GitScrum refuses the token")
				assert.Positive(t, last.Upstream, "the garbage token reached GitScrum at least once")
				assert.LessOrEqual(t, last.Upstream, last.Sent+cfg.Flooders, "at most once per flood request (the ones cut at the end included)")
			} else {
				assert.Zero(t, last.Upstream, "a forged signature never reaches GitScrum")
			}
			assert.Zero(t, results[0].Upstream, "a 1 MiB body never reaches GitScrum")
			assert.Zero(t, results[1].Upstream)
		})
	}

	t.Run("burst", func(t *testing.T) {
		// Twice the slots at once: the rest wait their turn and are answered.
		cfg := BurstConfig{Calls: 8, Clients: 250, PageSize: 100, Latency: 150 * time.Millisecond, Args: []string{"--max-in-flight", "4"}}
		r, err := Burst(mcpBin, cfg)
		require.NoError(t, err)
		assert.Equal(t, cfg.Calls, r.Answered, "every call answered with the listing: %v", r.Statuses)
		assert.Equal(t, 3, r.Upstream, "one listing of 3 pages, shared")
		assert.Positive(t, r.P50)
		assert.GreaterOrEqual(t, r.P99, r.P50)
		rows := BurstRows(cfg, r)
		require.Len(t, rows, 4)
		assert.InDelta(t, 8, rows[0].Value, 0)
		assert.InDelta(t, BurstBefore.Answered, rows[0].Baseline, 0)
	})

	t.Run("bounded in count", func(t *testing.T) {
		cfg := Config{Flooders: 4, Duration: time.Minute, MaxRequests: 40, BaselineProbes: 1, MaxProbes: 1}
		began := time.Now()
		results, err := Run(Slack(slackBin), cfg, Variants[2:], t.Logf)
		require.NoError(t, err)
		assert.Less(t, time.Since(began), 30*time.Second)
		assert.LessOrEqual(t, results[0].Sent, cfg.MaxRequests)
		assert.Positive(t, results[0].Sent)
	})
}

func TestPadded(t *testing.T) {
	j := padded(`{"a":1}`, 100, true)
	assert.Len(t, j, 100)
	assert.True(t, strings.HasPrefix(string(j), `{"a":1,"pad":"xx`))
	assert.True(t, strings.HasSuffix(string(j), `x"}`))
	f := padded("a=1", 50, false)
	assert.Len(t, f, 50)
	assert.Equal(t, "a=1", string(padded("a=1", 0, false)))
}

// TestPreAuthVariants floods gitscrum-mcp briefly with the pre-auth attacks: a
// 200 KB URI is refused (a JSON-RPC error, 200 before 2026-07-28) and reaches
// GitScrum never; new random tokens reach it at most the per-address bucket of
// new tokens (30), the rest get 429; the valid request is answered meanwhile.
func TestPreAuthVariants(t *testing.T) {
	mcpBin, _, err := Build(t.TempDir())
	require.NoError(t, err)
	cfg := Config{Flooders: 8, Duration: 400 * time.Millisecond, MaxRequests: 100_000, BaselineProbes: 3, MaxProbes: 5, ProbeGap: time.Millisecond}
	results, err := Run(MCP(mcpBin), cfg, PreAuthVariants, t.Logf)
	require.NoError(t, err)
	require.Len(t, results, 2)
	uri, random := results[0], results[1]
	assert.Positive(t, uri.Sent)
	assert.Equal(t, uri.Sent, uri.Statuses[http.StatusOK], "%v", uri.Statuses)
	assert.Zero(t, uri.Upstream, "a 200 KB URI never reaches GitScrum")
	assert.NotEmpty(t, uri.Probes)
	assert.Positive(t, random.Statuses[http.StatusTooManyRequests], "beyond the bucket: 429 %v", random.Statuses)
	assert.LessOrEqual(t, random.Upstream, 31, "at most the bucket (30), plus its refill over the flood")
	assert.NotEmpty(t, random.Probes, "the valid request is answered during the flood: %v", random.ProbeStatuses)
}

func TestStatCPU(t *testing.T) {
	line := "4242 (gitscrum mcp) S 1 4242 4242 0 -1 4194560 1200 0 0 0 250 75 0 0 20 0 9 0 100 0 0"
	assert.Equal(t, 3250*time.Millisecond, statCPU(line), "utime 250 + stime 75 ticks")
	assert.Zero(t, statCPU("garbage"))
	assert.Positive(t, cpuTime(os.Getpid())+time.Nanosecond)
}

// TestListenerVariants floods both binaries briefly with slow bodies and idle
// connections, with small bounds (4 slots, 4 waiting, 32 connections) so that
// a few flooders exceed them: the valid request is answered during each flood,
// every slow body still open or answered 408, every idle connection answered
// /healthz before it went idle, and nothing reaches GitScrum.
func TestListenerVariants(t *testing.T) {
	mcpBin, slackBin, err := Build(t.TempDir())
	require.NoError(t, err)
	cfg := Config{Flooders: 48, Duration: 3 * time.Second, MaxRequests: 100_000, BaselineProbes: 3, MaxProbes: 5,
		ProbeGap: time.Millisecond, Args: []string{"--max-in-flight", "4", "--max-queue", "4", "--max-conns", "32"}}
	for _, target := range []Target{MCP(mcpBin), Slack(slackBin)} {
		t.Run(target.Name, func(t *testing.T) {
			results, err := Run(target, cfg, ListenerVariants, t.Logf)
			require.NoError(t, err)
			require.Len(t, results, 2)
			slow, idle := results[0], results[1]
			for _, r := range results {
				assert.NotEmpty(t, r.Probes, "%s: %v", r.Variant, r.ProbeStatuses)
				assert.Zero(t, r.Refused(), "%s: every valid request answered: %v", r.Variant, r.ProbeStatuses)
				assert.Zero(t, r.Upstream, r.Variant)
			}
			assert.Equal(t, cfg.Flooders, slow.Statuses[StatusOpen]+slow.Statuses[http.StatusRequestTimeout], "%v", slow.Statuses)
			assert.Positive(t, idle.Statuses[http.StatusOK], "%v", idle.Statuses)
			// A new connection waits about a second for the idle one the listener
			// closes; before, it waited for the flood's end, so only one was sent.
			assert.GreaterOrEqual(t, len(idle.Probes), 2, "new clients served while the idle connections stay: %v", idle.ProbeStatuses)
			for status := range idle.Statuses {
				assert.Contains(t, []int{http.StatusOK, StatusOpen}, status, "%v", idle.Statuses)
			}
		})
	}
}

// TestClicksAndPickers runs a small flood of Share clicks (with a small
// --max-jobs: the rest are told busy, GitScrum sees at most that many at once)
// and the picker measure at 2,000 clients against the built gitscrum-slack:
// every picker is answered with options, every Next click on its response_url,
// and the valid command is answered during both.
func TestClicksAndPickers(t *testing.T) {
	_, slackBin, err := Build(t.TempDir())
	require.NoError(t, err)

	c, err := ShareClicks(slackBin, ClickConfig{Clicks: 40, Spread: 200 * time.Millisecond, Latency: 50 * time.Millisecond,
		Settle: 30 * time.Second, Args: []string{"--max-jobs", "2"}})
	require.NoError(t, err)
	assert.Equal(t, 40, c.Acks[http.StatusOK], "%v", c.Acks)
	assert.Equal(t, 40, c.Shared+c.Busy, "shared %d, busy %d, other %d", c.Shared, c.Busy, c.Other)
	assert.Positive(t, c.Busy)
	assert.LessOrEqual(t, c.PeakUpstream, 2, "at most --max-jobs clicks worked on at once")
	assert.Len(t, c.Baseline, clickProbes)
	assert.Positive(t, len(c.Probes)+c.ProbeBusy, "the valid command is answered during the flood (or told busy)")
	assert.Zero(t, c.ProbeFailed)
	assert.Len(t, ClickRows(c), 5)

	p, err := Pickers(slackBin, PickerConfig{Clients: 2000, CPUPickers: 3, Pickers: 2, Duration: 300 * time.Millisecond,
		BaselineProbes: 2, ProbeGap: time.Millisecond, NextClicks: 3})
	require.NoError(t, err)
	assert.Zero(t, p.CPUFailed)
	assert.Positive(t, p.PickerP50)
	assert.NotEmpty(t, p.FloodPickers)
	assert.Zero(t, p.FloodFailed)
	assert.Len(t, p.Baseline, 2)
	assert.NotEmpty(t, p.Probes)
	assert.Zero(t, p.ProbeFailed)
	assert.Equal(t, 3, p.NextAnswered)
	assert.Positive(t, p.RSSBefore)
	assert.Positive(t, p.RSSAfter)
	assert.Len(t, PickerRows(p), 9)
}
