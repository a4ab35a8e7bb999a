package soak

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/syncbuf"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// The Socket Mode steps of the attack phase: one per way Slack (or a member
// through Slack) broke the Socket Mode connection before issue 14, each against
// a fake Slack on loopback, each with its bound asserted. They run the attack's
// bot over Socket Mode with short timeouts, so that they take seconds.

// socketWait bounds every wait of these steps.
const socketWait = 15 * time.Second

// socketLimits are the attack's Socket Mode limits: short timeouts and backoff.
func socketLimits() slackbot.SocketLimits {
	return slackbot.SocketLimits{
		WriteTimeout: time.Second, PingInterval: 200 * time.Millisecond, PongTimeout: 2 * time.Second,
		MessageTimeout: 300 * time.Millisecond, MinBackoff: 50 * time.Millisecond, MaxBackoff: 400 * time.Millisecond,
		StableAfter: 5 * time.Second, MaxAuthFailures: 3, UserBurst: 10, UserRate: 1,
	}
}

// fakeSocketSlack is Slack's side of Socket Mode: apps.connections.open answers
// as open says (a URL when it returns false), and connection n (from 1) is
// served by conn, or by serve when conn returns false.
type fakeSocketSlack struct {
	srv  *httptest.Server
	open func(n int, w http.ResponseWriter) bool
	conn func(n int, ws *websocket.Conn) bool

	out  chan []byte          // envelopes to send on the serving connection
	acks chan json.RawMessage // acknowledgements read on it

	mu           sync.Mutex
	opens, conns int
}

func newFakeSocketSlack() *fakeSocketSlack {
	f := &fakeSocketSlack{out: make(chan []byte, 4096), acks: make(chan json.RawMessage, 4096)}
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.opens++
		n := f.opens
		f.mu.Unlock()
		if f.open != nil && f.open(n, w) {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws://" + r.Host + "/link"})
	})
	mux.HandleFunc("/link", func(w http.ResponseWriter, r *http.Request) {
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		f.mu.Lock()
		f.conns++
		n := f.conns
		f.mu.Unlock()
		if f.conn != nil && f.conn(n, ws) {
			return
		}
		f.serve(ws)
	})
	f.srv = httptest.NewServer(mux)
	return f
}

// counts returns how many opens and connections there were.
func (f *fakeSocketSlack) counts() (opens, conns int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.opens, f.conns
}

// serve says hello, sends what comes on out and reads acknowledgements.
func (f *fakeSocketSlack) serve(ws *websocket.Conn) {
	if ws.WriteJSON(map[string]any{"type": "hello"}) != nil {
		return
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case m := <-f.out:
				if ws.WriteMessage(websocket.TextMessage, m) != nil {
					return
				}
			case <-done:
				return
			}
		}
	}()
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		f.acks <- data
	}
}

// commandEnvelope is /gitscrum text by user as envelope id.
func commandEnvelope(id, text, user string) []byte {
	b, _ := json.Marshal(map[string]any{"envelope_id": id, "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"team_id": "T0TEAM001", "channel_id": "C0CHANNEL1", "user_id": user, "command": slackbot.DefaultCommand,
			"text": text, "response_url": "", "trigger_id": "1.2.3"}})
	return b
}

// socketRun is the attack's bot running over Socket Mode against a fake Slack.
type socketRun struct {
	a    *attack
	f    *fakeSocketSlack
	logs *syncbuf.Buffer
	stop func() error // ends the run and returns its error
}

// runSocket runs the attack's bot against f until stop.
func (a *attack) runSocket(f *fakeSocketSlack, limits slackbot.SocketLimits) *socketRun {
	return a.runSocketBot(a.bot, f, limits)
}

