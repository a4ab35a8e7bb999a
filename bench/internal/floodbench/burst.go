package floodbench

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// BurstConfig is a burst of legitimate calls that arrive at once on a cold
// server: each is list_clients of the whole workspace, which the server lists
// from GitScrum once and shares.
type BurstConfig struct {
	// Calls is how many list_clients calls arrive at once, each on its own
	// connection.
	Calls int
	// Clients is the size of the workspace, listed in pages of PageSize.
	Clients, PageSize int
	// Latency is how long GitScrum takes to answer each request.
	Latency time.Duration
	// Args are extra flags for the binary.
	Args []string
}

// DefaultBurst is the burst of issue 16: 200 calls, 5,000 clients in pages of
// 100 at 100 ms per page.
var DefaultBurst = BurstConfig{Calls: 200, Clients: 5000, PageSize: 100, Latency: 100 * time.Millisecond}

// BurstBefore is what the build before issue 16 measured for [DefaultBurst]
// with default settings (64 slots, a 50 ms wait for one and no queue), on a
// 2-core machine shared with other work (load average about 9): go run
// ./bench/flood -burst with -mcp-bin set to that build, twice: 64 answered and
// 136 refused 503 both times, p50 117 and 99 ms (mostly refusals after their
// 50 ms wait), p99 0.97 and 1.24 s. The figures are the first run's.
var BurstBefore = BurstResult{Calls: 200, Answered: 64, P50: 117 * time.Millisecond, P99: 972 * time.Millisecond}

// BurstResult is what a burst measured.
type BurstResult struct {
	// Calls were sent, Answered answered with the workspace's listing.
	Calls, Answered int
	// Statuses counts the other answers by HTTP status (0: no answer, -1: a 200
	// that was not the listing).
	Statuses map[int]int
	// P50 and P99 are of every call's latency, answered or not.
	P50, P99 time.Duration
	// Upstream is the number of requests GitScrum received.
	Upstream int
}

// burstWorkspace is the workspace the burst lists.
const burstWorkspace = "burst"

// Burst starts the gitscrum-mcp binary bin with --http against an emulator of
// cfg.Clients clients, sends cfg.Calls list_clients calls at once and times each.
func Burst(bin string, cfg BurstConfig) (BurstResult, error) {
	res := BurstResult{Calls: cfg.Calls, Statuses: map[int]int{}}
	emu := emulator.New()
	emu.SetLogLimit(10)
	emu.SetPageSize(cfg.PageSize)
	emu.AddClients(burstWorkspace, emulator.GenerateClients(cfg.Clients)...)
	var (
		mu       sync.Mutex
		upstream int
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		upstream++
		mu.Unlock()
		emu.ServeHTTP(w, r)
	}))
	defer ts.Close()
	t := MCP(bin)
	t.env = func(upstreamURL string) []string {
		return []string{"GITSCRUM_API_URL=" + upstreamURL, "GITSCRUM_COMPANY_SLUG=" + burstWorkspace}
	}
	p, err := startProcess(t, Config{Args: cfg.Args}, ts.URL)
	if err != nil {
		return res, err
	}
	defer p.stop()
	emu.SetLatency(cfg.Latency) // after the health checks, which GitScrum does not see

	call := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_clients","arguments":{}}}`
	total := fmt.Sprintf("%d", cfg.Clients)
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Calls}}
	defer client.CloseIdleConnections()
	var (
		wg        sync.WaitGroup
		latencies = make([]time.Duration, cfg.Calls)
		start     = make(chan struct{})
	)
	for i := range cfg.Calls {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodPost, p.base+"/mcp", strings.NewReader(call))
			if err != nil {
				panic(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
			<-start
			t0 := time.Now()
			resp, err := client.Do(req)
			status := 0
			var body []byte
			if err == nil {
				body, _ = io.ReadAll(io.LimitReader(resp.Body, 4<<20))
				_ = resp.Body.Close()
				status = resp.StatusCode
			}
			latencies[i] = time.Since(t0)
			if status == http.StatusOK && (bytes.Contains(body, []byte(`"isError":true`)) || !bytes.Contains(body, []byte(total))) {
				status = -1
			}
			mu.Lock()
			defer mu.Unlock()
			if status == http.StatusOK {
				res.Answered++
			} else {
				res.Statuses[status]++
			}
		})
	}
	close(start)
	wg.Wait()
	sorted := stats.Sorted(latencies)
	res.P50, res.P99 = stats.Percentile(sorted, 50), stats.Percentile(sorted, 99)
	mu.Lock()
	res.Upstream = upstream
	mu.Unlock()
	return res, p.alive()
}

// BurstRows turns a burst's result into rows of the suite's table, each beside
// [BurstBefore].
func BurstRows(cfg BurstConfig, r BurstResult) []stats.Row {
	scenario := fmt.Sprintf("Burst: %d concurrent cold `list_clients` over HTTP, default settings, %s clients in pages of %d at %s per page",
		cfg.Calls, stats.Count(float64(cfg.Clients)), cfg.PageSize, stats.Duration(cfg.Latency))
	before := "the build before issue 16 (64 slots, 50 ms wait, no queue), measured once"
	others := ""
	if len(r.Statuses) > 0 {
		others = "; not answered: " + statusList(r.Statuses, true)
	}
	return []stats.Row{
		{Scenario: scenario, Measure: fmt.Sprintf("calls answered with the listing, of %d%s", r.Calls, others), Unit: stats.UnitCount,
			Value: float64(r.Answered), Baseline: float64(BurstBefore.Answered), BaselineNote: before + "; the rest got 503 busy"},
		{Scenario: scenario, Measure: "latency p50 of every call", Unit: stats.UnitTime,
			Value: float64(r.P50), Baseline: float64(BurstBefore.P50), BaselineNote: before + " (mostly refusals)"},
		{Scenario: scenario, Measure: "latency p99 of every call", Unit: stats.UnitTime,
			Value: float64(r.P99), Baseline: float64(BurstBefore.P99), BaselineNote: before},
		{Scenario: scenario, Measure: "GitScrum requests", Unit: stats.UnitCount,
			Value: float64(r.Upstream), Baseline: float64((cfg.Clients + cfg.PageSize - 1) / cfg.PageSize), BaselineNote: "pages of one listing"},
	}
}
