package soak

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"go.uber.org/goleak"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// workspace is the GitScrum workspace of the soak.
const workspace = "soak"

// Faults injected by the emulator, and its latency.
const (
	rate5xx    = 0.10
	rate429    = 0.05
	retryAfter = time.Second // announced with every injected 429 and 503
	maxLatency = 20 * time.Millisecond
	// rateLost is the probability that the answer to a create or update is lost
	// after the emulator applied it (see gateway).
	rateLost = 0.03
)

// retryPolicy is a fast policy that still honours the emulator's Retry-After.
var retryPolicy = gitscrum.RetryPolicy{
	MaxAttempts:   4,
	BaseDelay:     2 * time.Millisecond,
	MaxDelay:      20 * time.Millisecond,
	MaxRetryAfter: 2 * time.Second,
}

// inlineBudget is the Slack bot's inline budget: short, so that the commands that
// meet a Retry-After are answered through the response_url.
const inlineBudget = 250 * time.Millisecond

// callTimeout bounds one MCP tool call or Slack command as seen by its caller, far
// above what any call takes: a call that times out is reported, not expected.
const callTimeout = 60 * time.Second

// Memory: the heap after the run may exceed the heap before it by memSlack or
// double, whichever is larger, plus memPerClient for every client the run created.
// The run legitimately keeps every client it created, in the emulator's store and
// in the test's own ledger: about 1.5 KiB per client measured (10.8 MiB for 7,300
// clients in a 10-minute run), which a long run would otherwise push past any fixed
// slack. A leak of per-call state (a goroutine, a buffer, a connection) grows with
// the calls instead: a run makes about five tool calls or commands and nine
// requests to GitScrum per client it creates, so even 1 KiB kept per call exceeds
// the per-client allowance, and a long run exceeds the fixed slack too.
const (
	memSlack     = 32 << 20
	memPerClient = 2 << 10
)

type config struct {
	duration, warmup         time.Duration
	mcpClients, slackWorkers int
	attack                   attackConfig
}

func loadConfig(t *testing.T) config {
	cfg := config{duration: 3 * time.Second, mcpClients: 8, slackWorkers: 8}
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("SOAK_DURATION=%q: want a positive Go duration such as 10m", v)
		}
		cfg.duration = d
	}
	for _, e := range []struct {
		name string
		dst  *int
	}{{"SOAK_MCP_CLIENTS", &cfg.mcpClients}, {"SOAK_SLACK_WORKERS", &cfg.slackWorkers}} {
		if v := os.Getenv(e.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 512 {
				t.Fatalf("%s=%q: want a number from 1 to 512", e.name, v)
			}
			*e.dst = n
		}
	}
	cfg.warmup = min(max(cfg.duration/10, time.Second), 10*time.Second)
	cfg.attack = loadAttackConfig(t, cfg.duration)
	return cfg
}

// soak is one run: the emulator, both adapters behind their HTTP servers, the
// workers, and everything they count.
type soak struct {
	t     *testing.T
	cfg   config
	run   string // hex id in every name created
	scan  *scanner
	found anomalies

	emu      *emulator.Server
	gateway  *gateway
	seeds    []gitscrum.ClientCompany
	botToken string
	tokens   []string // one per MCP client
	secret   string   // the Slack signing secret

	bot   *slackbot.Bot
	hooks *hooks

	emuTS, mcpTS, slackTS, hookTS *httptest.Server
	mcpHTTP, slackHTTP            *http.Client

	mcpWorkers   []*mcpWorker
	slackWorkers []*slackWorker

	upstream          upstreamStats
	ops               tally // client side: adapter, operation, outcome
	mcpCalls          tally // MCP adapter side (Options.Observe): tool, outcome
	slackOut          tally // Slack adapter side (Config.OnOutcome): subcommand, result
	slackDeliveryErrs atomic.Int64

	attack *attack // the attack phase's own adapters and findings

	mcpClients []*client.Client // every MCP client started, to close
	closeOnce  sync.Once
}