// runSocketBot runs bot against f until stop.
func (a *attack) runSocketBot(bot *slackbot.Bot, f *fakeSocketSlack, limits slackbot.SocketLimits) *socketRun {
	logs := &syncbuf.Buffer{}
	client, err := slackbot.NewSocketClient("xapp-1-soak", "xoxb-soak", slog.New(slog.NewTextHandler(logs, nil)),
		slack.OptionAPIURL(f.srv.URL+"/api/"))
	if err != nil {
		a.s.t.Fatal(err)
	}
	client.Limits = limits
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bot.RunSocketMode(ctx, client) }()
	return &socketRun{a: a, f: f, logs: logs, stop: func() error {
		cancel()
		defer f.srv.Close()
		select {
		case err := <-done:
			return err
		case <-time.After(socketWait):
			return fmt.Errorf("RunSocketMode did not return within %s of its context's end", socketWait)
		}
	}}
}

// command sends one command on the serving connection and returns the text of
// its acknowledgement, or an error when none came.
func (r *socketRun) command(id, text, user string) (string, error) {
	r.f.out <- commandEnvelope(id, text, user)
	deadline := time.After(socketWait)
	for {
		select {
		case raw := <-r.f.acks:
			var ack struct {
				EnvelopeID string          `json:"envelope_id"`
				Payload    json.RawMessage `json:"payload"`
			}
			if json.Unmarshal(raw, &ack) == nil && ack.EnvelopeID == id {
				return string(ack.Payload), nil
			}
		case <-deadline:
			return "", fmt.Errorf("no acknowledgement of %s within %s", id, socketWait)
		}
	}
}

