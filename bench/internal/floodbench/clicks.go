package floodbench

import (
	"bufio"
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
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/gitscrumtest"
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
}

// ShareClicks floods a fresh gitscrum-slack (bin, HTTP mode, with a bot token)
// with cfg.Clicks signed Share clicks, against the emulator and a stand-in for
// Slack (Web API and response_urls) served here on loopback.
func ShareClicks(bin string, cfg ClickConfig) (ClickResult, error) {
	res := ClickResult{ClickConfig: cfg, Acks: map[int]int{}}
	emu := gitscrumtest.New(gitscrumtest.WithDemoData())
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
			return []string{"GITSCRUM_API_URL=" + upstreamURL, "GITSCRUM_TOKEN=" + gitscrumtest.DefaultToken,
				"GITSCRUM_COMPANY_SLUG=" + gitscrumtest.DemoWorkspace, "SLACK_SIGNING_SECRET=" + SigningSecret,
				"SLACK_BOT_TOKEN=xoxb-clicks", "SLACK_API_URL=" + slackSrv.URL + "/api/",
				slackbot.EnvResponseURLPrefixes + "=" + slackSrv.URL + "/hooks/"}
		},
	}
	p, err := startProcess(t, Config{Args: cfg.Args}, up.URL)
	if err != nil {
		return res, err
	}
	defer p.stop()

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
	wg.Wait()
	// The background work ends when every click was answered one way or another
	// and GitScrum is idle.
	deadline := time.Now().Add(cfg.Settle)
	for time.Now().Before(deadline) && (int(shared.Load()+busy.Load()+other.Load()) < cfg.Clicks || inFlight.Load() > 0) {
		time.Sleep(20 * time.Millisecond)
	}
	res.Elapsed = time.Since(began)
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
			"value": fmt.Sprintf(`{"w":%q,"id":%q}`, gitscrumtest.DemoWorkspace, gitscrumtest.DemoAcmeUUID)}},
	})
	body := url.Values{"payload": {string(payload)}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, base+slackbot.InteractivityPath, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	slackbottest.SignRequest(req, SigningSecret, body, time.Now())
	return req
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
