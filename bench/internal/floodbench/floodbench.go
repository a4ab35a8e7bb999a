// Package floodbench floods the HTTP listener of a real binary (gitscrum-mcp with
// --http, gitscrum-slack in HTTP mode) with many concurrent requests carrying bad
// credentials, while a valid request is timed on the same listener. It reports the
// server's peak RSS (VmHWM from /proc/<pid>/status), the requests the flood caused
// at GitScrum (an emulator served here on loopback, which counts them), the flood's
// answers by HTTP status, and the valid request's latency during the flood beside a
// baseline taken in the same process just before it. bench/flood and bench/suite
// share it.
//
// Each flood runs in a fresh server process, so each peak RSS is that flood's own.
// All traffic stays on loopback, and every loop is bounded in count and time.
package floodbench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// Variant is one kind of flood request.
type Variant struct {
	// Name says what the flood sends, for the report.
	Name string
	// BodyBytes is the size of each flood body; 0 sends a request of legitimate
	// size (a tool call, a slash command).
	BodyBytes int
	// Chunked sends the body without Content-Length.
	Chunked bool
	// Attack, when set, is a flood of gitscrum-mcp other than bad credentials in
	// bodies of some size (see [PreAuthVariants]); BodyBytes is then unused.
	Attack Attack
}

// Attack is a pre-auth amplification flood of gitscrum-mcp.
type Attack int

const (
	// AttackNone floods with the target's bad credentials.
	AttackNone Attack = iota
	// AttackLongURI reads a resource whose URI is 200 KB long, with a token
	// GitScrum accepts: mcp-go matched it against the resource template, at about
	// 2 µs a byte, before any length cap ran.
	AttackLongURI
	// AttackRandomTokens calls list_clients with a new random bearer token each
	// time: the memory of rejected tokens never sees one twice.
	AttackRandomTokens
)

// PreAuthVariants are the pre-auth amplification floods of gitscrum-mcp (issue
// 16): 200 KB resource URIs, and a new random bearer token each request.
var PreAuthVariants = []Variant{
	{Name: "200 KB resource URIs", Attack: AttackLongURI},
	{Name: "a new random bearer token each request", Attack: AttackRandomTokens},
}

// Variants are the floods of the issue: 1 MiB bodies declared and chunked, and
// requests of legitimate size.
var Variants = []Variant{
	{Name: "1 MiB bodies with Content-Length", BodyBytes: 1 << 20},
	{Name: "1 MiB bodies, chunked", BodyBytes: 1 << 20, Chunked: true},
	{Name: "bodies of legitimate size", BodyBytes: 0},
}

// Config bounds one flood.
type Config struct {
	// Flooders is how many clients flood at once, each sending its next request
	// when the last is answered.
	Flooders int
	// Duration bounds the flood's length.
	Duration time.Duration
	// MaxRequests bounds the flood's requests in all.
	MaxRequests int
	// BaselineProbes is how many valid requests are timed before the flood.
	BaselineProbes int
	// MaxProbes bounds the valid requests timed during the flood.
	MaxProbes int
	// ProbeGap is the pause between two valid requests.
	ProbeGap time.Duration
	// Args are extra flags for the binary, e.g. --max-in-flight 64.
	Args []string
}

// DefaultConfig is the flood of the issue: 800 clients at once, for 5 s.
var DefaultConfig = Config{
	Flooders: 800, Duration: 5 * time.Second, MaxRequests: 500_000,
	BaselineProbes: 200, MaxProbes: 2000, ProbeGap: 5 * time.Millisecond,
}

// Result is what one flood measured.
type Result struct {
	// Target and Variant name the binary and the flood.
	Target, Variant string
	// Sent is the number of flood requests sent in Elapsed, answered or not (those
	// cut by the end of the flood are not counted).
	Sent    int
	Elapsed time.Duration
	// Statuses counts the flood's answers by HTTP status; 0 counts requests that got
	// no answer (the connection failed or was closed first).
	Statuses map[int]int
	// ToolErrors counts 200 answers that carry a failed tool result (gitscrum-mcp:
	// GitScrum refused the flood's token).
	ToolErrors int
	// Upstream counts the requests GitScrum received for the flood (with the
	// flood's token, or for its workspace).
	Upstream int
	// Baseline is the valid request's latency before the flood, sorted.
	Baseline []time.Duration
	// Probes is the valid request's latency during the flood, for those answered
	// as a valid request is, sorted.
	Probes []time.Duration
	// ProbeStatuses counts the valid requests' answers during the flood by status
	// (200 counts only correct answers; a 200 that is not counts as -1).
	ProbeStatuses map[int]int
	// BaselineHWM is the server's VmHWM after the baseline, PeakHWM after the
	// flood, in bytes.
	BaselineHWM, PeakHWM int64
	// CPU is the server's CPU time (user and system) during the flood, valid
	// requests included; BaselineCPU during the baseline's valid requests.
	CPU, BaselineCPU time.Duration
}

