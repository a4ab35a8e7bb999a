// Package slackbench fires signed /gitscrum slash commands (and Events API
// mentions) over real loopback HTTP at the Slack handler, backed by the GitScrum
// emulator with a set latency, and measures how fast each is acknowledged and when
// deferred answers reach their response_url (or, for a mention, when its thread
// reply reaches the Web API's chat.postMessage). bench/slackload and bench/suite
// share it.
package slackbench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// secret signs the load's requests.
const secret = "bench-signing-secret-0123456789ab"

// SlackLimit is how long Slack waits for an answer.
const SlackLimit = 3 * time.Second

// finalsTimeout bounds the wait for the deferred answers of one run.
const finalsTimeout = 60 * time.Second

// Scenario is one kind of command, or of interactivity payload, at one emulator
// latency.
type Scenario struct {
	Name    string
	Text    string
	Latency time.Duration
	// Interaction, when set, sends interactivity payloads instead of commands:
	// InteractShare (a click on a card's Share) or InteractCreate (a "New client"
	// modal submitted). Each is acknowledged, then answered through the Web API;
	// Finals time those answers.
	Interaction string
	// event sends app_mention events asking for Text instead (see RunEvents).
	event bool
}

// Interactivity payloads of the load.
const (
	// InteractShare is block_actions: Share on a client's card (the card is
	// fetched afresh, then posted with chat.postMessage).
	InteractShare = "share"
	// InteractCreate is view_submission of the "New client" modal (a duplicate
	// check, a create, then chat.postEphemeral); slower than the inline budget it
	// is acknowledged with a "Saving…" view.
	InteractCreate = "create"
)

// benchWriter is the Slack user allowed to write in the load.
const benchWriter = "U0BENCHW1"

// Result is what one run of a scenario measured.
type Result struct {
	Scenario
	// Acks are the times until the HTTP answer, per command, sorted.
	Acks []time.Duration
	// Finals are the times until the response_url post, per deferred command, sorted.
	Finals []time.Duration
	// Inline and Deferred count the commands by how they were acknowledged; Failed
	// counts those whose acknowledgement failed plus the deferred ones whose answer
	// never reached the response_url.
	Inline, Deferred, Failed int
	// Over3s counts acknowledgements that took SlackLimit or more.
	Over3s int
	// Wall is from the first command to the last answer.
	Wall time.Duration
	// RSS and HWM are this process's resident set and its peak after the run, bytes.
	RSS, HWM int64
	// HeapInuse after the run, bytes.
	HeapInuse uint64
	// GoroutinesMax is the most goroutines seen during the run (sampled).
	GoroutinesMax int
}

