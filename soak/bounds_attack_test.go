package soak

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// The attack phases of the listeners' and the background work's bounds (issue
// 16, sections 1 and 2), run after the others, each with its bound asserted:
//
//   - a burst of burstCalls legitimate get_client calls at once, GitScrum
//     answering each in burstLatency: more than the listener's slots, so most
//     wait in its queue; every one is answered (before the queue, every call
//     beyond the 64 slots got 503 after 50 ms);
//   - slowConns connections per listener (more than its slots and its queue)
//     that send their headers and then trickle their bodies: legitimate MCP calls and signed slash commands sent
//     meanwhile are all answered, and every slow body gets 408 (before, the slow
//     bodies held every slot and everyone else got 503);
//   - httpserver.DefaultMaxConns keep-alive connections that each asked for
//     /healthz once and went idle: new clients, each on a new connection, are
//     all answered, because the listener closes the connection idle the longest
//     (before, every new connection hung for the idle connections' 2 minutes);
//   - floods of signed Share clicks, GitScrum answering each request in
//     clickLatency: at most MaxJobs clicks are worked on at once (seen as
//     GitScrum requests in flight), or at most MaxUpstream requests reach
//     GitScrum at once when that is smaller; every click is answered, with the
//     card or with "too busy"; the goroutines stay within clickGoroutines
//     (before, 1,500 clicks were 1,500 GitScrum requests and 4,517 goroutines).
//
// The bounds are counts; none depends on timing.
const (
	burstCalls   = 200
	burstLatency = 100 * time.Millisecond

	// slowConns, per listener, are more than its slots and its queue together:
	// were a slow body to hold a slot or a place in the queue, the legitimate
	// requests would find both full and get 503.
	slowConns      = httpserver.DefaultMaxInFlight + httpserver.DefaultMaxQueue + 16
	slowBodyBytes  = 4096
	slowByteGap    = time.Second
	slowMCPCalls   = 20
	slowSlackCalls = 10

	idleNewClients = 5

	clicks        = 200
	clickSenders  = 32
	clickLatency  = 100 * time.Millisecond
	clickFakeUser = "U0CLICK"
)

// bounds runs the phases above.
func (a *attack) bounds() {
	t0 := time.Now()
	defer func() {
		a.lines = append(a.lines, fmt.Sprintf("the phases of the listeners' and background work's bounds took %s", time.Since(t0).Round(100*time.Millisecond)))
	}()
	a.burst()
	a.slowBodies()
	a.idleConns()
	for _, b := range []struct{ maxJobs, maxUpstream int }{{4, gitscrum.DefaultMaxUpstream}, {16, 4}} {
		a.clickFlood(b.maxJobs, b.maxUpstream)
	}
}

// mcpGet is get_client of seed with the load's first token, sent with hc; it
// returns the HTTP status and whether the answer was the client.
func (a *attack) mcpGet(hc *http.Client, seed gitscrum.ClientCompany) (int, bool, error) {
	body := fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_client","arguments":{"client":%q}}}`, seed.UUID)
	resp, err := hc.Do(a.mcpRequest(a.s.tokens[0], strings.NewReader(body), int64(len(body))))
	if err != nil {
		return 0, false, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, false, err
	}
	a.s.scan.reply("attack bounds mcp", data)
	return resp.StatusCode, resp.StatusCode == http.StatusOK && bytes.Contains(data, []byte(seed.UUID)) &&
		!bytes.Contains(data, []byte(`"isError":true`)), nil
}

