package socketmode_test

import (
	"context"
	"encoding/binary"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/internal/socketmode"
)

// fast are options that make a test of seconds; each test sets what it tests.
func fast() socketmode.Options {
	return socketmode.Options{
		WriteTimeout: 200 * time.Millisecond, PingInterval: time.Minute, PongTimeout: time.Minute,
		MessageTimeout: time.Minute, MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		StableAfter: time.Minute, OpenTimeout: 5 * time.Second,
	}
}

// TestSocketModeAnswers: hello, an envelope, its acknowledgement with a
// payload; an acknowledgement too large for Slack is refused unsent.
func TestSocketModeAnswers(t *testing.T) {
	t.Parallel()
	got := make(chan map[string]any, 1)
	f := newFakeSlack(t, func(n int, ws *websocket.Conn) {
		if hello(ws) != nil || ws.WriteJSON(envelope("env-1")) != nil {
			return
		}
		var a map[string]any
		if ws.ReadJSON(&a) == nil {
			got <- a
		}
		_, _, _ = ws.ReadMessage()
	})
	tooLarge := make(chan error, 1)
	f.run(fast(), func(e *socketmode.Envelope) {
		go func() {
			assert.Equal(t, "slash_commands", e.Type)
			assert.Contains(t, string(e.Payload), `"text":"help"`)
			tooLarge <- e.Ack(strings.Repeat("x", socketmode.MaxAckBytes))
			_ = e.Ack(map[string]string{"text": "hi"})
		}()
	})
	select {
	case a := <-got:
		assert.Equal(t, map[string]any{"envelope_id": "env-1", "payload": map[string]any{"text": "hi"}}, a)
	case <-time.After(10 * time.Second):
		require.FailNow(t, "no acknowledgement within 10s")
	}
	require.ErrorIs(t, <-tooLarge, socketmode.ErrAckTooLarge)
}

