package floodbench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// PickerConfig is a measure of the empty-query picker and of Next on an
// unfiltered list against the built gitscrum-slack (issue 16): the picker
// opened with nothing typed once cloned and sorted the whole workspace.
type PickerConfig struct {
	// Clients is the size of the workspace, listed once and cached.
	Clients int
	// CPUPickers is how many empty-query pickers are sent one after the other to
	// measure the server's CPU per picker.
	CPUPickers int
	// Pickers is how many clients send empty-query pickers at once during the
	// flood, for Duration, while a valid command is timed.
	Pickers  int
	Duration time.Duration
	// BaselineProbes is how many valid commands are timed before the flood;
	// ProbeGap separates two.
	BaselineProbes int
	ProbeGap       time.Duration
	// NextClicks is how many Next clicks on the unfiltered list are sent one
	// after the other, each answered on its response_url, to measure RSS.
	NextClicks int
	// Args are extra flags for the binary.
	Args []string
}

// DefaultPicker is the measure of the issue: 100,000 clients, 8 pickers at
// once, 100 Next clicks.
var DefaultPicker = PickerConfig{Clients: 100_000, CPUPickers: 50, Pickers: 8, Duration: 5 * time.Second,
	BaselineProbes: 20, ProbeGap: 20 * time.Millisecond, NextClicks: 100}

// PickerResult is what PickerConfig measured.
type PickerResult struct {
	PickerConfig
	// CPUPerPicker is the server's CPU time per empty-query picker, sent one
	// after the other; PickerP50 their latency.
	CPUPerPicker, PickerP50 time.Duration
	// CPUFailed counts those pickers not answered with options.
	CPUFailed int
	// FloodPickers are the latencies of the pickers answered with options during
	// the flood, sorted; FloodFailed counts the others.
	FloodPickers []time.Duration
	FloodFailed  int
	// Baseline and Probes are the valid command's latencies before and during the
	// flood, sorted (answered inline with the client's card); ProbeFailed counts
	// the others during the flood.
	Baseline, Probes []time.Duration
	ProbeFailed      int
	// RSSBefore is the server's VmRSS after the list is cached and one Next click
	// answered; RSSAfter after NextClicks more; PeakRSS its VmHWM then.
	RSSBefore, RSSAfter, PeakRSS int64
	// NextAnswered counts the Next clicks answered on their response_url.
	NextAnswered int
}

// PickerBefore is what the build before issue 16 (commit 13ea02e, go build
// -trimpath) measured for DefaultPicker, once, with go run ./bench/flood
// -picker -slack-bin set to it (2026-12-08 00:00 UTC, a 2-core machine shared
// with other work, load average about 2 to 4): 765 ms of CPU per picker (9 of the 50
// not answered with options), p50 1.16 s; none of 22 pickers sent 8 at once
// answered with options in 5 s; the valid command p50 310 ms, p99 1.13 s (n=10);
// RSS 863 MB after the pickers, 169 MB after the 100 Next clicks, peak 921 MB.
var PickerBefore = struct {
	CPUPerPicker, PickerP50, ProbeP50, ProbeP99 time.Duration
	FloodAnswered, FloodSent                    int
	RSSAfter, PeakRSS                           int64
}{
	CPUPerPicker: 765 * time.Millisecond, PickerP50: 1160 * time.Millisecond,
	ProbeP50: 310 * time.Millisecond, ProbeP99: 1129 * time.Millisecond,
	FloodAnswered: 0, FloodSent: 22, RSSAfter: 169_402_368, PeakRSS: 920_727_552,
}

// pickerWorkspace is the workspace of the picker measure.
const pickerWorkspace = "picker"