// burst sends burstCalls get_client calls at once to the attack's MCP listener,
// each on its own connection: all are answered with the client.
func (a *attack) burst() {
	a.s.emu.SetLatency(burstLatency)
	defer a.s.emu.SetLatency(0)
	hc := &http.Client{Timeout: callTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: burstCalls}}
	defer hc.CloseIdleConnections()
	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		slowest  time.Duration
		wg       sync.WaitGroup
	)
	start := make(chan struct{})
	for i := range burstCalls {
		wg.Go(func() {
			<-start
			t0 := time.Now()
			status, ok, _ := a.mcpGet(hc, a.seeds[i%len(a.seeds)])
			took := time.Since(t0)
			if status == http.StatusOK && !ok {
				status = -1
			}
			mu.Lock()
			defer mu.Unlock()
			statuses[status]++
			slowest = max(slowest, took)
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	wall := time.Since(t0)
	if statuses[http.StatusOK] != burstCalls {
		a.s.t.Errorf("attack: a burst of %d get_client calls at once (%d slots): answered %s; want every one answered with its client",
			burstCalls, httpserver.DefaultMaxInFlight, statusText(statuses))
	}
	a.lines = append(a.lines, fmt.Sprintf("burst: %d get_client calls at once to %d slots, GitScrum at %s a request: %s, in %s (slowest %s)",
		burstCalls, httpserver.DefaultMaxInFlight, burstLatency, statusText(statuses), wall.Round(time.Millisecond), slowest.Round(time.Millisecond)))
}

// slowBody is one connection that sends its headers and then trickles its body.
type slowBody struct {
	status int // the answer's, 0 for none
	err    error
}

// trickle sends req's headers to addr, declaring a body of slowBodyBytes, then
// one byte of it every slowByteGap until the server answers; ready is told once
// the headers are sent.
func trickle(addr string, head string, ready func()) slowBody {
	conn, err := net.DialTimeout("tcp", addr, socketWait)
	if err != nil {
		ready()
		return slowBody{err: err}
	}
	defer conn.Close()
	_, err = io.WriteString(conn, head)
	ready()
	if err != nil {
		return slowBody{err: err}
	}
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(slowByteGap)
		defer tick.Stop()
		for range slowBodyBytes - 1 {
			select {
			case <-done:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte("x")); err != nil {
					return
				}
			}
		}
	}()
	defer close(done)
	_ = conn.SetReadDeadline(time.Now().Add(httpserver.DefaultBodyTimeout + socketWait))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return slowBody{err: err}
	}
	_ = resp.Body.Close()
	return slowBody{status: resp.StatusCode}
}

// slowBodies opens slowConns connections to each listener that trickle their
// bodies, and meanwhile sends legitimate MCP calls and signed slash commands:
// all are answered, and every slow body is answered 408.
func (a *attack) slowBodies() {
	mcpHead := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n",
		tools.MCPPath, a.s.tokens[0], slowBodyBytes)
	ts := time.Now().Unix()
	slackHead := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: soak\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Slack-Request-Timestamp: %d\r\nX-Slack-Signature: %s\r\nContent-Length: %d\r\n\r\n",
		slackbot.CommandsPath, ts, slackbottest.Signature(a.s.secret, fmt.Sprint(ts), "never sent"), slowBodyBytes)
	var (
		mu     sync.Mutex
		slow   = map[string]map[int]int{"MCP": {}, "Slack": {}}
		errs   []string
		wg     sync.WaitGroup
		opened sync.WaitGroup
	)
	began := time.Now()
	for _, l := range []struct {
		name, addr, head string
	}{{"MCP", a.mcpTS.Listener.Addr().String(), mcpHead}, {"Slack", a.slackTS.Listener.Addr().String(), slackHead}} {
		for range slowConns {
			opened.Add(1)
			wg.Go(func() {
				r := trickle(l.addr, l.head, opened.Done)
				mu.Lock()
				defer mu.Unlock()
				slow[l.name][r.status]++
				if r.err != nil && len(errs) < 3 {
					errs = append(errs, r.err.Error())
				}
			})
		}
	}
	opened.Wait()

	// The legitimate calls, 4 at a time, while the bodies trickle.
	mcpOK, slackOK := atomic.Int64{}, atomic.Int64{}
	var legit sync.WaitGroup
	var bad []string
	hc := &http.Client{Timeout: callTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer hc.CloseIdleConnections()
	probeUUID := a.seeds[0].UUID
	for w := range 4 {
		worker := newSlackWorker(a.s, 960+w, attackWriter) // a worker is not safe for concurrent use
		worker.endpoint = a.slack.endpoint
		legit.Go(func() {
			for i := w; i < slowMCPCalls; i += 4 {
				status, ok, err := a.mcpGet(hc, a.seeds[i%len(a.seeds)])
				if ok {
					mcpOK.Add(1)
					continue
				}
				mu.Lock()
				bad = append(bad, fmt.Sprintf("MCP get_client: %d %v", status, err))
				mu.Unlock()
			}
			for i := w; i < slowSlackCalls; i += 4 {
				ans := worker.command(attackWriter, "show "+probeUUID, false)
				if ans.outcome() == "ok" && strings.HasSuffix(ans.fallback, "UUID "+probeUUID) {
					slackOK.Add(1)
					continue
				}
				mu.Lock()
				bad = append(bad, fmt.Sprintf("Slack show: %d %q %v", ans.status, gitscrum.Excerpt(ans.text), ans.err))
				mu.Unlock()
			}
		})
	}
	legit.Wait()
	legitTook := time.Since(began)
	wg.Wait()
	if len(bad) > 0 {
		a.s.t.Errorf("attack: with %d slow bodies on each listener, %d legitimate requests were not answered: %s",
			slowConns, len(bad), strings.Join(bad, "; "))
	}
	for name, statuses := range slow {
		if statuses[http.StatusRequestTimeout] != slowConns {
			a.s.t.Errorf("attack: %d slow bodies to the %s listener were answered %s; want 408 for every one (errors: %v)",
				slowConns, name, statusText(statuses), errs)
		}
	}
	a.lines = append(a.lines, fmt.Sprintf("slow bodies: %d connections per listener trickling a byte every %s; meanwhile %d of %d MCP calls and %d of %d slash commands answered (in %s); the slow bodies: MCP %s, Slack %s",
		slowConns, slowByteGap, mcpOK.Load(), slowMCPCalls, slackOK.Load(), slowSlackCalls, legitTook.Round(time.Millisecond),
		statusText(slow["MCP"]), statusText(slow["Slack"])))
}