// upstreamStats is the Observer of both GitScrum clients: every HTTP attempt.
type upstreamStats struct {
	attempts, retries, status429, status5xx, noAnswer atomic.Int64
}

func (u *upstreamStats) ObserveAttempt(_ string, status int, _ time.Duration, retry bool) {
	u.attempts.Add(1)
	if retry {
		u.retries.Add(1)
	}
	switch {
	case status == http.StatusTooManyRequests:
		u.status429.Add(1)
	case status >= 500:
		u.status5xx.Add(1)
	case status == 0:
		u.noAnswer.Add(1)
	}
}

// gateway stands in front of the emulator as a flaky proxy or load balancer would.
// The emulator's own faults all strike before a request changes anything; the
// gateway adds the failure that makes creates dangerous to retry: with probability
// rateLost, a create or update reaches the emulator and is applied, but its answer
// is lost, replaced by a 502 or by a dropped connection. A tap, when set, sees
// every request first (the attack phase counts the requests an attack caused).
type gateway struct {
	next              http.Handler
	lost502, lostDrop atomic.Int64
	tap               atomic.Pointer[func(*http.Request)]
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if tap := g.tap.Load(); tap != nil {
		(*tap)(r)
	}
	if (r.Method != http.MethodPost && r.Method != http.MethodPut) || mrand.Float64() >= rateLost {
		g.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	g.next.ServeHTTP(rec, r)
	if rec.Code < 200 || rec.Code > 299 {
		// Not applied: pass the answer on.
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	if mrand.IntN(2) == 0 {
		g.lost502.Add(1)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
		return
	}
	g.lostDrop.Add(1)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// errorLog returns a log.Logger for an http.Server's ErrorLog, into the scanner: a
// handler panic shows there as "http: panic serving …".
func (s *soak) errorLog(prefix string) *log.Logger {
	return log.New(s.scan, prefix+": ", log.LstdFlags|log.Lmicroseconds)
}

// serve starts h on a loopback httptest server whose error log goes to the scanner.
func (s *soak) serve(name string, h http.Handler) *httptest.Server {
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ErrorLog = s.errorLog(name + "-http")
	ts.Start()
	return ts
}

// listen serves h on loopback as the binaries serve it: behind
// internal/httpserver's Guard (at most maxInFlight requests at once, waiting
// in the default queue for a slot, bodies over maxBody refused with 413 before they are read,
// the health check exempt), on a listener that keeps at most DefaultMaxConns
// connections open, with the binaries' server limits. The server's own errors go
// to the scanner.
func (s *soak) listen(name string, h http.Handler, maxInFlight int, maxBody int64, health string) *httptest.Server {
	h = httpserver.Guard{
		MaxInFlight: maxInFlight,
		MaxBody:     maxBody,
		Exempt:      []string{health},
	}.Handler(h)
	ts := httptest.NewUnstartedServer(h)
	ts.Config = httpserver.ForSlowest(callTimeout).Server(h, slog.New(slog.NewTextHandler(s.scan, nil)).With("component", name+"-http"))
	ts.Listener = httpserver.LimitConns(ts.Listener, httpserver.DefaultMaxConns)
	httpserver.TrackIdle(ts.Config, ts.Listener) // as httpserver.Run does
	ts.Start()
	return ts
}

// newClient returns a GitScrum client of the emulator, observed by obs, with the
// fast retry policy. Its transport is the package's own, as in production.
func (s *soak) newClient(token string, obs gitscrum.Observer) *gitscrum.Client {
	c, err := gitscrum.New(
		gitscrum.WithBaseURL(s.emuTS.URL),
		gitscrum.WithToken(token),
		gitscrum.WithRetryPolicy(retryPolicy),
		gitscrum.WithObserver(obs),
		gitscrum.WithTimeout(30*time.Second),
	)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

func newSoak(t *testing.T, cfg config) *soak {
	s := &soak{
		t:        t,
		cfg:      cfg,
		run:      randomHex(4),
		botToken: "soak-token-" + randomHex(16),
		secret:   "soak-signing-secret-" + randomHex(16),
	}
	for range cfg.mcpClients {
		s.tokens = append(s.tokens, "soak-token-"+randomHex(16))
	}
	attackToken := "soak-attack-garbage-" + randomHex(16) // GitScrum knows it not
	s.scan = newScanner(append([]string{s.botToken, s.secret, attackToken}, s.tokens...)...)
	t.Cleanup(s.close)
	logger := slog.New(slog.NewTextHandler(s.scan, &slog.HandlerOptions{Level: slog.LevelDebug}))

	// The emulator, with the tokens, the seeded workspace, faults and latency.
	s.emu = emulator.New()
	s.emu.AddToken(s.botToken)
	for _, tok := range s.tokens {
		s.emu.AddToken(tok)
	}
	s.emu.AddWorkspace(workspace)
	s.seeds = s.emu.AddClients(workspace, seedClients()...)
	s.emu.SetLogLimit(1000)
	s.emu.SetFaults(emulator.Faults{Rate5xx: rate5xx, Rate429: rate429, RetryAfter: retryAfter})
	s.emu.SetLatencyFunc(func() time.Duration { return mrand.N(maxLatency + 1) })
	s.gateway = &gateway{next: s.emu}
	s.emuTS = s.serve("emulator", s.gateway)

	// The MCP adapter over streamable HTTP. Its base client has the bot's token, but
	// every MCP client sends its own.
	mcpClient := s.newClient(s.botToken, &s.upstream)
	mcpServer, err := tools.New(tools.Options{
		Client:      mcpClient,
		CompanySlug: workspace,
		Logger:      logger.With("component", "mcp"),
		Observe:     func(c tools.Call) { s.mcpCalls.inc(c.Tool, c.Outcome) },
	})
	if err != nil {
		t.Fatal(err)
	}
	// Both adapters are served as the binaries serve them (see listen), with room
	// for every caller of the load at once.
	s.mcpTS = s.listen("mcp", tools.NewHTTPHandler(mcpServer, tools.HTTPOptions{
		Client:   mcpClient,
		Loopback: true,
		Logger:   logger.With("component", "mcp-http"),
	}), max(httpserver.DefaultMaxInFlight, 2*cfg.mcpClients), tools.MaxRequestBody, tools.HealthPath)

	// The Slack adapter, and Slack's side of response_urls.
	s.hooks = newHooks(s)
	s.hookTS = s.serve("response-url", s.hooks)
	writers := make([]string, cfg.slackWorkers)
	for i := range writers {
		writers[i] = fmt.Sprintf("U0SOAKW%03d", i)
	}
	s.bot, err = slackbot.New(slackbot.Config{
		Client:        s.newClient(s.botToken, &s.upstream),
		Workspace:     workspace,
		SigningSecret: s.secret,
		WriteUsers:    writers,
		InlineBudget:  inlineBudget,
		// Slack's side of the response_urls is a local server here.
		ResponseURLPrefixes: []string{s.hookTS.URL + "/commands/"},
		Logger:              logger.With("component", "slack"),
		OnOutcome: func(o slackbot.Outcome) {
			sub := o.Subcommand
			if sub == "" {
				sub = "(none)"
			}
			s.slackOut.inc(sub, o.Result)
			if o.DeliveryErr != nil {
				s.slackDeliveryErrs.Add(1)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.slackTS = s.listen("slack", s.bot.Handler(), max(httpserver.DefaultMaxInFlight, 2*cfg.slackWorkers), slackbot.MaxBodyBytes, slackbot.HealthPath)

	// The callers: MCP clients over streamable HTTP, each with its own token, and
	// Slack workers. Each kind has its own transport, closed at the end.
	s.mcpHTTP = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.mcpClients}}
	s.slackHTTP = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.slackWorkers}, Timeout: callTimeout}
	for i := range cfg.mcpClients {
		s.mcpWorkers = append(s.mcpWorkers, s.newMCPWorker(i, s.tokens[i]))
	}
	for i := range cfg.slackWorkers {
		s.slackWorkers = append(s.slackWorkers, newSlackWorker(s, i, writers[i]))
	}
	// The attack phase's own adapters, and its large workspace, from the start: the
	// heap before the load holds them.
	s.attack = newAttack(s, attackToken, logger)
	return s
}

// newMCPWorker connects and initializes one MCP client.
func (s *soak) newMCPWorker(id int, token string) *mcpWorker {
	c, err := client.NewStreamableHttpClient(s.mcpTS.URL+tools.MCPPath,
		transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}),
		transport.WithHTTPBasicClient(s.mcpHTTP),
		transport.WithHTTPLogger(slog.New(slog.NewTextHandler(s.scan, nil)).With("component", "mcp-client")),
	)
	if err != nil {
		s.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	s.mcpClients = append(s.mcpClients, c)
	if err := c.Start(ctx); err != nil {
		s.t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: fmt.Sprintf("soak-%d", id), Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		s.t.Fatalf("initialize MCP client %d: %v", id, err)
	}
	return &mcpWorker{s: s, id: id, c: c, rng: mrand.New(mrand.NewPCG(mrand.Uint64(), uint64(id))),
		vals: values{run: s.run, multiLine: true}}
}

// phase runs every worker until d has passed; calls in flight then finish.
func (s *soak) phase(d time.Duration) {
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for _, w := range s.mcpWorkers {
		wg.Go(func() { w.loop(deadline) })
	}
	for _, w := range s.slackWorkers {
		wg.Go(func() { w.loop(deadline) })
	}
	wg.Wait()
}

// close stops everything, callers first: the MCP clients, the Slack server (no new
// command), the bot (its deferred answers delivered), then the other servers and
// the callers' idle connections. Any of them may be missing after a failed setup.
func (s *soak) close() {
	s.closeOnce.Do(func() {
		for _, c := range s.mcpClients {
			_ = c.Close()
		}
		if s.slackTS != nil {
			s.slackTS.Close()
		}
		if s.attack != nil {
			s.attack.close()
		}
		if s.bot != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			_ = s.bot.Close(ctx)
			cancel()
		}
		for _, ts := range []*httptest.Server{s.hookTS, s.mcpTS, s.emuTS} {
			if ts != nil {
				ts.Close()
			}
		}
		for _, hc := range []*http.Client{s.mcpHTTP, s.slackHTTP} {
			if hc != nil {
				hc.CloseIdleConnections()
			}
		}
		s.scan.flush()
	})
}

// heap returns the live heap after two collections.
func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func TestSoak(t *testing.T) {
	cfg := loadConfig(t)
	started := time.Now()
	s := newSoak(t, cfg)

	s.phase(cfg.warmup)
	heapBefore, goroutinesBefore := heap(), runtime.NumGoroutine()
	loadStart := time.Now()
	s.phase(cfg.duration)
	load := time.Since(loadStart)

	// The attack, on the attack's own adapters, once the load is over.
	attackStart := time.Now()
	s.attack.run()
	attackTook := time.Since(attackStart)

	// Let the bots finish every deferred answer, then measure with everything else
	// still up, as before the run.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	if err := s.bot.Close(ctx); err != nil {
		t.Errorf("slack bot did not drain: %v", err)
	}
	if err := s.attack.bot.Close(ctx); err != nil {
		t.Errorf("the attack's slack bot did not drain: %v", err)
	}
	cancel()
	heapAfter, goroutinesAfter := heap(), runtime.NumGoroutine()

	final := s.emu.Clients(workspace)
	requests := s.emu.Requests()
	s.close()

	creates := s.checkClients(final)
	s.checkRequests(requests)
	s.checkAdapters()
	scan := s.scan.report()
	if scan.leaks > 0 {
		t.Errorf("a token or the signing secret appeared %d times in logs or replies", scan.leaks)
	}
	if scan.panics > 0 {
		t.Errorf("%d log lines mention a panic", scan.panics)
	}
	for _, ex := range scan.examples {
		t.Log(ex)
	}
	if n, first := s.found.report(); n > 0 {
		t.Errorf("%d anomalies; the first:\n  %s", n, strings.Join(first, "\n  "))
	}
	limit := max(heapBefore+memSlack, 2*heapBefore) + uint64(memPerClient*(len(final)-len(s.seeds)))
	if heapAfter > limit {
		t.Errorf("heap after the run %s, before %s: over the limit of %s", mib(heapAfter), mib(heapBefore), mib(limit))
	}

	summary := []string{
		fmt.Sprintf("soak run %s: %s of load (after %s of warm-up), %d MCP clients, %d Slack workers; %s in all",
			s.run, load.Round(time.Millisecond), cfg.warmup, cfg.mcpClients, cfg.slackWorkers, time.Since(started).Round(time.Millisecond)),
		"operations as their callers saw them (adapter, operation, outcome):",
	}
	summary = append(summary, indent(s.ops.lines())...)
	summary = append(summary, "MCP tool calls as the adapter counted them (Options.Observe):")
	summary = append(summary, indent(s.mcpCalls.lines())...)
	summary = append(summary, "slash commands as the adapter counted them (Config.OnOutcome):")
	summary = append(summary, indent(s.slackOut.lines())...)
	summary = append(summary,
		fmt.Sprintf("creates: %d acknowledged; %d unknown then found by a retry's duplicate guard; %d failed (0 exist); %d unknown (%d exist, once); %d refused (0 exist)",
			creates.n[createAcked], creates.n[createRecovered], creates.n[createFailed], creates.n[createUnknown], creates.unknownExisting, creates.n[createRefused]),
		fmt.Sprintf("workspace: %d clients at the end, %d of them seeded", len(final), len(s.seeds)),
		fmt.Sprintf("upstream: %d HTTP attempts, %d retries; injected faults seen: %d × 429, %d × 5xx; %d without an answer",
			s.upstream.attempts.Load(), s.upstream.retries.Load(), s.upstream.status429.Load(), s.upstream.status5xx.Load(), s.upstream.noAnswer.Load()),
		fmt.Sprintf("gateway: %d answers to applied writes lost (%d × 502, %d × dropped connection)",
			s.gateway.lost502.Load()+s.gateway.lostDrop.Load(), s.gateway.lost502.Load(), s.gateway.lostDrop.Load()),
		fmt.Sprintf("slack: %d answers deferred to the response_url, %d posts received",
			s.hooks.deferred.Load(), s.hooks.posts.Load()),
		fmt.Sprintf("scanned: %d log lines (%s), %d replies (%s); secrets found: %d; panics: %d",
			scan.logLines, mib(uint64(scan.logBytes)), scan.replies, mib(uint64(scan.replyBytes)), scan.leaks, scan.panics),
		fmt.Sprintf("heap: %s before, %s after (limit %s); goroutines: %d before, %d after",
			mib(heapBefore), mib(heapAfter), mib(limit), goroutinesBefore, goroutinesAfter),
		fmt.Sprintf("attack phase (%s):", attackTook.Round(time.Millisecond)),
	)
	summary = append(summary, indent(s.attack.summary())...)
	summary = append(summary, "machine: "+machine())
	t.Log("\n" + strings.Join(summary, "\n"))
	if t.Failed() {
		t.Logf("last log lines:\n  %s", strings.Join(scan.tail, "\n  "))
	}

	// Every server, client and connection is closed: nothing may be left running.
	goleak.VerifyNone(t)
}

func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "  " + l
	}
	return out
}

