package soak

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// The attack phase (see doc.go) runs once the load is over, against adapters of
// its own (served as the binaries serve them, see listen) that share the emulator,
// the gateway, the response_url stand-in and the scanner with the load's.

// attackWorkspace is the attack's workspace: a large one, so that a reference that
// matches nothing is compared with many names.
const attackWorkspace = "soak-attack"

// attackWriter is the Slack user of the attack's valid commands; it may write.
const attackWriter = "U0ATTACKW1"

// Bounds the attack phase asserts. They hold on a loaded 2-core machine: none
// depends on timing.
const (
	// maxBadTokenRequests bounds the requests a flood with one bad token may cause
	// at GitScrum in one window of gitscrum.DefaultRejectedTokenTTL: the first
	// request finds the token bad, and the token gate refuses the rest.
	maxBadTokenRequests = 5
	// attackHeapSlack bounds the live heap's growth during the attack (sampled
	// every 10 ms), beyond the heap just before it. Bodies are refused from their
	// Content-Length or read up to their cap by at most DefaultMaxInFlight requests
	// at once (16 MiB for MCP's 256 KiB); before the bounds, a flood of 1 MiB
	// bodies grew the heap by gigabytes.
	attackHeapSlack = 256 << 20
	// floodBodyBytes is the size of the flood's oversized bodies.
	floodBodyBytes = 1 << 20
	// baselineProbes is how many valid requests are timed before each flood.
	baselineProbes = 20
	// replaysAtOnce and replaysAfter are how many times one signed create is sent:
	// at once, then one by one after the first was answered.
	replaysAtOnce, replaysAfter = 5, 2
)

// attackConfig sizes the attack phase.
type attackConfig struct {
	flood    time.Duration // how long each listener is flooded
	flooders int           // clients flooding at once
	clients  int           // clients in the attack's workspace
}

// loadAttackConfig reads SOAK_ATTACK_DURATION (each flood's length; default 1 s,
// or a twelfth of SOAK_DURATION within 1 s to 30 s when that is set),
// SOAK_ATTACK_FLOODERS (default 128) and SOAK_ATTACK_CLIENTS (default 5000).
func loadAttackConfig(t *testing.T, load time.Duration) attackConfig {
	cfg := attackConfig{flood: time.Second, flooders: 128, clients: 5000}
	if os.Getenv("SOAK_DURATION") != "" {
		cfg.flood = min(max(load/12, time.Second), 30*time.Second)
	}
	if v := os.Getenv("SOAK_ATTACK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > 10*time.Minute {
			t.Fatalf("SOAK_ATTACK_DURATION=%q: want a positive Go duration up to 10m", v)
		}
		cfg.flood = d
	}
	for _, e := range []struct {
		name    string
		dst     *int
		lo, hi  int
		example string
	}{
		{"SOAK_ATTACK_FLOODERS", &cfg.flooders, 1, 5000, "128"},
		{"SOAK_ATTACK_CLIENTS", &cfg.clients, 100, 200_000, "5000"},
	} {
		if v := os.Getenv(e.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < e.lo || n > e.hi {
				t.Fatalf("%s=%q: want a number from %d to %d, such as %s", e.name, v, e.lo, e.hi, e.example)
			}
			*e.dst = n
		}
	}
	return cfg
}

// attack is the attack phase: its adapters, its callers, and what it found.
type attack struct {
	s     *soak
	cfg   attackConfig
	token string // a garbage bearer token: GitScrum refuses it
	seeds []gitscrum.ClientCompany

	upstream           upstreamStats
	mcpCalls, slackOut tally
	mcpTS, slackTS     *httptest.Server
	bot                *slackbot.Bot
	slack              *slackWorker // sends the attack's valid slash commands
	floodHTTP, probe   *http.Client

	floods                            []floodResult
	lines                             []string // what each step found, for the summary
	goroutinesBefore, goroutinesAfter int
	heapBefore                        uint64
	mem                               memPeaks
	closeOnce                         sync.Once
}