// idleConns fills the attack's Slack listener with httpserver.DefaultMaxConns
// keep-alive connections that asked for /healthz once and went idle, then sends
// idleNewClients signed slash commands, each on a new connection: all are
// answered, and the listener closed idle connections to make room.
func (a *attack) idleConns() {
	addr := a.slackTS.Listener.Addr().String()
	var (
		mu               sync.Mutex
		conns            []net.Conn
		healthy, refused int
		closed           atomic.Int64
		wg               sync.WaitGroup
	)
	for range httpserver.DefaultMaxConns {
		wg.Go(func() {
			conn, err := net.DialTimeout("tcp", addr, socketWait)
			if err != nil {
				return
			}
			_ = conn.SetDeadline(time.Now().Add(socketWait))
			br := bufio.NewReader(conn)
			ok := false
			if _, err := io.WriteString(conn, "GET "+slackbot.HealthPath+" HTTP/1.1\r\nHost: soak\r\n\r\n"); err == nil {
				if resp, err := http.ReadResponse(br, nil); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					ok = resp.StatusCode == http.StatusOK
				}
			}
			mu.Lock()
			conns = append(conns, conn)
			if ok {
				healthy++
			} else {
				refused++
			}
			mu.Unlock()
			// Idle from here on; the server closing it shows as the end of the read.
			_ = conn.SetDeadline(time.Time{})
			if _, err := br.ReadByte(); err != nil {
				closed.Add(1)
			}
		})
	}
	// Every connection asked and was answered (or refused), or gave up.
	deadline := time.Now().Add(socketWait)
	for {
		mu.Lock()
		n := healthy + refused
		mu.Unlock()
		if n == httpserver.DefaultMaxConns || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	closedBefore := closed.Load()
	fresh := &http.Client{Timeout: socketWait, Transport: &http.Transport{DisableKeepAlives: true}}
	defer fresh.CloseIdleConnections()
	w := newSlackWorker(a.s, 980, attackWriter)
	w.endpoint = a.slack.endpoint
	probeUUID := a.seeds[0].UUID
	var served []string
	var slowest time.Duration
	for range idleNewClients {
		t0 := time.Now()
		ans := a.freshCommand(fresh, w, "show "+probeUUID)
		took := time.Since(t0)
		slowest = max(slowest, took)
		if ans.outcome() != "ok" || !strings.HasSuffix(ans.fallback, "UUID "+probeUUID) {
			a.s.t.Errorf("attack: with %d idle connections open, a new client's command was answered %d %q %v; want the card",
				len(conns), ans.status, gitscrum.Excerpt(ans.text), ans.err)
			continue
		}
		served = append(served, took.Round(time.Millisecond).String())
	}
	closedByServer := closed.Load()
	mu.Lock()
	for _, c := range conns {
		_ = c.Close()
	}
	mu.Unlock()
	wg.Wait()
	if closedByServer == 0 && len(served) > 0 {
		a.s.t.Errorf("attack: %d new clients were served while %d connections stayed idle, but the listener closed none of them: were they ever at its bound?",
			len(served), len(conns))
	}
	a.lines = append(a.lines, fmt.Sprintf("idle connections: %d opened (%d answered /healthz, %d not); new clients each on a new connection: %d of %d served (%s); idle connections the listener closed: %d (%d before the new clients came)",
		len(conns), healthy, refused, len(served), idleNewClients, strings.Join(served, ", "), closedByServer, closedBefore))
}

