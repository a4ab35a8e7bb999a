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
// set latency. The exit code is 1 when any acknowledgement took 3 s or more.
package main

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/gitscrumtest"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// secret signs the load's requests.
const secret = "bench-signing-secret-0123456789ab"

// slackLimit is how long Slack waits for an answer.
const slackLimit = 3 * time.Second

func main() {
	n := flag.Int("n", 200, "concurrent commands per scenario")
	latency := flag.Duration("latency", time.Second, "emulator latency for the loaded scenarios")
	flag.Parse()
	ok, err := bench(*n, *latency, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "slackload:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

// scenario is one batch of concurrent commands.
type scenario struct {
	name    string
	text    string
	latency time.Duration
}

// result is what one scenario measured.
type result struct {
	scenario
	acks          []time.Duration // per command, until the HTTP answer
	finals        []time.Duration // per deferred command, until its response_url post
	inline        int
	deferred      int
	failed        int
	over3s        int
	wall          time.Duration
	rssKB, hwmKB  int
	heapMB        float64
	goroutinesMax int
}

// rig is the system under load: emulator, bot over HTTP, response_url sink.
type rig struct {
	emu    *gitscrumtest.Server
	botURL string
	sink   *sink
	client *http.Client
	close  func()
}

// sink stands in for Slack's response_url endpoint and notes when each post came.
type sink struct {
	srv   *httptest.Server
	mu    sync.Mutex
	posts map[string]time.Time
	cond  *sync.Cond
}

func newSink() *sink {
	s := &sink{posts: map[string]time.Time{}}
	s.cond = sync.NewCond(&s.mu)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		s.mu.Lock()
		s.posts[r.URL.Path] = time.Now()
		s.cond.Broadcast()
		s.mu.Unlock()
		_, _ = io.WriteString(w, "ok")
	}))
	return s
}

// wait waits until every path has a post, or the timeout passes, and returns the
// arrival times found.
func (s *sink) wait(paths []string, timeout time.Duration) map[string]time.Time {
	deadline := time.Now().Add(timeout)
	go func() { time.Sleep(timeout); s.cond.Broadcast() }()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		missing := 0
		for _, p := range paths {
			if _, ok := s.posts[p]; !ok {
				missing++
			}
		}
		if missing == 0 || time.Now().After(deadline) {
			out := make(map[string]time.Time, len(paths))
			for _, p := range paths {
				if at, ok := s.posts[p]; ok {
					out[p] = at
				}
			}
			return out
		}
		s.cond.Wait()
	}
}

func newRig() (*rig, error) {
	emu := gitscrumtest.New(gitscrumtest.WithDemoData())
	emu.SetLogLimit(1000)
	emuSrv := httptest.NewServer(emu)
	client, err := gitscrum.New(gitscrum.WithBaseURL(emuSrv.URL), gitscrum.WithToken(gitscrumtest.DefaultToken))
	if err != nil {
		return nil, err
	}
	bot, err := slackbot.New(slackbot.Config{
		Client: client, Workspace: gitscrumtest.DemoWorkspace, SigningSecret: secret,
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: bot.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 15 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 32 << 10}
	go func() { _ = srv.Serve(ln) }()
	s := newSink()
	tr := &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, IdleConnTimeout: 30 * time.Second}
	return &rig{
		emu: emu, botURL: "http://" + ln.Addr().String() + slackbot.CommandsPath, sink: s,
		client: &http.Client{Transport: tr, Timeout: 30 * time.Second},
		close: func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
			_ = bot.Close(ctx)
			s.srv.Close()
			emuSrv.Close()
		},
	}, nil
}

// request builds the signed request of command i.
func (r *rig) request(run, i int, text string) (*http.Request, string) {
	path := fmt.Sprintf("/hooks/%d/%d", run, i)
	body := url.Values{
		"token": {"x"}, "team_id": {"T0BENCH01"}, "channel_id": {"C0BENCH01"},
		"user_id": {fmt.Sprintf("U0LOAD%04d", i)}, "command": {"/gitscrum"}, "text": {text},
		"response_url": {r.sink.srv.URL + path}, "trigger_id": {"1.2.3"},
	}.Encode()
	req, _ := http.NewRequest(http.MethodPost, r.botURL, strings.NewReader(body))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return req, path
}