// Pickers measures cfg against the gitscrum-slack binary bin in HTTP mode, with
// an emulator of cfg.Clients clients and a stand-in for the response_urls served
// here on loopback.
func Pickers(bin string, cfg PickerConfig) (PickerResult, error) {
	res := PickerResult{PickerConfig: cfg}
	emu := emulator.New()
	emu.SetLogLimit(10)
	emu.SetPageSize(500)
	seeds := emu.AddClients(pickerWorkspace, emulator.GenerateClients(cfg.Clients)...)
	up := httptest.NewServer(emu)
	defer up.Close()
	posts := make(chan []byte, 16)
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		select {
		case posts <- body:
		default:
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer hooks.Close()
	t := Target{
		Name: "gitscrum-slack",
		bin:  bin,
		args: func(addr string) []string { return []string{"--addr", addr} },
		env: func(upstreamURL string) []string {
			return []string{"GITSCRUM_API_URL=" + upstreamURL, "GITSCRUM_TOKEN=" + emulator.DefaultToken,
				"GITSCRUM_COMPANY_SLUG=" + pickerWorkspace, "SLACK_SIGNING_SECRET=" + SigningSecret,
				slackbot.EnvResponseURLPrefixes + "=" + hooks.URL + "/hooks/"}
		},
	}
	p, err := startProcess(t, Config{Args: cfg.Args}, up.URL)
	if err != nil {
		return res, err
	}
	defer p.stop()
	pid := p.cmd.Process.Pid
	hc := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Pickers + 1}}
	defer hc.CloseIdleConnections()
	var seq atomic.Int64
	send := func(payload map[string]any) (int, []byte, error) {
		raw, _ := json.Marshal(payload)
		body := url.Values{"payload": {string(raw)}}.Encode()
		req, err := http.NewRequest(http.MethodPost, p.base+slackbot.InteractivityPath, strings.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		slackbottest.SignRequest(req, SigningSecret, body, time.Now())
		resp, err := hc.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		return resp.StatusCode, out, err
	}
	picker := func() (time.Duration, bool) {
		t0 := time.Now()
		status, body, err := send(map[string]any{
			"type": "block_suggestion", "user": map[string]any{"id": "U0PICK001"}, "team": map[string]any{"id": "T0PICK001"},
			"action_id": slackbot.ActionPicker, "block_id": fmt.Sprintf(`{"w":%q}`, pickerWorkspace), "value": "",
			"api_app_id": "A0PICK001", "container": map[string]any{"type": "message"}, "action_ts": fmt.Sprint(seq.Add(1)),
		})
		return time.Since(t0), err == nil && status == http.StatusOK && bytes.Contains(body, []byte(`"options":[{`))
	}
	next := func(page int) error {
		status, body, err := send(map[string]any{
			"type": "block_actions", "user": map[string]any{"id": "U0PICK001"}, "team": map[string]any{"id": "T0PICK001"},
			"channel": map[string]any{"id": "C0PICK001"}, "trigger_id": fmt.Sprintf("1.2.%d", seq.Add(1)),
			"response_url": hooks.URL + "/hooks/next", "api_app_id": "A0PICK001",
			"container": map[string]any{"type": "message", "is_ephemeral": true},
			"actions": []any{map[string]any{"type": "button", "action_id": slackbot.ActionNext, "block_id": "gitscrum_pager",
				"value": fmt.Sprintf(`{"w":%q,"p":%d,"k":"list"}`, pickerWorkspace, page), "action_ts": "1.1"}},
		})
		if err != nil || status != http.StatusOK {
			return fmt.Errorf("next: %d %v %.200s", status, err, body)
		}
		select {
		case <-posts:
			return nil
		case <-time.After(time.Minute):
			return fmt.Errorf("next: no answer on the response_url within a minute")
		}
	}
	probe := func(i int) (time.Duration, bool) {
		seed := seeds[i%len(seeds)]
		body := url.Values{"command": {"/gitscrum"}, "text": {"show " + seed.UUID}, "user_id": {"U0PROBE01"}, "team_id": {"T0PICK001"},
			"channel_id": {"C0PICK001"}, "response_url": {hooks.URL + "/hooks/probe"}, "trigger_id": {fmt.Sprint(i)}}.Encode()
		req, err := http.NewRequest(http.MethodPost, p.base+slackbot.CommandsPath, strings.NewReader(body))
		if err != nil {
			return 0, false
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		slackbottest.SignRequest(req, SigningSecret, body, time.Now())
		t0 := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			return 0, false
		}
		out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		return time.Since(t0), resp.StatusCode == http.StatusOK && bytes.Contains(out, []byte(seed.UUID))
	}

	// Warm: the first picker lists the workspace (it may answer before the list
	// is ready); one answered with options means the list is cached.
	warm := time.Now().Add(3 * time.Minute)
	for {
		if _, ok := picker(); ok {
			break
		}
		if err := p.alive(); err != nil {
			return res, err
		}
		if time.Now().After(warm) {
			return res, fmt.Errorf("no empty-query picker answered with options within 3 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// CPU per picker, one after the other.
	var lat []time.Duration
	cpu0 := cpuTime(pid)
	for range cfg.CPUPickers {
		d, ok := picker()
		if !ok {
			res.CPUFailed++
		}
		lat = append(lat, d)
	}
	res.CPUPerPicker = (cpuTime(pid) - cpu0) / time.Duration(max(cfg.CPUPickers, 1))
	res.PickerP50 = stats.Percentile(stats.Sorted(lat), 50)

	// A valid command before and during a flood of pickers.
	for i := range cfg.BaselineProbes {
		d, ok := probe(i)
		if ok {
			res.Baseline = append(res.Baseline, d)
		}
		time.Sleep(cfg.ProbeGap)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Duration)
	defer cancel()
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for range cfg.Pickers {
		wg.Go(func() {
			for ctx.Err() == nil {
				d, ok := picker()
				mu.Lock()
				if ok {
					res.FloodPickers = append(res.FloodPickers, d)
				} else {
					res.FloodFailed++
				}
				mu.Unlock()
			}
		})
	}
	time.Sleep(100 * time.Millisecond)
	for i := cfg.BaselineProbes; ctx.Err() == nil; i++ {
		d, ok := probe(i)
		if ok {
			res.Probes = append(res.Probes, d)
		} else {
			res.ProbeFailed++
		}
		time.Sleep(cfg.ProbeGap)
	}
	wg.Wait()
	res.Baseline, res.Probes, res.FloodPickers = stats.Sorted(res.Baseline), stats.Sorted(res.Probes), stats.Sorted(res.FloodPickers)

	// RSS before and after Next clicks on the unfiltered list.
	if err := next(1); err != nil {
		return res, err
	}
	res.RSSBefore = stats.VmRSS(pid)
	for i := range cfg.NextClicks {
		if err := next(2 + i%50); err != nil {
			return res, err
		}
		res.NextAnswered++
	}
	res.RSSAfter, res.PeakRSS = stats.VmRSS(pid), stats.VmHWM(pid)
	return res, p.alive()
}

// PickerRows turns r into rows of the suite's table, each beside the build
// before issue 16 ([PickerBefore]) or the same process before.
func PickerRows(r PickerResult) []stats.Row {
	scenario := fmt.Sprintf("Picker: gitscrum-slack, %s cached clients, the picker opened with nothing typed", stats.Count(float64(r.Clients)))
	before := "the build before issue 16 (13ea02e), measured once"
	floodNote := ""
	if r.FloodFailed > 0 || r.ProbeFailed > 0 {
		floodNote = fmt.Sprintf("; not answered: %d pickers, %d commands", r.FloodFailed, r.ProbeFailed)
	}
	return []stats.Row{
		{Scenario: scenario, Measure: fmt.Sprintf("server CPU per picker, one after the other (n=%d, %d not answered with options; target ≤ 20 ms)", r.CPUPickers, r.CPUFailed), Unit: stats.UnitTime,
			Value: float64(r.CPUPerPicker), Baseline: float64(PickerBefore.CPUPerPicker), BaselineNote: before},
		{Scenario: scenario, Measure: "picker latency p50, one after the other", Unit: stats.UnitTime,
			Value: float64(r.PickerP50), Baseline: float64(PickerBefore.PickerP50), BaselineNote: before},
		{Scenario: scenario, Measure: fmt.Sprintf("picker latency p50, %d at once for %s (n=%d%s)", r.Pickers, stats.Duration(r.Duration), len(r.FloodPickers), floodNote), Unit: stats.UnitTime,
			Value: float64(stats.Percentile(r.FloodPickers, 50)), Baseline: float64(3 * time.Second),
			BaselineNote: fmt.Sprintf("Slack's 3 s limit; the build before issue 16 answered %d of %d with options", PickerBefore.FloodAnswered, PickerBefore.FloodSent)},
		{Scenario: scenario, Measure: fmt.Sprintf("valid command (`show <UUID>`) latency p50 during the %d pickers (n=%d)", r.Pickers, len(r.Probes)), Unit: stats.UnitTime,
			Value: float64(stats.Percentile(r.Probes, 50)), Baseline: float64(stats.Percentile(r.Baseline, 50)), BaselineNote: fmt.Sprintf("p50 before the pickers, n=%d", len(r.Baseline))},
		{Scenario: scenario, Measure: "valid command latency p50 during the pickers", Unit: stats.UnitTime,
			Value: float64(stats.Percentile(r.Probes, 50)), Baseline: float64(PickerBefore.ProbeP50), BaselineNote: before},
		{Scenario: scenario, Measure: "valid command latency p99 during the pickers", Unit: stats.UnitTime,
			Value: float64(stats.Percentile(r.Probes, 99)), Baseline: float64(PickerBefore.ProbeP99), BaselineNote: before},
		{Scenario: scenario, Measure: fmt.Sprintf("RSS after %d Next clicks on the unfiltered list (%d answered)", r.NextClicks, r.NextAnswered), Unit: stats.UnitBytes,
			Value: float64(r.RSSAfter), Baseline: float64(r.RSSBefore), BaselineNote: "RSS with the list cached, after one Next click (target: no growth)"},
		{Scenario: scenario, Measure: fmt.Sprintf("RSS after %d Next clicks", r.NextClicks), Unit: stats.UnitBytes,
			Value: float64(r.RSSAfter), Baseline: float64(PickerBefore.RSSAfter), BaselineNote: before},
		{Scenario: scenario, Measure: "peak RSS of the server over the whole measure (VmHWM)", Unit: stats.UnitBytes,
			Value: float64(r.PeakRSS), Baseline: float64(PickerBefore.PeakRSS), BaselineNote: before + " (after the 8 pickers at once)"},
	}
}