// Refused is how many valid requests during the flood were not answered as
// they should be.
func (r Result) Refused() int {
	n := 0
	for status, c := range r.ProbeStatuses {
		if status != http.StatusOK {
			n += c
		}
	}
	return n
}

// Target is a binary to flood: how to start it and what to send it.
type Target struct {
	// Name is the binary's name.
	Name string
	bin  string
	// args are the binary's flags for listening on addr.
	args func(addr string) []string
	// env is the binary's environment for GitScrum at upstreamURL.
	env func(upstreamURL string) []string
	// flood builds one flood request of v to base with body.
	flood func(base string, v Variant, body io.Reader, size int64) (*http.Request, error)
	// floodBody returns the flood body of v: of v.BodyBytes, or of legitimate size
	// for 0.
	floodBody func(v Variant) []byte
	// probe builds the i-th valid request to base.
	probe func(base string, i int) (*http.Request, error)
	// probeOK says whether a valid request was answered correctly.
	probeOK func(status int, body []byte) bool
	// toolError says whether a 200 answer to the flood carries a failed result.
	toolError func(body []byte) bool
	// fromFlood says whether an upstream request was caused by the flood.
	fromFlood func(r *http.Request) bool
}

// Run floods t once per variant, each in a fresh process.
func Run(t Target, cfg Config, variants []Variant, logf func(format string, args ...any)) ([]Result, error) {
	var out []Result
	for _, v := range variants {
		logf("%s: %d × valid request, then %d clients flood with %s for up to %s", t.Name, cfg.BaselineProbes, cfg.Flooders, v.Name, cfg.Duration)
		r, err := runOne(t, cfg, v)
		if err != nil {
			return out, fmt.Errorf("%s, %s: %w", t.Name, v.Name, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// upstream is the emulator with demo data behind a counter of flood requests.
type upstream struct {
	emu       *emulator.Server
	ts        *httptest.Server
	fromFlood atomic.Int64
	all       atomic.Int64
}

func newUpstream(isFlood func(*http.Request) bool) *upstream {
	u := &upstream{emu: emulator.New(emulator.WithDemoData())}
	u.emu.SetLogLimit(10)
	u.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.all.Add(1)
		if isFlood(r) {
			u.fromFlood.Add(1)
		}
		u.emu.ServeHTTP(w, r)
	}))
	return u
}

func runOne(t Target, cfg Config, v Variant) (Result, error) {
	res := Result{Target: t.Name, Variant: v.Name, Statuses: map[int]int{}, ProbeStatuses: map[int]int{}}
	up := newUpstream(t.fromFlood)
	defer up.ts.Close()
	p, err := startProcess(t, cfg, up.ts.URL)
	if err != nil {
		return res, err
	}
	defer p.stop()
	cpuStart := cpuTime(p.cmd.Process.Pid)

	// A valid request gives up after 30 s (it then counts as not answered).
	// Against idle connections, each valid request comes on a new connection, as
	// a new client's would.
	probeClient := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableKeepAlives: v.Attack == AttackIdleConns}}
	defer probeClient.CloseIdleConnections()
	for i := range cfg.BaselineProbes {
		d, ok, status, err := probeOnce(probeClient, t, p.base, i)
		if err != nil {
			return res, fmt.Errorf("baseline: %w", err)
		}
		if !ok {
			return res, fmt.Errorf("baseline: valid request %d answered %d", i, status)
		}
		res.Baseline = append(res.Baseline, d)
	}
	res.Baseline = stats.Sorted(res.Baseline)
	res.BaselineHWM = stats.VmHWM(p.cmd.Process.Pid)
	cpuFlood := cpuTime(p.cmd.Process.Pid)
	res.BaselineCPU = cpuFlood - cpuStart
	up.fromFlood.Store(0)

	body := t.floodBody(v)
	floodClient := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		MaxIdleConns: cfg.Flooders, MaxIdleConnsPerHost: cfg.Flooders, IdleConnTimeout: 30 * time.Second,
	}}
	defer floodClient.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Duration)
	defer cancel()
	var (
		sent    atomic.Int64
		mu      sync.Mutex
		wg      sync.WaitGroup
		failErr error
	)
	began := time.Now()
	for range cfg.Flooders {
		wg.Go(func() {
			local := map[int]int{}
			toolErrs := 0
			defer func() {
				mu.Lock()
				for s, n := range local {
					res.Statuses[s] += n
				}
				res.ToolErrors += toolErrs
				mu.Unlock()
			}()
			for ctx.Err() == nil && sent.Add(1) <= int64(cfg.MaxRequests) {
				if rawAttack(v) {
					local[rawFlood(ctx, t, v, p.base, body)]++
					continue
				}
				var rd io.Reader = bytes.NewReader(body)
				size := int64(len(body))
				if v.Chunked {
					rd, size = io.MultiReader(rd), -1
				}
				req, err := t.flood(p.base, v, rd, size)
				if err != nil {
					mu.Lock()
					failErr = err
					mu.Unlock()
					return
				}
				resp, err := floodClient.Do(req.WithContext(ctx))
				if err != nil {
					if ctx.Err() == nil { // else cut by the end of the flood: not counted
						local[0]++
					}
					continue
				}
				answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
				_ = resp.Body.Close()
				local[resp.StatusCode]++
				if resp.StatusCode == http.StatusOK && t.toolError != nil && t.toolError(answer) {
					toolErrs++
				}
			}
		})
	}

	probesDone := make(chan struct{})
	go func() {
		defer close(probesDone)
		time.Sleep(100 * time.Millisecond) // let the flood reach full strength
		// Every valid request sent during the flood counts, also one answered after
		// it: a server that stalls under the flood shows here.
		for i := 0; i < cfg.MaxProbes && ctx.Err() == nil; i++ {
			d, ok, status, err := probeOnce(probeClient, t, p.base, cfg.BaselineProbes+i)
			switch {
			case err != nil:
				res.ProbeStatuses[0]++
			case ok:
				res.ProbeStatuses[http.StatusOK]++
				res.Probes = append(res.Probes, d)
			case status == http.StatusOK:
				res.ProbeStatuses[-1]++
			default:
				res.ProbeStatuses[status]++
			}
			time.Sleep(cfg.ProbeGap)
		}
	}()
	wg.Wait()
	cancel()
	<-probesDone
	res.Elapsed = time.Since(began)
	res.PeakHWM = stats.VmHWM(p.cmd.Process.Pid)
	res.CPU = cpuTime(p.cmd.Process.Pid) - cpuFlood
	res.Upstream = int(up.fromFlood.Load())
	for _, n := range res.Statuses {
		res.Sent += n
	}
	res.Probes = stats.Sorted(res.Probes)
	if failErr != nil {
		return res, failErr
	}
	if err := p.alive(); err != nil {
		return res, err
	}
	return res, nil
}

