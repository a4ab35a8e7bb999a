package socketmode_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/syncbuf"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/internal/socketmode"
)

// fakeSlack plays Slack on loopback: apps.connections.open answers as open says
// (a URL by default), and each WebSocket connection is served by conn, given its
// number from 1.
type fakeSlack struct {
	t    *testing.T
	srv  *httptest.Server
	open func(n int, w http.ResponseWriter) bool // answers the n-th open; false: hand out the URL
	conn func(n int, ws *websocket.Conn)

	mu     sync.Mutex
	opens  []time.Time
	conns  int
	connCh chan int // the number of each connection accepted
}

func newFakeSlack(t *testing.T, conn func(n int, ws *websocket.Conn)) *fakeSlack {
	f := &fakeSlack{t: t, conn: conn, connCh: make(chan int, 1000)}
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.opens = append(f.opens, time.Now())
		n := len(f.opens)
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
		f.connCh <- n
		f.conn(n, ws)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// openTimes returns when apps.connections.open was called.
func (f *fakeSlack) openTimes() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.opens...)
}

// waitConn waits for connection n to be accepted.
func (f *fakeSlack) waitConn(n int, within time.Duration, why string) {
	f.t.Helper()
	deadline := time.After(within)
	for {
		select {
		case got := <-f.connCh:
			if got >= n {
				return
			}
		case <-deadline:
			require.FailNow(f.t, "connection not opened", "connection %d within %s: %s", n, within, why)
		}
	}
}

// run runs a Client against f with opts until the test ends, handing envelopes
// to handle; it returns Run's result channel and the log.
func (f *fakeSlack) run(opts socketmode.Options, handle func(*socketmode.Envelope)) (<-chan error, *syncbuf.Buffer) {
	logs := &syncbuf.Buffer{}
	api := slack.New("", slack.OptionAppLevelToken("xapp-test"), slack.OptionAPIURL(f.srv.URL+"/api/"))
	c := socketmode.New(api, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), opts)
	ctx, cancel := context.WithCancel(context.Background())
	done, finished := make(chan error, 1), make(chan struct{})
	go func() {
		defer close(finished)
		done <- c.Run(ctx, handle)
	}()
	f.t.Cleanup(func() {
		cancel()
		select {
		case <-finished:
		case <-time.After(10 * time.Second):
			f.t.Error("Run did not return after its context ended")
		}
	})
	return done, logs
}

// hello says hello on ws.
func hello(ws *websocket.Conn) error {
	return ws.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
}

// envelope is a slash_commands envelope of id.
func envelope(id string) map[string]any {
	return map[string]any{"envelope_id": id, "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"command": "/gitscrum", "text": "help", "user_id": "U1", "team_id": "T1"}}
}

// serveAcks says hello, sends the envelope named after the connection
// ("env-<n>"), and sends every acknowledgement it reads to acks, until the
// connection ends. It answers pings (gorilla/websocket does while reading).
func serveAcks(acks chan<- string) func(n int, ws *websocket.Conn) {
	return func(n int, ws *websocket.Conn) {
		if hello(ws) != nil || ws.WriteJSON(envelope(envID(n))) != nil {
			return
		}
		for {
			var a struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if ws.ReadJSON(&a) != nil {
				return
			}
			acks <- a.EnvelopeID
		}
	}
}

// envID names the envelope of connection n.
func envID(n int) string { return "env-" + string(rune('0'+n%10)) }

// ackAll acknowledges every envelope in the background, as the receiver does.
func ackAll(e *socketmode.Envelope) { go func() { _ = e.Ack(nil) }() }

// waitAck waits for the acknowledgement of id.
func waitAck(t *testing.T, acks <-chan string, id string, within time.Duration, why string) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case got := <-acks:
			if got == id {
				return
			}
		case <-deadline:
			require.FailNow(t, "no acknowledgement", "%s within %s: %s", id, within, why)
		}
	}
}