// freshCommand sends /gitscrum text as w's user with hc, and returns its inline
// answer (the card of a client by UUID comes inline, or is deferred as the
// worker's command would be).
func (a *attack) freshCommand(hc *http.Client, w *slackWorker, text string) answer {
	saved := a.s.slackHTTP
	defer func() { a.s.slackHTTP = saved }()
	a.s.slackHTTP = hc
	return w.command(attackWriter, text, false)
}

// upstreamGauge stands in front of the soak's gateway and counts GitScrum
// requests in flight, and their peak.
type upstreamGauge struct {
	ts             *httptest.Server
	now, peak, all atomic.Int64
}

func (a *attack) newUpstreamGauge(name string) *upstreamGauge {
	g := &upstreamGauge{}
	g.ts = a.s.serve(name, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := g.now.Add(1)
		defer g.now.Add(-1)
		g.all.Add(1)
		for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
		}
		a.s.gateway.ServeHTTP(w, r)
	}))
	return g
}

// boundedBot is a bot of the attack's workspace that does at most maxJobs
// pieces of background work and sends at most maxUpstream requests to GitScrum
// at once, through gauge; slackURL serves its Web API (under /api/) and its
// response_urls (under /hooks/) unless prefix names others.
func (a *attack) boundedBot(name string, gauge *upstreamGauge, maxJobs, maxUpstream int, slackURL, prefix string) *slackbot.Bot {
	client, err := gitscrum.New(gitscrum.WithBaseURL(gauge.ts.URL), gitscrum.WithToken(a.s.botToken),
		gitscrum.WithRetryPolicy(retryPolicy), gitscrum.WithTimeout(30*time.Second), gitscrum.WithMaxUpstream(maxUpstream))
	if err != nil {
		a.s.t.Fatal(err)
	}
	bot, err := slackbot.New(slackbot.Config{
		Client: client, Workspace: attackWorkspace, SigningSecret: a.s.secret, WriteUsers: []string{attackWriter},
		InlineBudget: inlineBudget, ResponseURLPrefixes: []string{prefix},
		BotToken: "xoxb-soak-" + name, APIURL: slackURL + "/api/", MaxJobs: maxJobs,
		Logger: slog.New(slog.NewTextHandler(a.s.scan, nil)).With("component", name),
	})
	if err != nil {
		a.s.t.Fatal(err)
	}
	return bot
}

// closeBot closes bot within socketWait.
func (a *attack) closeBot(bot *slackbot.Bot) {
	ctx, cancel := context.WithTimeout(context.Background(), socketWait)
	defer cancel()
	if err := bot.Close(ctx); err != nil {
		a.s.t.Errorf("attack: closing a bot: %v", err)
	}
}