// probeOnce sends the i-th valid request and times it.
func probeOnce(c *http.Client, t Target, base string, i int) (time.Duration, bool, int, error) {
	req, err := t.probe(base, i)
	if err != nil {
		return 0, false, 0, err
	}
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, false, 0, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	d := time.Since(t0)
	if err != nil {
		return d, false, resp.StatusCode, err
	}
	return d, t.probeOK(resp.StatusCode, body), resp.StatusCode, nil
}

// process is a running server.
type process struct {
	cmd    *exec.Cmd
	base   string
	stderr *tail
	exited chan struct{}
}

// startProcess starts t's binary on a free loopback port and waits until its
// health check answers.
func startProcess(t Target, cfg Config, upstreamURL string) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(t.bin, append(t.args(addr), cfg.Args...)...)
	cmd.Env = append(cleanEnv(), t.env(upstreamURL)...)
	p := &process{cmd: cmd, base: "http://" + addr, stderr: &tail{max: 16 << 10}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", t.Name, err)
	}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if err := p.alive(); err != nil {
			return nil, err
		}
		resp, err := http.Get(p.base + "/healthz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("%s did not answer /healthz within 15 s: %s", t.Name, p.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive returns an error when the process has exited.
func (p *process) alive() error {
	select {
	case <-p.exited:
		return fmt.Errorf("the server exited: %s", p.stderr)
	default:
		return nil
	}
}

// stop sends SIGTERM and waits up to 15 s, then kills.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// cleanEnv is this process's environment without GITSCRUM_* and SLACK_* settings,
// and with a state store of the process's own, in memory: runs share no replay ids
// (two requests signed in one second are one signature), nor a file in $HOME.
func cleanEnv() []string {
	return append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "GITSCRUM_") || strings.HasPrefix(kv, "SLACK_")
	}), "GITSCRUM_DATABASE_URL=sqlite::memory:")
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.b))
}