// checkClients checks the workspace at the end against every create and update, and
// returns the creates by outcome.
func (s *soak) checkClients(final []gitscrum.ClientCompany) createSummary {
	t := s.t
	byUUID := map[string]gitscrum.ClientCompany{}
	byKey := map[string][]gitscrum.ClientCompany{}
	for _, c := range final {
		if _, dup := byUUID[c.UUID]; dup {
			t.Errorf("UUID %s is stored twice", c.UUID)
		}
		byUUID[c.UUID] = c
		if key, run, ok := keyOf(c.Name); ok && run == s.run {
			byKey[key] = append(byKey[key], c)
		}
	}
	// The seeds: nobody writes them.
	for _, seed := range s.seeds {
		if diff := sameClient(seed, byUUID[seed.UUID]); diff != nil {
			t.Errorf("seeded client %q changed: %v", seed.Name, diff)
		}
	}
	var attempts []*attempt
	var mine []*owned
	for _, w := range s.mcpWorkers {
		attempts, mine = append(attempts, w.attempts...), append(mine, w.owned...)
	}
	for _, w := range s.slackWorkers {
		attempts, mine = append(attempts, w.attempts...), append(mine, w.owned...)
	}
	sum := createSummary{n: map[createOutcome]int{}}
	known := map[string]bool{}
	for _, a := range attempts {
		sum.n[a.outcome]++
		if known[a.key] {
			t.Errorf("create key %q attempted twice (test bug)", a.key)
		}
		known[a.key] = true
		got := byKey[a.key]
		switch {
		case len(got) > 1:
			t.Errorf("create %q (%s) exists %d times: %v", a.key, a.outcome, len(got), uuids(got))
		case (a.outcome == createAcked || a.outcome == createRecovered) && len(got) == 0:
			t.Errorf("%s create %q (UUID %s) does not exist", a.outcome, a.key, a.uuid)
		case (a.outcome == createAcked || a.outcome == createRecovered) && got[0].UUID != a.uuid:
			t.Errorf("%s create %q has UUID %s, but the caller was told %s", a.outcome, a.key, got[0].UUID, a.uuid)
		case (a.outcome == createFailed || a.outcome == createRefused) && len(got) > 0:
			t.Errorf("create %q that the caller was told %s exists: %s", a.key, a.outcome, got[0].UUID)
		case a.outcome == createUnknown && len(got) == 1:
			sum.unknownExisting++
			want := gitscrum.ClientCompany{UUID: got[0].UUID}
			for i, f := range gitscrum.EditableFields {
				setField(&want, f, a.values[i])
			}
			if diff := sameClient(want, got[0]); diff != nil {
				t.Errorf("create %q of unknown outcome exists but differs from what was sent: %v", a.key, diff)
			}
		}
	}
	for key, got := range byKey {
		if !known[key] {
			t.Errorf("client %q exists but was never created by this run: %v", key, uuids(got))
		}
	}
	// The updates: each field holds its creation value or a value sent to it.
	for _, o := range mine {
		c, ok := byUUID[o.uuid]
		if !ok {
			continue // reported above
		}
		if bad := o.check(c); bad != nil {
			t.Errorf("client %q (%s) holds values no write put there: %s", o.key, o.uuid, strings.Join(bad, "; "))
		}
	}
	if len(final) != len(s.seeds)+len(byKey) {
		t.Errorf("%d clients in the workspace: %d seeded and %d of this run, and %d of nowhere",
			len(final), len(s.seeds), len(byKey), len(final)-len(s.seeds)-len(byKey))
	}
	return sum
}