// clickFlood sends clicks signed Share clicks, clickSenders at a time, to a bot
// bounded to maxJobs and maxUpstream, GitScrum answering in clickLatency: every
// click is acknowledged and answered (the card, or "too busy"), GitScrum sees at
// most min(maxJobs, maxUpstream) requests at once, and the goroutines stay
// within clickGoroutines of where they were.
func (a *attack) clickFlood(maxJobs, maxUpstream int) {
	s := a.s
	var shared, busy, other atomic.Int64
	fake := s.serve("attack-click-slack", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		s.scan.reply("attack click slack", body)
		switch {
		case bytes.Contains(body, []byte("too busy")):
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
	defer fake.Close()
	gauge := a.newUpstreamGauge("attack-click-gitscrum")
	defer gauge.ts.Close()
	bot := a.boundedBot("attack-clicks", gauge, maxJobs, maxUpstream, fake.URL, fake.URL+"/hooks/")
	defer a.closeBot(bot)
	ts := s.listen("attack-clicks", bot.Handler(), httpserver.DefaultMaxInFlight, slackbot.MaxBodyBytes, slackbot.HealthPath)
	defer ts.Close()

	s.emu.SetLatency(clickLatency)
	defer s.emu.SetLatency(0)
	hc := &http.Client{Timeout: callTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: clickSenders}}
	defer hc.CloseIdleConnections()
	before := runtime.NumGoroutine()
	var peakG atomic.Int64
	sampling, stopSampling := context.WithCancel(context.Background())
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for sampling.Err() == nil {
			if n := int64(runtime.NumGoroutine()); n > peakG.Load() {
				peakG.Store(n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	var (
		mu   sync.Mutex
		acks = map[int]int{}
		next atomic.Int64
		wg   sync.WaitGroup
	)
	began := time.Now()
	for range clickSenders {
		wg.Go(func() {
			for i := int(next.Add(1)); i <= clicks; i = int(next.Add(1)) {
				status := 0
				if resp, err := hc.Do(a.shareClick(ts.URL, fake.URL, i)); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					status = resp.StatusCode
				}
				mu.Lock()
				acks[status]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	deadline := time.Now().Add(socketWait)
	for time.Now().Before(deadline) && (shared.Load()+busy.Load()+other.Load() < clicks || gauge.now.Load() > 0) {
		time.Sleep(10 * time.Millisecond)
	}
	elapsed := time.Since(began)
	stopSampling()
	<-sampled
	peak, growth := gauge.peak.Load(), int(peakG.Load())-before
	bound := min(maxJobs, maxUpstream)
	name := fmt.Sprintf("%d Share clicks, %d at a time, to a bot of --max-jobs %d --max-upstream %d", clicks, clickSenders, maxJobs, maxUpstream)
	if acks[http.StatusOK] != clicks {
		s.t.Errorf("attack: %s: acknowledged %s; want 200 for every one", name, statusText(acks))
	}
	if n := shared.Load() + busy.Load(); n != clicks || other.Load() != 0 {
		s.t.Errorf("attack: %s: %d cards shared, %d told busy, %d other answers; want one answer each, card or busy",
			name, shared.Load(), busy.Load(), other.Load())
	}
	if peak > int64(bound) {
		s.t.Errorf("attack: %s: %d GitScrum requests at once, over %d", name, peak, bound)
	}
	if limit := clickGoroutines(maxJobs); growth > limit {
		s.t.Errorf("attack: %s: the goroutines grew by %d (from %d), over %d", name, growth, before, limit)
	}
	a.lines = append(a.lines, fmt.Sprintf("%s, GitScrum at %s a request: %d cards shared, %d told busy, in %s; GitScrum requests %d, at most %d at once (bound %d); goroutines +%d at the peak (bound %d)",
		name, clickLatency, shared.Load(), busy.Load(), elapsed.Round(time.Millisecond), gauge.all.Load(), peak, bound, growth, clickGoroutines(maxJobs)))
}

// clickGoroutines bounds the goroutines a flood of clicks adds to the process:
// per sender, its request on both sides of the connection (the client's call,
// its transport's reader and writer, the server's connection), a refused
// click's busy post, and the answers' connections; per place of background work
// (running or waiting), the job and its requests to GitScrum and to Slack; and
// the servers' fixed share.
func clickGoroutines(maxJobs int) int {
	return clickSenders*8 + 2*maxJobs*6 + 64
}

// shareClick is the signed block_actions payload of click i to base: Share on a
// seeded client's card, from its own user in its own channel, with a
// response_url of its own under slackURL.
func (a *attack) shareClick(base, slackURL string, i int) *http.Request {
	seed := a.seeds[i%len(a.seeds)]
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": fmt.Sprintf("%s%05d", clickFakeUser, i)}, "team": map[string]any{"id": "T0SOAK"},
		"channel": map[string]any{"id": fmt.Sprintf("C0CLK%05d", i)}, "trigger_id": "1.2.3",
		"response_url": fmt.Sprintf("%s/hooks/%d", slackURL, i),
		"actions": []any{map[string]any{"type": "button", "action_id": slackbot.ActionShare, "block_id": "gitscrum_card_actions",
			"value": fmt.Sprintf(`{"w":%q,"id":%q}`, attackWorkspace, seed.UUID)}},
	})
	body := url.Values{"payload": {string(payload)}}.Encode()
	req, err := http.NewRequest(http.MethodPost, base+slackbot.InteractivityPath, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	slackbottest.SignRequest(req, a.s.secret, body, time.Now())
	return req
}

// The Socket Mode step of many members at once (step 5 of socketMode): every
// envelope is background work within the bot's one bound.
const (
	socketMembers = 100
	socketMaxJobs = 8
	socketLatency = 300 * time.Millisecond
)

// socketManyMembers sends socketMembers commands at once, each from its own
// member, over Socket Mode to a bot of --max-jobs socketMaxJobs, GitScrum
// answering in socketLatency: every one is acknowledged and answered (the card,
// inline or on its response_url, or "too busy"), GitScrum sees at most
// socketMaxJobs requests at once, and the goroutines come back to where they
// were. (Before the bound: 200 commands a second held 2,866 goroutines.)
func (a *attack) socketManyMembers() {
	s := a.s
	gauge := a.newUpstreamGauge("attack-socket-gitscrum")
	defer gauge.ts.Close()
	bot := a.boundedBot("attack-socket-many", gauge, socketMaxJobs, gitscrum.DefaultMaxUpstream, s.hookTS.URL, s.hookTS.URL+"/commands/")
	defer a.closeBot(bot)
	f := newFakeSocketSlack()
	r := a.runSocketBot(bot, f, slackbot.SocketLimits{})
	s.emu.SetLatency(socketLatency)
	defer s.emu.SetLatency(0)
	check := func() (string, error) {
		if !r.waitConns(1) {
			return "", fmt.Errorf("no connection within %s", socketWait)
		}
		before := runtime.NumGoroutine()
		slots := map[string]*slot{}
		var paths []string
		defer func() {
			for _, p := range paths {
				s.hooks.done(p)
			}
		}()
		for i := range socketMembers {
			id := fmt.Sprintf("many-%d", i)
			path := "/commands/socket-many/" + id + "/" + randomHex(4)
			slots[id] = s.hooks.expect(path)
			paths = append(paths, path)
			seed := a.seeds[i%len(a.seeds)]
			env := commandEnvelope(id, "show "+seed.UUID, fmt.Sprintf("U0MANY%04d", i))
			f.out <- []byte(strings.Replace(string(env), `"response_url":""`, `"response_url":"`+s.hookTS.URL+path+`"`, 1))
		}
		answers := map[string][]byte{}
		deadline := time.After(socketWait)
		for len(answers) < socketMembers {
			select {
			case raw := <-f.acks:
				var ack struct {
					EnvelopeID string          `json:"envelope_id"`
					Payload    json.RawMessage `json:"payload"`
				}
				if json.Unmarshal(raw, &ack) == nil && slots[ack.EnvelopeID] != nil {
					answers[ack.EnvelopeID] = ack.Payload
				}
			case <-deadline:
				return "", fmt.Errorf("%d of %d envelopes acknowledged within %s", len(answers), socketMembers, socketWait)
			}
		}
		var cards, busy, deferred int
		for id, ans := range answers {
			if bytes.Contains(ans, []byte(":hourglass_flowing_sand:")) {
				deferred++
				select {
				case ans = <-slots[id].ch:
				case <-time.After(socketWait):
					return "", fmt.Errorf("%s was acknowledged as deferred, but no answer was posted within %s", id, socketWait)
				}
			}
			switch {
			case bytes.Contains(ans, []byte("too busy")):
				busy++
			case bytes.Contains(ans, []byte("UUID ")):
				cards++
			default:
				return "", fmt.Errorf("%s was answered %.300s", id, ans)
			}
		}
		if peak := gauge.peak.Load(); peak > socketMaxJobs {
			return "", fmt.Errorf("%d GitScrum requests at once, over the %d pieces of background work", peak, socketMaxJobs)
		}
		after := settleGoroutines(before, 5*time.Second)
		return fmt.Sprintf("%d commands at once to a bot of --max-jobs %d, GitScrum at %s a request: %d cards (%d on the response_url), %d told busy; GitScrum requests at most %d at once (bound %d); goroutines %d before, %d after",
			socketMembers, socketMaxJobs, socketLatency, cards, deferred, busy, gauge.peak.Load(), socketMaxJobs, before, after), nil
	}
	line, err := check()
	if serr := r.stop(); err == nil && serr != nil {
		err = serr
	}
	if err != nil {
		s.t.Errorf("attack: socket mode: many members at once: %v\nits log:\n%s", err, r.logs)
		return
	}
	a.lines = append(a.lines, "socket mode: many members at once: "+line)
}