// TestSocketModeStalledWriteReconnects: Slack stops reading, an
// acknowledgement's write hits its deadline, and the connection, dead for
// writing though it still reads, is closed and opened again: the envelope of
// the next connection is acknowledged. (Pongs are not what saves it here: the
// pong timeout is a minute.)
func TestSocketModeStalledWriteReconnects(t *testing.T) {
	t.Parallel()
	acks := make(chan string, 100)
	f := newFakeSlack(t, func(n int, ws *websocket.Conn) {
		if n > 1 {
			serveAcks(acks)(n, ws)
			return
		}
		// The first connection never reads, with a tiny receive buffer; it keeps
		// sending envelopes, which the client acknowledges with large payloads.
		_ = ws.NetConn().(*net.TCPConn).SetReadBuffer(4096)
		if hello(ws) != nil {
			return
		}
		for i := 0; ; i++ {
			if ws.WriteJSON(envelope("stalled")) != nil {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	opts := fast()
	opts.Dialer = &websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetWriteBuffer(4096)
		}
		return c, err
	}}
	big := strings.Repeat("x", 15_000)
	_, logs := f.run(opts, func(e *socketmode.Envelope) {
		go func() { _ = e.Ack(map[string]string{"text": big}) }()
	})
	f.waitConn(2, 10*time.Second, "a failed write closes the connection and a new one is opened")
	waitAck(t, acks, envID(2), 10*time.Second, "the new connection answers")
	assert.Contains(t, logs.String(), "write", "the log says why the connection ended")
}

// TestSocketModeNoPongReconnects: Slack keeps pinging but reads nothing, so our
// pings get no pong: the connection is closed after the pong timeout and opened
// again.
func TestSocketModeNoPongReconnects(t *testing.T) {
	t.Parallel()
	acks := make(chan string, 100)
	f := newFakeSlack(t, func(n int, ws *websocket.Conn) {
		if n > 1 {
			serveAcks(acks)(n, ws)
			return
		}
		if hello(ws) != nil {
			return
		}
		for { // pings flow, nothing is read: no pong ever goes back
			if ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second)) != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	opts := fast()
	opts.PingInterval, opts.PongTimeout = 50*time.Millisecond, 300*time.Millisecond
	_, logs := f.run(opts, ackAll)
	f.waitConn(2, 10*time.Second, "no pong closes the connection")
	waitAck(t, acks, envID(2), 10*time.Second, "the new connection answers")
	assert.Contains(t, logs.String(), "no pong")
}

// TestSocketModeUnfinishedMessage: Slack sends the first fragment of a message
// and never the rest, while pings keep flowing: the message's own deadline
// closes the connection, which is opened again.
func TestSocketModeUnfinishedMessage(t *testing.T) {
	t.Parallel()
	acks := make(chan string, 100)
	f := newFakeSlack(t, func(n int, ws *websocket.Conn) {
		if n > 1 {
			serveAcks(acks)(n, ws)
			return
		}
		if hello(ws) != nil {
			return
		}
		raw := ws.NetConn()
		// A text frame without FIN: a message begun, never finished.
		if _, err := raw.Write(append([]byte{0x01, 5}, `{"typ`...)); err != nil {
			return
		}
		for { // pings (FIN, opcode 9, empty) keep coming
			if _, err := raw.Write([]byte{0x89, 0}); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	opts := fast()
	opts.MessageTimeout = 300 * time.Millisecond
	_, logs := f.run(opts, ackAll)
	f.waitConn(2, 5*time.Second, "the unfinished message times out although pings flow")
	waitAck(t, acks, envID(2), 10*time.Second, "the new connection answers")
	assert.Contains(t, logs.String(), "read a message")
}

// TestSocketModeReadLimit: a message over the read limit, whether one huge frame
// (only its header is sent: it is refused from its length) or a whole message
// just over it, closes the connection without being read or handed on.
func TestSocketModeReadLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		send func(ws *websocket.Conn) error
	}{
		{name: "a 100 MiB frame header", send: func(ws *websocket.Conn) error {
			hdr := []byte{0x81, 127, 0, 0, 0, 0, 0, 0, 0, 0}
			binary.BigEndian.PutUint64(hdr[2:], 100<<20)
			_, err := ws.NetConn().Write(append(hdr, `{"envelope_id":"huge"`...))
			return err
		}},
		{name: "a message over the limit", send: func(ws *websocket.Conn) error {
			env := envelope("huge")
			env["payload"] = map[string]any{"text": strings.Repeat("x", 80<<10)}
			return ws.WriteJSON(env)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			acks := make(chan string, 100)
			f := newFakeSlack(t, func(n int, ws *websocket.Conn) {
				if n > 1 {
					serveAcks(acks)(n, ws)
					return
				}
				if hello(ws) != nil || tc.send(ws) != nil {
					return
				}
				_, _, _ = ws.ReadMessage()
			})
			var huge atomic.Int32
			opts := fast()
			opts.ReadLimit = 64 << 10
			_, logs := f.run(opts, func(e *socketmode.Envelope) {
				if e.ID == "huge" {
					huge.Add(1)
				}
				ackAll(e)
			})
			f.waitConn(2, 10*time.Second, "a message over the limit closes the connection")
			waitAck(t, acks, envID(2), 10*time.Second, "the new connection answers")
			assert.Zero(t, huge.Load(), "the message over the limit is never handed on")
			assert.Contains(t, logs.String(), "read limit")
		})
	}
}

// TestSocketModeReconnectStorm: Slack ends every connection right after hello,
// by a disconnect message, a clean close or a reset. The client opens again with
// a rising backoff, not in a loop, and logs the storm as a warning once.
func TestSocketModeReconnectStorm(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		end  func(ws *websocket.Conn)
	}{
		{name: "disconnect message", end: func(ws *websocket.Conn) {
			_ = ws.WriteJSON(map[string]any{"type": "disconnect", "reason": "refresh_requested"})
			_, _, _ = ws.ReadMessage()
		}},
		{name: "clean close", end: func(ws *websocket.Conn) {
			_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		}},
		{name: "reset", end: func(ws *websocket.Conn) {
			_ = ws.NetConn().(*net.TCPConn).SetLinger(0)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeSlack(t, func(n int, ws *websocket.Conn) {
				if hello(ws) == nil {
					tc.end(ws)
				}
			})
			opts := fast()
			opts.MinBackoff, opts.MaxBackoff = 100*time.Millisecond, 400*time.Millisecond
			_, logs := f.run(opts, ackAll)
			f.waitConn(6, 10*time.Second, "the client keeps connecting")
			opens := f.openTimes()
			for i := 1; i < len(opens); i++ {
				assert.GreaterOrEqual(t, opens[i].Sub(opens[i-1]), opts.MinBackoff, "open %d came %s after the one before", i+1, opens[i].Sub(opens[i-1]))
			}
			// 100, 200, 400, 400, 400 ms at least: the fifth wait is no shorter than the first three.
			assert.GreaterOrEqual(t, opens[5].Sub(opens[0]), 1500*time.Millisecond, "the backoff rises")
			assert.Equal(t, 1, strings.Count(logs.String(), "keeps ending connections"), "the storm is logged once:\n%s", logs)
		})
	}
}

// TestSocketModeStableResetsBackoff: a connection that stayed up StableAfter
// ends the storm (logged), and the backoff starts again from its first step.
func TestSocketModeStableResetsBackoff(t *testing.T) {
	t.Parallel()
	f := newFakeSlack(t, func(n int, ws *websocket.Conn) {
		if hello(ws) != nil {
			return
		}
		if n == 4 {
			time.Sleep(300 * time.Millisecond)
		}
	})
	opts := fast()
	opts.MinBackoff, opts.MaxBackoff, opts.StableAfter = 50*time.Millisecond, 50*time.Millisecond, 200*time.Millisecond
	_, logs := f.run(opts, ackAll)
	f.waitConn(5, 10*time.Second, "the client connects again")
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "stayed up again") }, 5*time.Second, 10*time.Millisecond,
		"the end of the storm is logged:\n%s", logs)
}

