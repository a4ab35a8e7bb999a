package floodbench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// ClickConfig is one flood of Share clicks: legitimate, signed block_actions
// payloads, each from its own user, that gitscrum-slack acknowledges and then
// answers in the background (a GitScrum read, then chat.postMessage).
type ClickConfig struct {
	// Clicks is how many are sent, evenly spread over Spread.
	Clicks int
	Spread time.Duration
	// Latency is how long GitScrum (the emulator) takes to answer each request.
	Latency time.Duration
	// Settle bounds the wait, after the last click, for the background work to end.
	Settle time.Duration
	// Args are extra flags for the binary, e.g. --max-jobs 64.
	Args []string
}

// DefaultClickConfig is the flood of the issue: 1,500 Share clicks in 1.6 s,
// GitScrum answering in 1 s.
var DefaultClickConfig = ClickConfig{Clicks: 1500, Spread: 1600 * time.Millisecond, Latency: time.Second, Settle: 90 * time.Second}

// ClickResult is what a flood of clicks measured.
type ClickResult struct {
	ClickConfig
	// Acks counts the clicks' HTTP answers by status (0: no answer).
	Acks map[int]int
	// Shared counts the cards posted (chat.postMessage); Busy the people told the
	// bot was busy (through the response_url or chat.postEphemeral); Other the
	// other answers (such as an error).
	Shared, Busy, Other int
	// PeakUpstream is the most GitScrum requests in flight at once, Upstream all
	// of them.
	PeakUpstream, Upstream int
	// PeakGoroutines is the most goroutines the server reported (go_goroutines on
	// /metrics, sampled every 20 ms); PeakRSS its VmHWM after the flood, in bytes.
	PeakGoroutines int
	PeakRSS        int64
	// Elapsed is the time from the first click until the background work ended
	// (or Settle passed).
	Elapsed time.Duration
	// Baseline and Probes are the acknowledgement latencies of a valid signed
	// command (`show <UUID>`) before and during the flood (until its background
	// work ended), sorted: answered
	// inline with the card, or acknowledged to be answered on its response_url
	// (Deferred of them). ProbeBusy counts those told the bot was busy during the
	// flood (the clicks hold every place of background work), ProbeFailed the
	// others.
	Baseline, Probes                 []time.Duration
	Deferred, ProbeBusy, ProbeFailed int
}

// probePath is the response_url path of the valid commands timed around a
// flood of clicks; its posts are not the clicks' answers.
const probePath = "/hooks/probe"

// ClicksBefore is what the build before issue 16 (commit 13ea02e, go build
// -trimpath) measured for DefaultClickConfig, once, with go run ./bench/flood
// -target clicks -before-slack-bin set to it (2026-12-08 00:12 UTC, a 2-core
// machine shared with other work): 1,500 cards shared, 1,506 GitScrum requests
// of which 940 at once, 3,769 goroutines, 98 MB peak RSS; the one valid command
// sent during the flood was answered in 1.01 s (1.00 s before it: GitScrum's
// latency).
var ClicksBefore = ClickResult{
	Shared: 1500, Upstream: 1506, PeakUpstream: 940, PeakGoroutines: 3769, PeakRSS: 98_000_000,
	Probes: []time.Duration{1008598403},
}