// createSummary counts creates by outcome; unknownExisting counts those of unknown
// outcome that exist.
type createSummary struct {
	n               map[createOutcome]int
	unknownExisting int
}

// checkRequests checks, in the emulator's last requests (as many as its log keeps),
// that every request carried one of the run's tokens, and that the MCP adapter used
// its callers' own tokens (the bot's token is also its base client's).
func (s *soak) checkRequests(requests []emulator.Request) {
	mcpTokens := map[string]bool{}
	for _, tok := range s.tokens {
		mcpTokens[tok] = true
	}
	var bot, mcp int
	for _, r := range requests {
		switch tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "); {
		case tok == s.botToken:
			bot++
		case mcpTokens[tok]:
			mcp++
		case tok == s.attack.token, strings.HasPrefix(tok, randomTokenPrefix):
			// The attack's garbage tokens: the attack phase counts those.
		default:
			s.t.Errorf("the emulator got %s %s with an unknown Authorization header", r.Method, r.Path)
		}
	}
	if bot == 0 || mcp == 0 {
		s.t.Errorf("of the emulator's last %d requests, %d carried the bot's token and %d an MCP caller's", len(requests), bot, mcp)
	}
}

// checkAdapters checks what the adapters reported of their calls, and that the run
// exercised what it is meant to.
func (s *soak) checkAdapters() {
	t := s.t
	// Faults may fail a call (429, 5xx) but nothing else may go wrong.
	var recovered int
	for _, w := range s.mcpWorkers {
		recovered += w.recovered
	}
	for label, n := range s.mcpCalls.snapshot() {
		switch outcome := label[strings.LastIndexByte(label, ' ')+1:]; outcome {
		case tools.OutcomeOK, tools.OutcomeRateLimited, tools.OutcomeUnavailable:
		case tools.OutcomeDuplicate:
			if label != "create_client duplicate" || n != recovered {
				t.Errorf("MCP tool calls ended %q %d times; %d retried creates found the client of their first call", label, n, recovered)
			}
		default:
			t.Errorf("MCP tool calls ended %q %d times", label, n)
		}
	}
	var unauthenticated, refused int
	for label, n := range s.slackOut.snapshot() {
		switch result := label[strings.LastIndexByte(label, ' ')+1:]; result {
		case slackbot.ResultOK, slackbot.ResultRateLimited, slackbot.ResultUnavailable:
		case slackbot.ResultUnauthorized:
			unauthenticated += n
		case slackbot.ResultForbidden:
			refused += n
		default:
			t.Errorf("slash commands ended %q %d times", label, n)
		}
	}
	var badSigs, nonWriters int
	for _, w := range s.slackWorkers {
		badSigs += w.badSigs
		nonWriters += w.nonWriters
	}
	if unauthenticated != badSigs {
		t.Errorf("%d slash commands refused as unauthenticated, but %d were sent with a bad signature", unauthenticated, badSigs)
	}
	if refused != nonWriters {
		t.Errorf("%d slash commands refused for lack of write access, but %d were sent by a user without it", refused, nonWriters)
	}
	if n := s.slackDeliveryErrs.Load(); n > 0 {
		t.Errorf("%d deferred answers could not be posted to their response_url", n)
	}
	if n := s.hooks.unexpected.Load(); n > 0 {
		t.Errorf("%d posts to a response_url that expected none (a second answer, or an answer to an inline reply)", n)
	}
	// The run did what a soak is for.
	for _, label := range []string{"mcp create ok", "mcp update ok", "mcp get ok", "mcp list ok",
		"slack create ok", "slack update ok", "slack show ok", "slack list ok"} {
		if s.ops.get(label) == 0 {
			t.Errorf("no %q in the run", label)
		}
	}
	if s.upstream.status429.Load() == 0 || s.upstream.status5xx.Load() == 0 || s.upstream.retries.Load() == 0 {
		t.Errorf("the run saw no injected 429, no 5xx or no retry")
	}
	if s.hooks.deferred.Load() == 0 {
		t.Errorf("no slash command was answered through its response_url")
	}
}