// Rig is the system under load: emulator, bot over HTTP, response_url sink.
type Rig struct {
	emu         *emulator.Server
	botURL      string
	eventsURL   string
	interactURL string
	sink        *sink
	client      *http.Client
	runs        atomic.Int64
	close       func()
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
		key := r.URL.Path
		if r.URL.Path == "/api/chat.postMessage" || r.URL.Path == "/api/chat.postEphemeral" {
			// Slack's Web API: a mention's reply, a shared card or a created
			// client's card, keyed by its channel.
			_ = r.ParseForm()
			key = "channel:" + r.PostForm.Get("channel")
		}
		_, _ = io.Copy(io.Discard, r.Body)
		s.mu.Lock()
		s.posts[key] = time.Now()
		s.cond.Broadcast()
		s.mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"ok":true,"ts":"1700000000.000100","message_ts":"1700000000.000100","view":{"id":"V0BENCH01"}}`)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	return s
}

// wait waits until every path has a post, or the timeout passes, and returns the
// arrival times found.
func (s *sink) wait(paths []string, timeout time.Duration) map[string]time.Time {
	deadline := time.Now().Add(timeout)
	wake := time.AfterFunc(timeout, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer wake.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		missing := 0
		for _, p := range paths {
			if _, ok := s.posts[p]; !ok {
				missing++
			}
		}
		if missing == 0 || !time.Now().Before(deadline) {
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

// NewRig starts the emulator (demo data), the bot's HTTP handler and the sink (which
// also plays Slack's Web API), each on a loopback listener of this process. opts
// apply to the bot's gitscrum client (e.g. gitscrum.WithCacheTTL(0) for no list
// cache).
func NewRig(opts ...gitscrum.Option) (*Rig, error) {
	emu := emulator.New(emulator.WithDemoData())
	emu.SetLogLimit(1000)
	emuSrv := httptest.NewServer(emu)
	client, err := gitscrum.New(append([]gitscrum.Option{gitscrum.WithBaseURL(emuSrv.URL), gitscrum.WithToken(emulator.DefaultToken)}, opts...)...)
	if err != nil {
		emuSrv.Close()
		return nil, err
	}
	s := newSink()
	bot, err := slackbot.New(slackbot.Config{
		Client: client, Workspace: emulator.DemoWorkspace, SigningSecret: secret,
		ResponseURLPrefixes: []string{s.srv.URL + "/hooks/"}, // the sink stands in for Slack
		BotToken:            "xoxb-bench", APIURL: s.srv.URL + "/api/", WriteUsers: []string{benchWriter},
	})
	if err != nil {
		s.srv.Close()
		emuSrv.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.srv.Close()
		emuSrv.Close()
		return nil, err
	}
	srv := &http.Server{Handler: bot.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 15 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 32 << 10}
	go func() { _ = srv.Serve(ln) }()
	tr := &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, IdleConnTimeout: 30 * time.Second}
	return &Rig{
		emu: emu, botURL: "http://" + ln.Addr().String() + slackbot.CommandsPath, sink: s,
		eventsURL:   "http://" + ln.Addr().String() + slackbot.EventsPath,
		interactURL: "http://" + ln.Addr().String() + slackbot.InteractivityPath,
		client:      &http.Client{Transport: tr, Timeout: 30 * time.Second},
		close: func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
			_ = bot.Close(ctx)
			tr.CloseIdleConnections()
			s.srv.Close()
			emuSrv.Close()
		},
	}, nil
}

// Close stops the bot (letting deferred answers finish, up to 30 s) and the servers.
func (r *Rig) Close() { r.close() }

// Emulator is the rig's emulator, to add clients or change its page size. Run sets
// its latency.
func (r *Rig) Emulator() *emulator.Server { return r.emu }

// request builds the signed request of command i of a run.
func (r *Rig) request(run int64, i int, text string) (*http.Request, string) {
	path := fmt.Sprintf("/hooks/%d/%d", run, i)
	body := url.Values{
		"token": {"x"}, "team_id": {"T0BENCH01"}, "channel_id": {"C0BENCH01"},
		"user_id": {fmt.Sprintf("U0LOAD%04d", i%10000)}, "command": {"/gitscrum"}, "text": {text},
		"response_url": {r.sink.srv.URL + path}, "trigger_id": {"1.2.3"},
	}.Encode()
	req, _ := http.NewRequest(http.MethodPost, r.botURL, strings.NewReader(body))
	slackbottest.SignRequest(req, secret, body, time.Now())
	return req, path
}

// interaction builds the signed interactivity request i of a run, and the key
// under which the Web API sink notes its answer (each one in its own channel).
func (r *Rig) interaction(run int64, i int, kind string) (*http.Request, string) {
	channel := fmt.Sprintf("C%dB%06d", run, i)
	var payload map[string]any
	switch kind {
	case InteractCreate:
		meta, _ := json.Marshal(map[string]string{"w": emulator.DemoWorkspace, "c": channel, "u": benchWriter})
		payload = map[string]any{
			"type": "view_submission", "user": map[string]any{"id": benchWriter}, "team": map[string]any{"id": "T0BENCH01"},
			"view": map[string]any{"id": "V0BENCH01", "callback_id": slackbot.ViewCreate, "private_metadata": string(meta),
				"title": map[string]any{"type": "plain_text", "text": "New client"},
				"state": map[string]any{"values": map[string]any{
					"f_name":  map[string]any{"v": map[string]any{"type": "plain_text_input", "value": fmt.Sprintf("Bench Client %d-%d", run, i)}},
					"f_email": map[string]any{"v": map[string]any{"type": "email_text_input", "value": fmt.Sprintf("c%d-%d@bench.example", run, i)}},
				}}},
		}
	default:
		payload = map[string]any{
			"type": "block_actions", "user": map[string]any{"id": fmt.Sprintf("U0LOAD%04d", i%10000)}, "team": map[string]any{"id": "T0BENCH01"},
			"channel": map[string]any{"id": channel}, "trigger_id": "1.2.3",
			"actions": []any{map[string]any{"type": "button", "action_id": slackbot.ActionShare, "block_id": "gitscrum_card_actions",
				"value": fmt.Sprintf(`{"w":%q,"id":"5b1e7c9a-3d2f-4a6b-8c1d-0e9f8a7b6c51"}`, emulator.DemoWorkspace)}},
		}
	}
	raw, _ := json.Marshal(payload)
	body := url.Values{"payload": {string(raw)}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, r.interactURL, strings.NewReader(body))
	slackbottest.SignRequest(req, secret, body, time.Now())
	return req, "channel:" + channel
}

// Run fires rounds batches of n commands: the n of a batch at once, the next batch
// when every command of the previous one has been acknowledged. Then it waits (up
// to a minute) for every deferred answer, and measures. n*rounds commands in all.
func (r *Rig) Run(n, rounds int, sc Scenario) Result {
	run := r.runs.Add(1)
	r.emu.SetLatency(sc.Latency)
	total := n * max(rounds, 1)
	res := Result{Scenario: sc, Acks: make([]time.Duration, total)}
	type sent struct {
		path     string
		start    time.Time
		deferred bool
	}
	sents := make([]sent, total)
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
	begin := time.Now()
	for round := range max(rounds, 1) {
		reqs := make([]*http.Request, n)
		for j := range n {
			switch {
			case sc.event:
				reqs[j], sents[round*n+j].path = r.eventRequest(run, round*n+j, sc.Text)
				continue
			case sc.Interaction != "":
				reqs[j], sents[round*n+j].path = r.interaction(run, round*n+j, sc.Interaction)
				continue
			}
			reqs[j], sents[round*n+j].path = r.request(run, round*n+j, sc.Text)
		}
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for j := range n {
			i := round*n + j
			wg.Go(func() {
				<-gate
				start := time.Now()
				sents[i].start = start
				resp, err := r.client.Do(reqs[j])
				if err != nil {
					failed.Add(1)
					res.Acks[i] = time.Since(start)
					return
				}
				if sc.Interaction != "" || sc.event { // answered later through the Web API
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					res.Acks[i] = time.Since(start)
					if err != nil || resp.StatusCode != http.StatusOK {
						failed.Add(1)
						return
					}
					sents[i].deferred = true
					return
				}
				var msg slack.WebhookMessage
				err = json.NewDecoder(resp.Body).Decode(&msg)
				resp.Body.Close()
				res.Acks[i] = time.Since(start)
				if err != nil || resp.StatusCode != http.StatusOK {
					failed.Add(1)
					return
				}
				sents[i].deferred = strings.Contains(msg.Text, "…") &&
					(strings.HasPrefix(msg.Text, "Looking up") || strings.HasPrefix(msg.Text, "Searching"))
			})
		}
		close(gate)
		wg.Wait()
	}
	var paths []string
	for _, s := range sents {
		if s.deferred {
			paths = append(paths, s.path)
		}
	}
	arrivals := r.sink.wait(paths, finalsTimeout)
	res.Wall = time.Since(begin)
	close(stopG)
	ackFailed, lost := int(failed.Load()), 0
	for _, s := range sents {
		if !s.deferred {
			continue
		}
		if at, ok := arrivals[s.path]; ok {
			res.Finals = append(res.Finals, at.Sub(s.start))
		} else {
			lost++
		}
	}
	res.Deferred = len(paths)
	res.Failed = ackFailed + lost
	res.Inline = total - res.Deferred - ackFailed
	for _, a := range res.Acks {
		if a >= SlackLimit {
			res.Over3s++
		}
	}
	res.Acks, res.Finals = stats.Sorted(res.Acks), stats.Sorted(res.Finals)
	res.RSS, res.HWM = stats.SelfMem()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.HeapInuse = ms.HeapInuse
	res.GoroutinesMax = int(peakG.Load())
	return res
}

// eventRequest builds the signed Events API request of mention i of a run: text
// mentioning the bot in a channel of its own, whose reply the sink keys by it.
func (r *Rig) eventRequest(run int64, i int, text string) (*http.Request, string) {
	channel := fmt.Sprintf("C0B%dX%d", run, i)
	body, _ := json.Marshal(map[string]any{
		"type": "event_callback", "team_id": "T0BENCH01", "event_id": fmt.Sprintf("EvB%dX%d", run, i),
		"authorizations": []any{map[string]any{"user_id": "U0BENCHBOT", "is_bot": true}},
		"event": map[string]any{"type": "app_mention", "user": fmt.Sprintf("U0LOAD%04d", i%10000),
			"text": "<@U0BENCHBOT> " + text, "channel": channel, "ts": "1700000000.000100"},
	})
	req, _ := http.NewRequest(http.MethodPost, r.eventsURL, strings.NewReader(string(body)))
	slackbottest.SignRequest(req, secret, string(body), time.Now())
	req.Header.Set("Content-Type", "application/json")
	return req, "channel:" + channel
}

// RunEvents fires rounds batches of n app_mention events asking for sc.Text, as
// Run fires commands, and measures their acknowledgements (Acks: Slack wants a 200
// within 3 s) and the thread replies' arrival at chat.postMessage (Finals). Every
// event is answered in the background, so all of them count as Deferred.
func (r *Rig) RunEvents(n, rounds int, sc Scenario) Result {
	sc.event = true
	return r.Run(n, rounds, sc)
}