// waitConns waits until the fake accepted n connections.
func (r *socketRun) waitConns(n int) bool {
	deadline := time.Now().Add(socketWait)
	for time.Now().Before(deadline) {
		if _, c := r.f.counts(); c >= n {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// socketStep runs one step: conn serves the first connection (or, returning
// false, leaves it to serve); check asserts the bound on the run, returning the
// line for the summary, or an error.
func (a *attack) socketStep(name string, f *fakeSocketSlack, check func(r *socketRun) (string, error)) {
	a.socketStepWith(name, f, socketLimits(), check)
}

// socketStepWith is socketStep with limits.
func (a *attack) socketStepWith(name string, f *fakeSocketSlack, limits slackbot.SocketLimits, check func(r *socketRun) (string, error)) {
	r := a.runSocket(f, limits)
	line, err := check(r)
	if serr := r.stop(); err == nil && serr != nil {
		err = serr
	}
	if err != nil {
		a.s.t.Errorf("attack: socket mode: %s: %v\nits log:\n%s", name, err, r.logs)
		return
	}
	a.lines = append(a.lines, "socket mode: "+name+": "+line)
}

// answeredOnNext checks that a connection after the first answers a command.
func answeredOnNext(r *socketRun, why string) (string, error) {
	if !r.waitConns(2) {
		return "", fmt.Errorf("%s: no new connection within %s", why, socketWait)
	}
	text, err := r.command("after", "help", attackWriter)
	if err != nil {
		return "", err
	}
	if !strings.Contains(text, "list [query]") {
		return "", fmt.Errorf("the new connection answered %.200s", text)
	}
	opens, conns := r.f.counts()
	return fmt.Sprintf("%s; reconnected and answered (%d opens, %d connections)", why, opens, conns), nil
}

// socketMode runs the Socket Mode steps.
func (a *attack) socketMode() {
	// 1. A stalled write: Slack stops reading while envelopes keep coming.
	f := newFakeSocketSlack()
	f.conn = func(n int, ws *websocket.Conn) bool {
		if n > 1 {
			return false
		}
		_ = ws.NetConn().(*net.TCPConn).SetReadBuffer(4096)
		if ws.WriteJSON(map[string]any{"type": "hello"}) != nil {
			return true
		}
		for i := 0; ; i++ {
			if ws.WriteMessage(websocket.TextMessage, commandEnvelope(fmt.Sprintf("stall-%d", i), "help", fmt.Sprintf("U0STALL%04d", i))) != nil {
				return true
			}
			// Once the bot gave up on this connection and opened another, stop:
			// a connection the bot closed while its own writes were stuck (this
			// side reads nothing) may linger in the kernel and take writes.
			if _, conns := f.counts(); conns > 1 {
				return true
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	a.socketStep("stalled writes", f, func(r *socketRun) (string, error) {
		return answeredOnNext(r, "Slack stopped reading; a write or the pongs failed")
	})

	// 2. A reconnect storm: every connection ends right after hello.
	f = newFakeSocketSlack()
	f.conn = func(n int, ws *websocket.Conn) bool {
		_ = ws.WriteJSON(map[string]any{"type": "hello"})
		_ = ws.WriteJSON(map[string]any{"type": "disconnect", "reason": "refresh_requested"})
		return true
	}
	a.socketStep("reconnect storm", f, func(r *socketRun) (string, error) {
		const watch = 2 * time.Second
		time.Sleep(watch)
		opens, _ := r.f.counts()
		// 50, 100, 200, 400, 400… ms at least between opens: at most 8 in 2 s.
		if opens > 8 {
			return "", fmt.Errorf("%d calls to apps.connections.open in %s, over the backoff's 8", opens, watch)
		}
		if n := strings.Count(r.logs.String(), "keeps ending connections"); n != 1 {
			return "", fmt.Errorf("the storm logged %d times, not once", n)
		}
		return fmt.Sprintf("%d opens in %s (bound 8), logged once", opens, watch), nil
	})

	// 3. One member floods cheap envelopes; another is answered.
	f = newFakeSocketSlack()
	a.socketStep("one member's flood", f, func(r *socketRun) (string, error) {
		const flood = 2000
		limits := socketLimits()
		var answered, slowed int
		start := time.Now()
		caused := a.countUpstream(func() {
			for i := range flood {
				f.out <- commandEnvelope(fmt.Sprintf("flood-%d", i), "help", "U0FLOODER")
			}
			for range flood {
				select {
				case raw := <-f.acks:
					if strings.Contains(string(raw), "Slow down") {
						slowed++
					} else {
						answered++
					}
				case <-time.After(socketWait):
				}
			}
		})
		elapsed := time.Since(start)
		if bound := limits.UserBurst + int(limits.UserRate*elapsed.Seconds()) + 1; answered > bound || answered+slowed != flood {
			return "", fmt.Errorf("of %d envelopes from one member in %s, %d answered (bound %d) and %d slowed down", flood, elapsed, answered, bound, slowed)
		}
		text, err := r.command("other", "help", attackWriter)
		if err != nil {
			return "", err
		}
		if !strings.Contains(text, "list [query]") {
			return "", fmt.Errorf("another member got %.200s", text)
		}
		return fmt.Sprintf("%d envelopes from one member in %s: %d answered, %d slowed down, %d GitScrum requests; another member answered",
			flood, elapsed.Round(time.Millisecond), answered, slowed, caused), nil
	})

	// 4. No read limit: a 100 MiB frame, then a 2 MiB message.
	for _, huge := range []struct {
		name string
		send func(ws *websocket.Conn) error
	}{
		{"a 100 MiB frame", func(ws *websocket.Conn) error {
			hdr := []byte{0x81, 127, 0, 0, 0, 0, 0, 0, 0, 0}
			binary.BigEndian.PutUint64(hdr[2:], 100<<20)
			_, err := ws.NetConn().Write(hdr)
			return err
		}},
		{"a 2 MiB message", func(ws *websocket.Conn) error {
			return ws.WriteMessage(websocket.TextMessage, commandEnvelope("huge", strings.Repeat("x", 2<<20), attackWriter))
		}},
	} {
		f = newFakeSocketSlack()
		f.conn = func(n int, ws *websocket.Conn) bool {
			if n > 1 {
				return false
			}
			if ws.WriteJSON(map[string]any{"type": "hello"}) == nil && huge.send(ws) == nil {
				_, _, _ = ws.ReadMessage()
			}
			return true
		}
		before := heap()
		a.socketStep(huge.name, f, func(r *socketRun) (string, error) {
			line, err := answeredOnNext(r, "closed at the read limit of "+fmt.Sprint(slackbot.DefaultSocketReadLimit)+" bytes")
			if grew := int64(heap()) - int64(before); err == nil && grew > 64<<20 {
				err = fmt.Errorf("the heap grew by %s", mib(uint64(grew)))
			}
			return line, err
		})
	}

	// 5. Unbounded work: many members at once (socketManyMembers).
	a.socketManyMembers()

	// 6. An unfinished fragmented message, pings still flowing.
	f = newFakeSocketSlack()
	f.conn = func(n int, ws *websocket.Conn) bool {
		if n > 1 {
			return false
		}
		_ = ws.WriteJSON(map[string]any{"type": "hello"})
		raw := ws.NetConn()
		if _, err := raw.Write(append([]byte{0x01, 5}, `{"typ`...)); err != nil {
			return true
		}
		for {
			if _, err := raw.Write([]byte{0x89, 0}); err != nil {
				return true
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	a.socketStep("an unfinished message", f, func(r *socketRun) (string, error) {
		return answeredOnNext(r, "closed at the message deadline though pings flowed")
	})

	// 7. A response_url that answers 200 after the post timeout: one post.
	a.slowResponseURL()

	// 8. apps.connections.open answers 404 three times.
	f = newFakeSocketSlack()
	f.open = func(n int, w http.ResponseWriter) bool {
		if n > 3 {
			return false
		}
		http.NotFound(w, nil)
		return true
	}
	a.socketStep("apps.connections.open 404s", f, func(r *socketRun) (string, error) {
		if !r.waitConns(1) {
			return "", fmt.Errorf("no connection within %s after three 404s", socketWait)
		}
		text, err := r.command("after-404", "help", attackWriter)
		if err == nil && !strings.Contains(text, "list [query]") {
			err = fmt.Errorf("answered %.200s", text)
		}
		return "three 404s retried with the backoff; connected and answered", err
	})
}

// slowResponseURL: a response_url that takes each post and answers after the
// post timeout gets the answer once (before: 4 times in 40 s).
func (a *attack) slowResponseURL() {
	var posts atomic.Int32
	release := make(chan struct{})
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		select {
		case <-release:
		case <-time.After(socketWait):
		}
	}))
	defer hook.Close()
	defer close(release)
	delivered := make(chan slackbot.Outcome, 1)
	bot, err := slackbot.New(slackbot.Config{
		Client: a.s.newClient(a.s.botToken, &a.upstream), Workspace: attackWorkspace, SigningSecret: a.s.secret,
		InlineBudget: 10 * time.Millisecond, PostTimeout: 200 * time.Millisecond, DeliveryTimeout: 5 * time.Second,
		ResponseURLPrefixes: []string{hook.URL + "/"},
		OnOutcome: func(o slackbot.Outcome) {
			if o.DeliveryErr != nil {
				delivered <- o
			}
		},
	})
	if err != nil {
		a.s.t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), socketWait)
		defer cancel()
		_ = bot.Close(ctx)
	}()
	f := newFakeSocketSlack()
	client, err := slackbot.NewSocketClient("xapp-1-soak", "xoxb-soak", nil, slack.OptionAPIURL(f.srv.URL+"/api/"))
	if err != nil {
		a.s.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bot.RunSocketMode(ctx, client) }()
	defer func() {
		cancel()
		<-done
		f.srv.Close()
	}()
	b, _ := json.Marshal(map[string]any{"envelope_id": "slow-url", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"team_id": "T0TEAM001", "user_id": attackWriter, "command": slackbot.DefaultCommand,
			"text": "show bulk 00002", "response_url": hook.URL + "/commands/x", "trigger_id": "1.2.3"}})
	a.s.emu.SetLatency(100 * time.Millisecond)
	defer a.s.emu.SetLatency(0)
	f.out <- b
	select {
	case o := <-delivered:
		if n := posts.Load(); n != 1 {
			a.s.t.Errorf("attack: socket mode: a slow response_url got %d posts of one answer, not 1 (%v)", n, o.DeliveryErr)
			return
		}
		a.lines = append(a.lines, "socket mode: a response_url answering after the post timeout: 1 post, reported as lost")
	case <-time.After(socketWait):
		a.s.t.Errorf("attack: socket mode: no outcome of the slow response_url's delivery within %s (%d posts)", socketWait, posts.Load())
	}
}