// runScenario fires n commands at once and measures them.
func (r *rig) runScenario(run, n int, sc scenario) result {
	r.emu.SetLatency(sc.latency)
	res := result{scenario: sc, acks: make([]time.Duration, n)}
	type sent struct {
		path     string
		start    time.Time
		deferred bool
	}
	sents := make([]sent, n)
	reqs := make([]*http.Request, n)
	for i := range n {
		reqs[i], sents[i].path = r.request(run, i, sc.text)
	}
	var failed atomic.Int32
	var peakG atomic.Int32
	stopG := make(chan struct{})
	go func() { // sample the goroutine count
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopG:
				return
			case <-t.C:
				if g := int32(runtime.NumGoroutine()); g > peakG.Load() {
					peakG.Store(g)
				}
			}
		}
	}()
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-gate
			start := time.Now()
			sents[i].start = start
			resp, err := r.client.Do(reqs[i])
			if err != nil {
				failed.Add(1)
				res.acks[i] = time.Since(start)
				return
			}
			var msg slack.WebhookMessage
			err = json.NewDecoder(resp.Body).Decode(&msg)
			resp.Body.Close()
			res.acks[i] = time.Since(start)
			if err != nil || resp.StatusCode != http.StatusOK {
				failed.Add(1)
				return
			}
			sents[i].deferred = strings.Contains(msg.Text, "…") && (strings.HasPrefix(msg.Text, "Looking up") || strings.HasPrefix(msg.Text, "Searching"))
		})
	}
	begin := time.Now()
	close(gate)
	wg.Wait()
	var paths []string
	for _, s := range sents {
		if s.deferred {
			paths = append(paths, s.path)
		}
	}
	arrivals := r.sink.wait(paths, 60*time.Second)
	res.wall = time.Since(begin)
	close(stopG)
	for _, s := range sents {
		if !s.deferred {
			continue
		}
		if at, ok := arrivals[s.path]; ok {
			res.finals = append(res.finals, at.Sub(s.start))
		} else {
			failed.Add(1)
		}
	}
	res.deferred = len(paths)
	res.failed = int(failed.Load())
	res.inline = n - res.deferred - res.failed
	for _, a := range res.acks {
		if a >= slackLimit {
			res.over3s++
		}
	}
	res.rssKB, res.hwmKB = memKB()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.heapMB = float64(ms.HeapInuse) / (1 << 20)
	res.goroutinesMax = int(peakG.Load())
	return res
}

func bench(n int, latency time.Duration, w io.Writer) (bool, error) {
	r, err := newRig()
	if err != nil {
		return false, err
	}
	defer r.close()
	scenarios := []scenario{
		{name: "baseline: show, emulator at 0", text: "show acme corp", latency: 0},
		{name: "help (no GitScrum call)", text: "help", latency: latency},
		{name: "list acme (1 GitScrum call)", text: "list acme", latency: latency},
		{name: "show acme corp (2 GitScrum calls)", text: "show acme corp", latency: latency},
	}
	// Warm up connections and code paths.
	r.runScenario(0, 10, scenario{text: "show acme corp"})

	rss0, _ := memKB()
	fmt.Fprintf(w, "slackload: %d concurrent signed commands per scenario over HTTP; emulator latency %s; inline budget %s\n",
		n, latency, slackbot.DefaultInlineBudget)
	fmt.Fprintf(w, "machine: %s, %d CPUs (GOMAXPROCS %d), %s/%s, %s; RSS before load %.1f MiB\n\n",
		cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version(), float64(rss0)/1024)
	fmt.Fprintln(w, "| scenario | ack p50 | ack p99 | ack max | ≥3 s | inline / deferred / failed | final p50 | final p99 | RSS | peak RSS | heap | goroutines (peak) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	allOK := true
	for i, sc := range scenarios {
		res := r.runScenario(i+1, n, sc)
		if res.over3s > 0 || res.failed > 0 {
			allOK = false
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d | %d / %d / %d | %s | %s | %.1f MiB | %.1f MiB | %.1f MiB | %d |\n",
			res.name, ms(pct(res.acks, 50)), ms(pct(res.acks, 99)), ms(pct(res.acks, 100)), res.over3s,
			res.inline, res.deferred, res.failed, ms(pct(res.finals, 50)), ms(pct(res.finals, 99)),
			float64(res.rssKB)/1024, float64(res.hwmKB)/1024, res.heapMB, res.goroutinesMax)
	}
	fmt.Fprintln(w)
	if allOK {
		fmt.Fprintln(w, "PASS: every command was acknowledged in under 3 s and every deferred answer reached its response_url.")
	} else {
		fmt.Fprintln(w, "FAIL: some commands were acknowledged in 3 s or more, or failed.")
	}
	fmt.Fprintln(w, "RSS is the whole process: load generator, emulator and bot together.")
	return allOK, nil
}

// pct returns the p-th percentile (nearest rank) of ds, or 0 for none.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100
	return s[max(rank, 1)-1]
}

func ms(d time.Duration) string {
	if d == 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 0, 64) + " ms"
}

// memKB returns the resident set size and its peak, from /proc (0 elsewhere).
func memKB() (rss, hwm int) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		v, _ := strconv.Atoi(fields[1])
		switch fields[0] {
		case "VmRSS:":
			rss = v
		case "VmHWM:":
			hwm = v
		}
	}
	return rss, hwm
}

// cpuModel returns the CPU's model name from /proc/cpuinfo, or "unknown CPU".
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