// ShareClicks floods a fresh gitscrum-slack (bin, HTTP mode, with a bot token)
// with cfg.Clicks signed Share clicks, against the emulator and a stand-in for
// Slack (Web API and response_urls) served here on loopback.
func ShareClicks(bin string, cfg ClickConfig) (ClickResult, error) {
	res := ClickResult{ClickConfig: cfg, Acks: map[int]int{}}
	emu := emulator.New(emulator.WithDemoData())
	emu.SetLogLimit(10)
	emu.SetLatency(cfg.Latency)
	var inFlight, peak, all atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		all.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		emu.ServeHTTP(w, r)
	}))
	defer up.Close()
	var shared, busy, other atomic.Int64
	slackSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		switch {
		case r.URL.Path == probePath:
		case strings.Contains(string(body), "too busy"):
			busy.Add(1)
		case r.URL.Path == "/api/chat.postMessage":
			shared.Add(1)
		default:
			other.Add(1)
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"ok":true,"channel":"C0CLICK01","ts":"1700000000.000100","message_ts":"1700000000.000100"}`)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer slackSrv.Close()

	t := Target{
		Name: "gitscrum-slack",
		bin:  bin,
		args: func(addr string) []string { return []string{"--addr", addr} },
		env: func(upstreamURL string) []string {
			return []string{"GITSCRUM_API_URL=" + upstreamURL, "GITSCRUM_TOKEN=" + emulator.DefaultToken,
				"GITSCRUM_COMPANY_SLUG=" + emulator.DemoWorkspace, "SLACK_SIGNING_SECRET=" + SigningSecret,
				"SLACK_BOT_TOKEN=xoxb-clicks", "SLACK_API_URL=" + slackSrv.URL + "/api/",
				slackbot.EnvResponseURLPrefixes + "=" + slackSrv.URL + "/hooks/"}
		},
	}
	p, err := startProcess(t, Config{Args: cfg.Args}, up.URL)
	if err != nil {
		return res, err
	}
	defer p.stop()

	probeClient := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer probeClient.CloseIdleConnections()
	probe := func(i int) (time.Duration, bool, bool, bool) {
		req := showCommand(p.base, slackSrv.URL+probePath, i)
		t0 := time.Now()
		resp, err := probeClient.Do(req)
		if err != nil {
			return 0, false, false, false
		}
		out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		d := time.Since(t0)
		deferred := bytes.Contains(out, []byte(":hourglass_flowing_sand:"))
		busy := bytes.Contains(out, []byte("too busy"))
		return d, resp.StatusCode == http.StatusOK && (deferred || bytes.Contains(out, []byte(emulator.DemoAcmeUUID))), deferred, busy
	}
	for i := range clickProbes {
		d, ok, _, _ := probe(i)
		if !ok {
			return res, fmt.Errorf("baseline: valid command %d not answered", i)
		}
		res.Baseline = append(res.Baseline, d)
	}
	res.Baseline = stats.Sorted(res.Baseline)

	var peakG atomic.Int64
	sampling, stopSampling := context.WithCancel(context.Background())
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for sampling.Err() == nil {
			if n := goroutines(p.base); n > peakG.Load() {
				peakG.Store(n)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256, IdleConnTimeout: 10 * time.Second}}
	defer client.CloseIdleConnections()
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	began := time.Now()
	for i := range cfg.Clicks {
		if at := began.Add(time.Duration(i) * cfg.Spread / time.Duration(cfg.Clicks)); time.Until(at) > 0 {
			time.Sleep(time.Until(at))
		}
		wg.Go(func() {
			status := 0
			if resp, err := client.Do(shareClick(p.base, slackSrv.URL, i)); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				status = resp.StatusCode
			}
			mu.Lock()
			res.Acks[status]++
			mu.Unlock()
		})
	}
	probing, stopProbing := context.WithCancel(context.Background())
	probed := make(chan struct{})
	go func() {
		defer close(probed)
		for i := clickProbes; probing.Err() == nil; i++ {
			d, ok, deferred, busy := probe(i)
			switch {
			case busy:
				res.ProbeBusy++
			case !ok:
				res.ProbeFailed++
			case deferred:
				res.Deferred++
				fallthrough
			default:
				res.Probes = append(res.Probes, d)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	wg.Wait()
	// The background work ends when every click was answered one way or another
	// and GitScrum is idle.
	deadline := time.Now().Add(cfg.Settle)
	for time.Now().Before(deadline) && (int(shared.Load()+busy.Load()+other.Load()) < cfg.Clicks || inFlight.Load() > 0) {
		time.Sleep(20 * time.Millisecond)
	}
	res.Elapsed = time.Since(began)
	stopProbing()
	<-probed
	res.Probes = stats.Sorted(res.Probes)
	stopSampling()
	<-sampled
	res.PeakRSS = stats.VmHWM(p.cmd.Process.Pid)
	res.PeakGoroutines = int(peakG.Load())
	res.PeakUpstream, res.Upstream = int(peak.Load()), int(all.Load())
	res.Shared, res.Busy, res.Other = int(shared.Load()), int(busy.Load()), int(other.Load())
	return res, p.alive()
}

// shareClick is the signed block_actions payload of click i: Share on Acme's
// card, from user i, in channel i, with a response_url of its own.
func shareClick(base, slackURL string, i int) *http.Request {
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": fmt.Sprintf("U0CLK%05d", i)}, "team": map[string]any{"id": "T0CLICK01"},
		"channel": map[string]any{"id": fmt.Sprintf("C0CLK%05d", i)}, "trigger_id": "1.2.3",
		"response_url": fmt.Sprintf("%s/hooks/%d", slackURL, i),
		"actions": []any{map[string]any{"type": "button", "action_id": slackbot.ActionShare, "block_id": "gitscrum_card_actions",
			"value": fmt.Sprintf(`{"w":%q,"id":%q}`, emulator.DemoWorkspace, emulator.DemoAcmeUUID)}},
	})
	body := url.Values{"payload": {string(payload)}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, base+slackbot.InteractivityPath, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	slackbottest.SignRequest(req, SigningSecret, body, time.Now())
	return req
}

// clickProbes is how many valid commands are timed before a flood of clicks.
const clickProbes = 5

// showCommand is the signed slash command `show <Acme's UUID>`, the i-th, with
// responseURL.
func showCommand(base, responseURL string, i int) *http.Request {
	body := url.Values{"command": {"/gitscrum"}, "text": {"show " + emulator.DemoAcmeUUID}, "user_id": {"U0PROBE01"},
		"team_id": {"T0CLICK01"}, "channel_id": {"C0PROBE01"}, "response_url": {responseURL}, "trigger_id": {strconv.Itoa(i)}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, base+slackbot.CommandsPath, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	slackbottest.SignRequest(req, SigningSecret, body, time.Now())
	return req
}

// ClickRows turns a flood of clicks into rows of the suite's table, beside
// [ClicksBefore] or the same process before the flood.
func ClickRows(r ClickResult) []stats.Row {
	scenario := fmt.Sprintf("Clicks: %s signed Share clicks in %s to gitscrum-slack, GitScrum at %s a request",
		stats.Count(float64(r.Clicks)), stats.Duration(r.Spread), stats.Duration(r.Latency))
	before := "the build before issue 16 (13ea02e), measured once"
	failed := ""
	if r.ProbeBusy > 0 {
		failed += fmt.Sprintf("; %d told busy", r.ProbeBusy)
	}
	if r.ProbeFailed > 0 {
		failed += fmt.Sprintf("; %d not answered", r.ProbeFailed)
	}
	return []stats.Row{
		{Scenario: scenario, Measure: fmt.Sprintf("GitScrum requests at once, at most (%d cards shared, %d told busy, %d other)", r.Shared, r.Busy, r.Other), Unit: stats.UnitCount,
			Value: float64(r.PeakUpstream), Baseline: float64(ClicksBefore.PeakUpstream), BaselineNote: before},
		{Scenario: scenario, Measure: "server goroutines, at most", Unit: stats.UnitCount,
			Value: float64(r.PeakGoroutines), Baseline: float64(ClicksBefore.PeakGoroutines), BaselineNote: before},
		{Scenario: scenario, Measure: "peak RSS of the server (VmHWM)", Unit: stats.UnitBytes,
			Value: float64(r.PeakRSS), Baseline: float64(ClicksBefore.PeakRSS), BaselineNote: before},
		{Scenario: scenario, Measure: fmt.Sprintf("valid command (`show <UUID>`) ack p50 during the flood (n=%d, %d deferred%s)", len(r.Probes), r.Deferred, failed), Unit: stats.UnitTime,
			Value: float64(stats.Percentile(r.Probes, 50)), Baseline: float64(stats.Percentile(r.Baseline, 50)), BaselineNote: fmt.Sprintf("p50 before the flood, n=%d", len(r.Baseline))},
		{Scenario: scenario, Measure: "valid command ack p99 during the flood", Unit: stats.UnitTime,
			Value: float64(stats.Percentile(r.Probes, 99)), Baseline: float64(stats.Percentile(ClicksBefore.Probes, 99)), BaselineNote: before},
	}
}

// goroutines reads go_goroutines from the server's /metrics, or 0.
func goroutines(base string) int64 {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			n, _ := strconv.ParseFloat(v, 64)
			return int64(n)
		}
	}
	return 0
}