// newAttack builds the attack's workspace and adapters. Called at the end of
// newSoak, with the emulator, the gateway and the response_url stand-in up.
func newAttack(s *soak, token string, logger *slog.Logger) *attack {
	a := &attack{s: s, cfg: s.cfg.attack, token: token}
	s.attack = a // closed by s.close, also after a failure below
	s.emu.AddWorkspace(attackWorkspace)
	a.seeds = s.emu.AddClients(attackWorkspace, largeWorkspace(a.cfg.clients)...)

	mcpServer, err := tools.New(tools.Options{
		Client:      s.newClient(s.botToken, &a.upstream),
		CompanySlug: attackWorkspace,
		Logger:      logger.With("component", "attack-mcp"),
		Observe:     func(c tools.Call) { a.mcpCalls.inc(c.Tool, c.Outcome) },
	})
	if err != nil {
		s.t.Fatal(err)
	}
	a.mcpTS = s.listen("attack-mcp", tools.NewHTTPHandler(mcpServer, tools.HTTPOptions{
		Client:   s.newClient(s.botToken, &a.upstream),
		Loopback: true,
		Logger:   logger.With("component", "attack-mcp-http"),
	}), httpserver.DefaultMaxInFlight, tools.MaxRequestBody, tools.HealthPath)

	a.bot, err = slackbot.New(slackbot.Config{
		Client:              s.newClient(s.botToken, &a.upstream),
		Workspace:           attackWorkspace,
		SigningSecret:       s.secret,
		WriteUsers:          []string{attackWriter},
		InlineBudget:        inlineBudget,
		ResponseURLPrefixes: []string{s.hookTS.URL + "/commands/"},
		Logger:              logger.With("component", "attack-slack"),
		OnOutcome: func(o slackbot.Outcome) {
			a.slackOut.inc(cmpOr(o.Subcommand, "(none)"), o.Result)
			if o.DeliveryErr != nil {
				s.found.add("attack: a deferred answer could not be posted: %v", o.DeliveryErr)
			}
		},
	})
	if err != nil {
		s.t.Fatal(err)
	}
	a.slackTS = s.listen("attack-slack", a.bot.Handler(), httpserver.DefaultMaxInFlight, slackbot.MaxBodyBytes, slackbot.HealthPath)
	a.slack = newSlackWorker(s, 900, attackWriter)
	a.slack.endpoint = a.slackTS.URL + slackbot.CommandsPath

	a.floodHTTP = &http.Client{Timeout: callTimeout, Transport: &http.Transport{
		MaxIdleConns: a.cfg.flooders, MaxIdleConnsPerHost: a.cfg.flooders,
	}}
	a.probe = &http.Client{Timeout: callTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	return a
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// largeWorkspace returns n clients with distinct names.
func largeWorkspace(n int) []gitscrum.ClientCompany {
	out := make([]gitscrum.ClientCompany, n)
	for i := range out {
		out[i] = gitscrum.ClientCompany{
			Name:  fmt.Sprintf("Bulk %05d Trading Company", i),
			Email: fmt.Sprintf("bulk%05d@bulk.example", i),
			Phone: fmt.Sprintf("+41 61 %03d %02d %02d", i%1000, i%100, (i/100)%100),
		}
	}
	return out
}

// close stops the attack's servers and callers; the bot is closed by the test
// (drained with the load's) or here after a failure.
func (a *attack) close() {
	a.closeOnce.Do(func() {
		for _, ts := range []*httptest.Server{a.mcpTS, a.slackTS} {
			if ts != nil {
				ts.Close()
			}
		}
		if a.bot != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			_ = a.bot.Close(ctx)
			cancel()
		}
		for _, hc := range []*http.Client{a.floodHTTP, a.probe} {
			if hc != nil {
				hc.CloseIdleConnections()
			}
		}
	})
}

// run runs every step of the attack, one after the other. GitScrum injects no
// faults meanwhile, so that what GitScrum sees is the attack's doing alone.
func (a *attack) run() {
	a.s.emu.SetFaults(emulator.Faults{})
	a.heapBefore = heap()
	a.goroutinesBefore = runtime.NumGoroutine()
	stop := sampleMemory(&a.mem)

	a.floods = append(a.floods, a.flood(a.mcpFlood()), a.flood(a.slackFlood()))
	a.oversizedMCP()
	a.oversizedSlack()
	a.unmatchedReference()
	a.replay()
	a.socketMode()
	a.emptyQueries()
	a.preAuthMCP() // preauth_test.go
	a.bounds()     // bounds_attack_test.go

	stop()
	for _, hc := range []*http.Client{a.floodHTTP, a.probe, a.s.slackHTTP} {
		hc.CloseIdleConnections()
	}
	a.goroutinesAfter = settleGoroutines(a.goroutinesBefore, 2*time.Second)
	if limit := a.heapBefore + attackHeapSlack; a.mem.heap > limit {
		a.s.t.Errorf("attack: the live heap peaked at %s, over %s (%s before the attack plus %s)",
			mib(a.mem.heap), mib(limit), mib(a.heapBefore), mib(attackHeapSlack))
	}
}

// settleGoroutines waits up to d for the goroutines to fall back to want (the
// servers' connection goroutines end once their clients closed them) and returns
// how many there are. goleak, at the end of the test, is the check.
func settleGoroutines(want int, d time.Duration) int {
	deadline := time.Now().Add(d)
	for runtime.NumGoroutine() > want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	return runtime.NumGoroutine()
}

// floodVariant is one kind of flood request.
type floodVariant int

const (
	floodLegit    floodVariant = iota // a request of legitimate size
	floodDeclared                     // a 1 MiB body with its Content-Length
	floodChunked                      // a 1 MiB body, chunked
	nVariants
)

var variantNames = [nVariants]string{"legitimate size", "1 MiB declared", "1 MiB chunked"}

// floodTarget is a listener to flood, with what to send and what to expect.
type floodTarget struct {
	name string
	// request builds a flood request of the variant with body.
	request func(v floodVariant, body io.Reader, size int64) *http.Request
	// body is the flood body of the variant.
	body func(v floodVariant) []byte
	// allowed are the answers each variant may get (0: no answer, the connection
	// was closed while the body was sent).
	allowed [nVariants][]int
	// through says whether an answer means the attack got through.
	through func(status int, body []byte) bool
	// probe sends the i-th valid request; status 0 means no answer.
	probe func(i int) (status int, ok bool)
	// caused says whether a request GitScrum received was the flood's doing, and
	// maxCaused bounds them.
	caused    func(r *http.Request) bool
	maxCaused int
}

// floodResult is what one flood measured.
type floodResult struct {
	target        string
	flooders      int
	elapsed       time.Duration
	statuses      [nVariants]map[int]int
	through       int
	caused        int64
	maxCaused     int
	baseline      []time.Duration
	probes        []time.Duration
	probeStatuses map[int]int
}

// flood times baselineProbes valid requests, then floods t with a.cfg.flooders
// clients (each variant by a third of them) for a.cfg.flood while a valid request
// is timed again and again, and checks the answers and what GitScrum received.
func (a *attack) flood(t floodTarget) floodResult {
	s := a.s
	res := floodResult{target: t.name, flooders: a.cfg.flooders, probeStatuses: map[int]int{}}
	for v := range nVariants {
		res.statuses[v] = map[int]int{}
	}
	for i := range baselineProbes {
		t0 := time.Now()
		if status, ok := t.probe(i); ok {
			res.baseline = append(res.baseline, time.Since(t0))
		} else {
			s.found.add("attack %s: valid request %d before the flood answered %d", t.name, i, status)
		}
	}

	var caused atomic.Int64
	tap := func(r *http.Request) {
		if t.caused(r) {
			caused.Add(1)
		}
	}
	s.gateway.tap.Store(&tap)
	defer s.gateway.tap.Store(nil)

	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.flood)
	defer cancel()
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	var bodies [nVariants][]byte // shared by the flooders: the test holds 1 MiB, not one each
	for v := range nVariants {
		bodies[v] = t.body(v)
	}
	began := time.Now()
	for i := range a.cfg.flooders {
		v := floodVariant(i % int(nVariants))
		body := bodies[v]
		wg.Go(func() {
			local := map[int]int{}
			through := 0
			for ctx.Err() == nil {
				var rd io.Reader = bytes.NewReader(body)
				size := int64(len(body))
				if v == floodChunked {
					rd, size = io.MultiReader(rd), -1
				}
				// A request sent is never cut: a flooder stops sending when the flood
				// is over, and its last request is answered. (A request cut while
				// GitScrum answers the token's first one would leave the token gate
				// without a verdict, and the next request would ask again.)
				resp, err := a.floodHTTP.Do(t.request(v, rd, size))
				if err != nil {
					local[0]++
					continue
				}
				answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
				_ = resp.Body.Close()
				local[resp.StatusCode]++
				s.scan.reply("attack flood "+t.name, answer)
				if t.through(resp.StatusCode, answer) {
					through++
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for status, n := range local {
				res.statuses[v][status] += n
			}
			res.through += through
		})
	}
	probesDone := make(chan struct{})
	go func() {
		defer close(probesDone)
		// Every valid request sent during the flood counts, also one answered after it.
		for i := baselineProbes; ctx.Err() == nil; i++ {
			t0 := time.Now()
			status, ok := t.probe(i)
			if ok {
				res.probes = append(res.probes, time.Since(t0))
				status = http.StatusOK
			} else if status == http.StatusOK {
				status = -1 // a 200 that is not the right answer
			}
			res.probeStatuses[status]++
			time.Sleep(5 * time.Millisecond)
		}
	}()
	wg.Wait()
	cancel()
	<-probesDone
	res.elapsed = time.Since(began)
	res.caused = caused.Load()
	res.maxCaused = t.maxCaused
	slices.Sort(res.baseline)
	slices.Sort(res.probes)

	if res.through > 0 {
		s.t.Errorf("attack %s: %d flood requests got through (answered as a legitimate request would be)", t.name, res.through)
	}
	for v := range nVariants {
		for status, n := range res.statuses[v] {
			if !slices.Contains(t.allowed[v], status) {
				s.t.Errorf("attack %s: %d flood requests of %s answered %d; expected only %v", t.name, n, variantNames[v], status, t.allowed[v])
			}
		}
		if sent(res.statuses[v]) == 0 {
			s.t.Errorf("attack %s: no flood request of %s was answered", t.name, variantNames[v])
		}
	}
	if res.caused > int64(t.maxCaused) {
		s.t.Errorf("attack %s: the flood caused %d requests at GitScrum; at most %d expected", t.name, res.caused, t.maxCaused)
	}
	return res
}

func sent(statuses map[int]int) int {
	n := 0
	for _, c := range statuses {
		n += c
	}
	return n
}

// mcpFlood floods the attack's MCP listener with list_clients calls carrying the
// garbage token. Every variant carries it; GitScrum refuses it.
func (a *attack) mcpFlood() floodTarget {
	call := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_clients","arguments":{}}}`
	// GitScrum is asked about the bad token again once its verdict expires.
	windows := 1 + int(a.cfg.flood/gitscrum.DefaultRejectedTokenTTL)
	return floodTarget{
		name: "MCP (garbage bearer token)",
		request: func(_ floodVariant, body io.Reader, size int64) *http.Request {
			return a.mcpRequest(a.token, body, size)
		},
		body: func(v floodVariant) []byte {
			if v == floodLegit {
				return []byte(call)
			}
			head := strings.TrimSuffix(call, "}") + `,"pad":"`
			return []byte(head + strings.Repeat("x", floodBodyBytes-len(head)-2) + `"}`)
		},
		allowed: [nVariants][]int{
			floodLegit:    {http.StatusOK, http.StatusServiceUnavailable},
			floodDeclared: {http.StatusRequestEntityTooLarge, 0},
			floodChunked:  {http.StatusRequestEntityTooLarge, http.StatusServiceUnavailable, 0},
		},
		through: func(status int, body []byte) bool {
			return status == http.StatusOK && !bytes.Contains(body, []byte(`"isError":true`))
		},
		probe: func(i int) (int, bool) {
			seed := a.seeds[i%len(a.seeds)]
			status, r, err := a.callMCP(a.s.tokens[0], "get_client", map[string]any{"client": seed.UUID}, false)
			return status, err == nil && !r.isError && strings.Contains(r.text, seed.UUID)
		},
		caused:    func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer "+a.token },
		maxCaused: maxBadTokenRequests * windows,
	}
}

// slackFlood floods the attack's Slack listener with forged slash commands: a
// create signed with another secret, and 1 MiB bodies.
func (a *attack) slackFlood() floodTarget {
	form := url.Values{
		"command": {slackbot.DefaultCommand}, "text": {"create \"Attack " + a.s.run + " forged\""},
		"user_id": {attackWriter}, "team_id": {"T0SOAK"}, "channel_id": {"C0SOAK"},
		"response_url": {a.s.hookTS.URL + "/commands/attack/forged"},
	}.Encode()
	probeUUID := a.seeds[0].UUID
	return floodTarget{
		name: "Slack (forged signatures)",
		request: func(v floodVariant, body io.Reader, size int64) *http.Request {
			req, err := http.NewRequest(http.MethodPost, a.slackTS.URL+slackbot.CommandsPath, body)
			if err != nil {
				panic(err)
			}
			req.ContentLength = size
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			signed := form
			if v != floodLegit {
				signed = ""
			}
			slackbottest.SignRequest(req, "not-the-"+a.s.secret, signed, time.Now())
			return req
		},
		body: func(v floodVariant) []byte {
			if v == floodLegit {
				return []byte(form)
			}
			head := form + "&pad="
			return []byte(head + strings.Repeat("x", floodBodyBytes-len(head)))
		},
		allowed: [nVariants][]int{
			floodLegit:    {http.StatusUnauthorized, http.StatusServiceUnavailable},
			floodDeclared: {http.StatusRequestEntityTooLarge, 0},
			floodChunked:  {http.StatusRequestEntityTooLarge, http.StatusUnauthorized, http.StatusServiceUnavailable, 0},
		},
		through: func(status int, _ []byte) bool { return status >= 200 && status < 300 },
		probe: func(int) (int, bool) {
			ans := a.slack.command(attackWriter, "show "+probeUUID, false)
			return ans.status, ans.outcome() == "ok" && strings.HasSuffix(ans.fallback, "UUID "+probeUUID)
		},
		// The valid requests read the one client they show; nothing else may reach
		// GitScrum.
		caused: func(r *http.Request) bool {
			return !(r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/"+probeUUID))
		},
		maxCaused: 0,
	}
}

// mcpRequest is a JSON-RPC POST to the attack's MCP listener with token.
func (a *attack) mcpRequest(token string, body io.Reader, size int64) *http.Request {
	req, err := http.NewRequest(http.MethodPost, a.mcpTS.URL+tools.MCPPath, body)
	if err != nil {
		panic(err)
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// mcpAnswer is a tool call's answer: its text and whether it failed, or the
// message of the listener's refusal (413, 503) as text.
type mcpAnswer struct {
	text    string
	isError bool
}

// callMCP calls tool with args as a plain JSON-RPC POST (the server is
// stateless), the body chunked when asked, and returns the HTTP status and the
// answer. The answer is scanned for secrets.
func (a *attack) callMCP(token, tool string, args map[string]any, chunked bool) (int, mcpAnswer, error) {
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call",
		"params": map[string]any{"name": tool, "arguments": args}})
	if err != nil {
		return 0, mcpAnswer{}, err
	}
	var rd io.Reader = bytes.NewReader(body)
	size := int64(len(body))
	if chunked {
		rd, size = io.MultiReader(rd), -1
	}
	resp, err := a.probe.Do(a.mcpRequest(token, rd, size))
	if err != nil {
		return 0, mcpAnswer{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return resp.StatusCode, mcpAnswer{}, err
	}
	a.s.scan.reply("attack mcp "+tool, data)
	if resp.StatusCode != http.StatusOK {
		var refusal struct{ Message string }
		_ = json.Unmarshal(data, &refusal)
		return resp.StatusCode, mcpAnswer{text: refusal.Message, isError: true}, nil
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		for line := range strings.SplitSeq(string(data), "\n") {
			if rest, ok := strings.CutPrefix(line, "data: "); ok {
				data = []byte(rest)
				break
			}
		}
	}
	var rpc struct {
		Result *struct {
			Content []struct{ Text string } `json:"content"`
			IsError bool                    `json:"isError"`
		} `json:"result"`
		Error *struct{ Message string } `json:"error"`
	}
	if err := json.Unmarshal(data, &rpc); err != nil {
		return resp.StatusCode, mcpAnswer{}, fmt.Errorf("not a JSON-RPC answer: %w: %.200s", err, data)
	}
	switch {
	case rpc.Error != nil:
		return resp.StatusCode, mcpAnswer{text: rpc.Error.Message, isError: true}, nil
	case rpc.Result == nil || len(rpc.Result.Content) == 0:
		return resp.StatusCode, mcpAnswer{}, fmt.Errorf("a JSON-RPC answer without a result: %.200s", data)
	}
	return resp.StatusCode, mcpAnswer{text: rpc.Result.Content[0].Text, isError: rpc.Result.IsError}, nil
}

// tooLong is the validation message of a value of n characters over cap.
func tooLong(input string, n, limit int) string {
	return fmt.Sprintf("%s: is too long: %d characters, and at most %d are allowed", input, n, limit)
}

// capOf returns the cap of input.
func capOf(input string) int {
	n, ok := gitscrum.MaxLength(input)
	if !ok {
		panic("no cap on " + input)
	}
	return n
}

// countUpstream counts every request GitScrum receives while f runs.
func (a *attack) countUpstream(f func()) int64 {
	var n atomic.Int64
	tap := func(*http.Request) { n.Add(1) }
	a.s.gateway.tap.Store(&tap)
	defer a.s.gateway.tap.Store(nil)
	f()
	return n.Load()
}

// oversized is one oversized input and the refusal it must get.
type oversized struct {
	what   string
	status int    // the HTTP status expected
	want   string // in the answer's text
}

// bodyCapText is how the listeners' 413 names a body bound.
func bodyCapText(n int64) string { return fmt.Sprintf("%d KiB (%d bytes)", n>>10, n) }

// oversizedMCP sends inputs over their caps to the MCP listener: one character
// over each argument's cap (in 2-byte characters, which the cap counts once),
// 200 KB values that still fit in a body, and 300 KB and 1 MiB values that do
// not. Each must be refused naming the input (or the body) and its cap, and
// nothing may reach GitScrum.
func (a *attack) oversizedMCP() {
	seed := a.seeds[0].UUID
	type call struct {
		oversized
		tool    string
		args    map[string]any
		chunked bool
	}
	over := func(input string) string { return strings.Repeat("é", capOf(input)+1) }
	calls := []call{
		{oversized{"get_client client", 200, tooLong("client", capOf("client")+1, capOf("client"))}, "get_client", map[string]any{"client": over("client")}, false},
		{oversized{"update_client client", 200, tooLong("client", capOf("client")+1, capOf("client"))}, "update_client", map[string]any{"client": over("client"), "phone": "+41 1"}, false},
		{oversized{"list_clients query", 200, tooLong("query", capOf("query")+1, capOf("query"))}, "list_clients", map[string]any{"query": over("query")}, false},
		{oversized{"get_client client of 200,000 characters", 200, tooLong("client", 200_000, capOf("client"))}, "get_client", map[string]any{"client": strings.Repeat("x", 200_000)}, false},
		{oversized{"update_client notes of 200,000 characters", 200, tooLong("notes", 200_000, capOf("notes"))}, "update_client", map[string]any{"client": seed, "notes": strings.Repeat("x", 200_000)}, false},
		{oversized{"get_client client of 300 KB", 413, bodyCapText(tools.MaxRequestBody)}, "get_client", map[string]any{"client": strings.Repeat("x", 300_000)}, false},
		{oversized{"get_client client of 300 KB, chunked", 413, bodyCapText(tools.MaxRequestBody)}, "get_client", map[string]any{"client": strings.Repeat("x", 300_000)}, true},
	}
	oneMiB := map[string]any{}
	for _, f := range gitscrum.EditableFields {
		oneMiB[string(f)] = strings.Repeat("x", 1<<20)
		create := map[string]any{"name": "Attack " + a.s.run + " oversized", string(f): over(string(f))}
		calls = append(calls,
			call{oversized{"create_client " + string(f), 200, tooLong(string(f), capOf(string(f))+1, capOf(string(f)))}, "create_client", create, false},
			call{oversized{"update_client " + string(f), 200, tooLong(string(f), capOf(string(f))+1, capOf(string(f)))}, "update_client", map[string]any{"client": seed, string(f): over(string(f))}, false},
		)
	}
	calls = append(calls, call{oversized{"create_client with every field of 1 MiB", 413, bodyCapText(tools.MaxRequestBody)}, "create_client", oneMiB, false})

	refused := map[int]int{}
	upstream := a.countUpstream(func() {
		for _, c := range calls {
			status, r, err := a.callMCP(a.s.tokens[0], c.tool, c.args, c.chunked)
			switch {
			case err != nil:
				a.s.t.Errorf("attack: MCP %s: %v", c.what, err)
			case status != c.status || !r.isError || !strings.Contains(r.text, c.want):
				a.s.t.Errorf("attack: MCP %s answered %d %q; want %d with %q", c.what, status, gitscrum.Excerpt(r.text), c.status, c.want)
			default:
				refused[status]++
			}
		}
	})
	if upstream > 0 {
		a.s.t.Errorf("attack: the oversized MCP calls caused %d requests at GitScrum", upstream)
	}
	a.lines = append(a.lines, fmt.Sprintf("oversized MCP inputs: %d sent, refused %d × 413 naming the body cap and %d × a validation error naming the input and its cap; GitScrum requests: %d",
		len(calls), refused[413], refused[200], upstream))
}

// oversizedSlack sends inputs over their caps as slash commands: one character
// over each cap, a 60,000-character reference (within the 64 KiB body), and 300 KB
// and 1 MiB values (over it).
func (a *attack) oversizedSlack() {
	seed := a.seeds[0].UUID
	over := func(input string) string { return strings.Repeat("é", capOf(input)+1) }
	type command struct {
		oversized
		text string
	}
	cmds := []command{
		{oversized{"show client", 200, tooLong("client", capOf("client")+1, capOf("client"))}, "show " + over("client")},
		{oversized{"update client", 200, tooLong("client", capOf("client")+1, capOf("client"))}, "update " + over("client") + " phone=1"},
		{oversized{"list query", 200, tooLong("query", capOf("query")+1, capOf("query"))}, "list " + over("query")},
		{oversized{"show client of 60,000 characters", 200, tooLong("client", 60_000, capOf("client"))}, "show " + strings.Repeat("x", 60_000)},
		{oversized{"show client of 300 KB", 413, bodyCapText(slackbot.MaxBodyBytes)}, "show " + strings.Repeat("x", 300_000)},
		{oversized{"create with notes of 1 MiB", 413, bodyCapText(slackbot.MaxBodyBytes)}, "create Foo notes=" + strings.Repeat("x", 1<<20)},
	}
	for _, f := range gitscrum.EditableFields {
		cmds = append(cmds,
			command{oversized{"create " + string(f), 200, tooLong(string(f), capOf(string(f))+1, capOf(string(f)))},
				"create " + slackbot.Quote("Attack "+a.s.run+" oversized") + " " + string(f) + "=" + slackbot.Quote(over(string(f)))},
			command{oversized{"update " + string(f), 200, tooLong(string(f), capOf(string(f))+1, capOf(string(f)))},
				"update " + seed + " " + string(f) + "=" + slackbot.Quote(over(string(f)))},
		)
	}
	refused := map[int]int{}
	upstream := a.countUpstream(func() {
		for _, c := range cmds {
			ans := a.slack.command(attackWriter, c.text, false)
			text := ans.text
			if ans.status != http.StatusOK {
				var refusal struct{ Message string }
				_ = json.Unmarshal(ans.raw, &refusal)
				text = refusal.Message
			}
			switch {
			case ans.err != nil:
				a.s.t.Errorf("attack: Slack %s: %v", c.what, ans.err)
			case ans.status != c.status || (ans.status == http.StatusOK && !ans.failed()) || !strings.Contains(text, c.want):
				a.s.t.Errorf("attack: Slack %s answered %d %q; want %d with %q", c.what, ans.status, gitscrum.Excerpt(text), c.status, c.want)
			default:
				refused[ans.status]++
			}
		}
	})
	if upstream > 0 {
		a.s.t.Errorf("attack: the oversized slash commands caused %d requests at GitScrum", upstream)
	}
	a.lines = append(a.lines, fmt.Sprintf("oversized slash commands: %d sent, refused %d × 413 naming the body cap and %d × a validation error naming the input and its cap; GitScrum requests: %d",
		len(cmds), refused[413], refused[200], upstream))
}

// unmatchedReference names a client by a reference at the cap that matches none
// of the large workspace's names: a read answers that nothing matched (its
// suggestions are bounded work), a write changes nothing.
func (a *attack) unmatchedReference() {
	ref := strings.Repeat("Qz", capOf("client"))[:capOf("client")]
	var parts []string
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{"get_client", map[string]any{"client": ref}},
		{"update_client", map[string]any{"client": ref, "phone": "+41 61 000 00 00"}},
	} {
		var (
			status int
			r      mcpAnswer
			err    error
			took   time.Duration
		)
		upstream := a.countUpstream(func() {
			t0 := time.Now()
			status, r, err = a.callMCP(a.s.tokens[0], c.tool, c.args, false)
			took = time.Since(t0)
		})
		if err != nil || status != http.StatusOK || !r.isError {
			a.s.t.Errorf("attack: MCP %s of a reference that matches nothing: %d %q %v", c.tool, status, gitscrum.Excerpt(r.text), err)
		}
		parts = append(parts, fmt.Sprintf("MCP %s %s (%d GitScrum requests)", c.tool, took.Round(time.Millisecond), upstream))
	}
	var ans answer
	var took time.Duration
	upstream := a.countUpstream(func() {
		t0 := time.Now()
		ans = a.slack.command(attackWriter, "show "+ref, false)
		took = time.Since(t0)
	})
	if ans.err != nil || ans.status != http.StatusOK || !ans.failed() {
		a.s.t.Errorf("attack: Slack show of a reference that matches nothing: %d %q %v", ans.status, gitscrum.Excerpt(ans.text), ans.err)
	}
	parts = append(parts, fmt.Sprintf("Slack show %s (%d GitScrum requests)", took.Round(time.Millisecond), upstream))
	if got := a.s.emu.Clients(attackWorkspace); len(got) != len(a.seeds) {
		a.s.t.Errorf("attack: the workspace holds %d clients after the oversized and unmatched writes, want %d", len(got), len(a.seeds))
	}
	a.lines = append(a.lines, fmt.Sprintf("a %d-character reference that matches none of %d clients: %s",
		len(ref), len(a.seeds), strings.Join(parts, ", ")))
}

// replay sends one signed create several times: replaysAtOnce at once, then
// replaysAfter one by one. Exactly one is run; the others are refused with 401
// and exactly one client exists.
func (a *attack) replay() {
	s := a.s
	name := "Attack " + s.run + " replayed create"
	path := "/commands/attack/replay/" + randomHex(4)
	slot := s.hooks.expect(path)
	body := url.Values{
		"command": {slackbot.DefaultCommand}, "text": {slackEscape("create " + slackbot.Quote(name) + " email=replay@attack.example")},
		"user_id": {attackWriter}, "user_name": {"attacker"}, "team_id": {"T0SOAK"}, "channel_id": {"C0SOAK"},
		"response_url": {s.hookTS.URL + path}, "trigger_id": {"1.2.replay"},
	}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig := slackbottest.Signature(s.secret, ts, body)
	send := func() (int, []byte) {
		req, err := http.NewRequest(http.MethodPost, a.slackTS.URL+slackbot.CommandsPath, strings.NewReader(body))
		if err != nil {
			panic(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sig)
		resp, err := s.slackHTTP.Do(req)
		if err != nil {
			s.t.Errorf("attack: replay: no answer: %v", err)
			return 0, nil
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		s.scan.reply("attack replay", data)
		return resp.StatusCode, data
	}
	statuses := map[int]int{}
	var mu sync.Mutex
	var accepted []byte
	var wg sync.WaitGroup
	for range replaysAtOnce {
		wg.Go(func() {
			status, data := send()
			mu.Lock()
			defer mu.Unlock()
			statuses[status]++
			if status == http.StatusOK {
				accepted = data
			}
		})
	}
	wg.Wait()
	if accepted != nil && bytes.Contains(accepted, []byte(":hourglass_flowing_sand:")) {
		select {
		case accepted = <-slot.ch:
		case <-time.After(callTimeout):
			s.t.Errorf("attack: replay: the accepted create was acknowledged, but no answer was posted within %s", callTimeout)
		}
	}
	upstream := a.countUpstream(func() {
		for range replaysAfter {
			status, _ := send()
			statuses[status]++
		}
	})
	s.hooks.done(path)
	var created int
	for _, c := range s.emu.Clients(attackWorkspace) {
		if c.Name == name {
			created++
		}
	}
	replayed := 0
	for label, n := range a.slackOut.snapshot() {
		if strings.HasSuffix(label, " "+slackbot.ResultReplayed) {
			replayed += n
		}
	}
	total := replaysAtOnce + replaysAfter
	if statuses[http.StatusOK] != 1 || statuses[http.StatusUnauthorized] != total-1 {
		s.t.Errorf("attack: the same signed create sent %d times was answered %v; want 200 once and 401 for the rest", total, statuses)
	}
	if created != 1 {
		s.t.Errorf("attack: the same signed create sent %d times created %d clients, want 1", total, created)
	}
	if replayed != total-1 {
		s.t.Errorf("attack: the bot counted %d replays, want %d", replayed, total-1)
	}
	if upstream > 0 {
		s.t.Errorf("attack: %d replays after the first was answered caused %d requests at GitScrum", replaysAfter, upstream)
	}
	if accepted != nil && !strings.Contains(string(accepted), "Created by") {
		s.t.Errorf("attack: replay: the accepted create answered %.300s", accepted)
	}
	a.lines = append(a.lines, fmt.Sprintf("replays: one signed create sent %d times (%d at once, then %d): answered 200 × %d, 401 × %d; clients created: %d; GitScrum requests of the later replays: %d",
		total, replaysAtOnce, replaysAfter, statuses[http.StatusOK], statuses[http.StatusUnauthorized], created, upstream))
}

// summary renders what the attack measured and found.
func (a *attack) summary() []string {
	var out []string
	for _, f := range a.floods {
		var parts []string
		for v := range nVariants {
			parts = append(parts, variantNames[v]+": "+statusText(f.statuses[v]))
		}
		total := 0
		for v := range nVariants {
			total += sent(f.statuses[v])
		}
		out = append(out,
			fmt.Sprintf("flood of %s: %d requests in %s by %d clients (%s); got through: %d; GitScrum requests caused: %d (bound %d)",
				f.target, total, f.elapsed.Round(time.Millisecond), f.flooders, strings.Join(parts, "; "), f.through, f.caused, f.maxCaused),
			fmt.Sprintf("  valid request during the flood: p50 %s, p99 %s, n=%d (answers: %s); before it: p50 %s, p99 %s, n=%d",
				quantile(f.probes, 0.5), quantile(f.probes, 0.99), len(f.probes), statusText(f.probeStatuses),
				quantile(f.baseline, 0.5), quantile(f.baseline, 0.99), len(f.baseline)))
	}
	out = append(out, a.lines...)
	rss := "unknown (no /proc)"
	if a.mem.rss > 0 {
		rss = fmt.Sprintf("%s (%s at the start)", mib(a.mem.rss), mib(a.mem.rssStart))
	}
	out = append(out,
		fmt.Sprintf("memory during the attack (sampled every 10 ms, the whole test process): peak RSS %s; peak live heap %s (%s before, bound %s)",
			rss, mib(a.mem.heap), mib(a.heapBefore), mib(a.heapBefore+attackHeapSlack)),
		fmt.Sprintf("goroutines: %d before the attack, %d after", a.goroutinesBefore, a.goroutinesAfter),
		"attack's MCP tool calls (tool, outcome): "+strings.Join(a.mcpCalls.lines(), "; "),
		"attack's slash commands (subcommand, result): "+strings.Join(a.slackOut.lines(), "; "),
	)
	return out
}

// statusText renders answers by status: "200=12 503=3" (0: no answer; -1: a 200
// that was not the right answer).
func statusText(m map[int]int) string {
	var parts []string
	for _, status := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%d=%d", status, m[status]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

// quantile returns the q-quantile of sorted durations, or "–" for none.
func quantile(sorted []time.Duration, q float64) string {
	if len(sorted) == 0 {
		return "–"
	}
	i := min(int(q*float64(len(sorted))), len(sorted)-1)
	d := sorted[i]
	switch {
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// memPeaks are the peaks sampleMemory saw.
type memPeaks struct {
	rssStart, rss, heap uint64
}

// sampleMemory samples the process's RSS (from /proc/self/statm, where there is
// one) and the live heap every 10 ms into p, until the returned stop is called.
func sampleMemory(p *memPeaks) (stop func()) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			p.heap = max(p.heap, sample[0].Value.Uint64())
		}
		p.rss = max(p.rss, rss())
	}
	p.rssStart = rss()
	read()
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				read()
				return
			case <-tick.C:
				read()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// rss returns the process's resident set size, or 0 where /proc is missing.
func rss() uint64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}

// machine describes the machine the soak ran on, for the summary: CPU, cores,
// memory, OS, Go, and the load average at the end.
func machine() string {
	cpu := runtime.GOARCH
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(string(data)); len(f) > 1 && f[0] == "MemTotal:" {
			if kb, err := strconv.ParseFloat(f[1], 64); err == nil {
				mem = fmt.Sprintf(", %.1f GiB RAM", kb/(1<<20))
			}
		}
	}
	load := ""
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(data)); len(f) >= 3 {
			load = "; load average at the end " + strings.Join(f[:3], " ")
		}
	}
	return fmt.Sprintf("%s, %d cores (GOMAXPROCS %d)%s, %s/%s, %s%s",
		cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0), mem, runtime.GOOS, runtime.GOARCH, runtime.Version(), load)
}