// TestSocketModeOpenFailures: a 404 (or 500, or a rate limit) from
// apps.connections.open is retried with the backoff; an app token refused
// fewer than MaxAuthFailures times in a row is retried too; refused that many
// times in a row, Run ends with the error.
func TestSocketModeOpenFailures(t *testing.T) {
	t.Parallel()
	refuse := func(status int, body string) func(w http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			if status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "0")
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
	notFound := refuse(http.StatusNotFound, "not found")
	invalidAuth := refuse(http.StatusOK, `{"ok":false,"error":"invalid_auth"}`)
	for _, tc := range []struct {
		name    string
		answers []func(w http.ResponseWriter) // the first opens; then a URL
		fails   bool
	}{
		{name: "a 404", answers: []func(http.ResponseWriter){notFound}},
		{name: "404s, 500s and a rate limit", answers: []func(http.ResponseWriter){notFound, refuse(500, "oops"), notFound,
			refuse(http.StatusTooManyRequests, ""), refuse(502, "")}},
		{name: "invalid_auth twice, then a 404, then invalid_auth twice", answers: []func(http.ResponseWriter){invalidAuth, invalidAuth, notFound, invalidAuth, invalidAuth}},
		{name: "invalid_auth three times", answers: []func(http.ResponseWriter){invalidAuth, invalidAuth, invalidAuth}, fails: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			acks := make(chan string, 100)
			f := newFakeSlack(t, serveAcks(acks))
			f.open = func(n int, w http.ResponseWriter) bool {
				if n <= len(tc.answers) {
					tc.answers[n-1](w)
					return true
				}
				return false
			}
			opts := fast()
			opts.MaxAuthFailures = 3
			done, _ := f.run(opts, ackAll)
			if tc.fails {
				select {
				case err := <-done:
					require.Error(t, err)
					assert.Contains(t, err.Error(), "invalid_auth")
					assert.Len(t, f.openTimes(), 3, "given up after three refusals in a row")
				case <-time.After(10 * time.Second):
					require.FailNow(t, "Run did not end after three refusals of the token")
				}
				return
			}
			waitAck(t, acks, envID(1), 10*time.Second, "connected after the failures")
			assert.Len(t, f.openTimes(), len(tc.answers)+1)
			select {
			case err := <-done:
				require.FailNow(t, "Run ended", "%v", err)
			default:
			}
		})
	}
}
