package socketmode

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Why a connection ended, besides a read or write error.
var (
	errNoPong  = errors.New("no pong from Slack")
	errStopped = errors.New("stopped")
)

// DisconnectError is Slack's disconnect message: it is about to close the
// connection, which is then opened again.
type DisconnectError struct {
	// Reason is Slack's reason: warning, refresh_requested, link_disabled, ….
	Reason string
}

// Error names the reason.
func (e *DisconnectError) Error() string { return "Slack asked to reconnect: " + e.Reason }

// conn is one WebSocket connection to Slack. The first failure of any of its
// parts (a read, a write, a missing pong) closes it, and every later write
// fails at once.
type conn struct {
	ws   *websocket.Conn
	opts *Options
	log  *slog.Logger

	wmu sync.Mutex // serialises data writes and our pings

	once sync.Once
	done chan struct{}
	err  error // why it closed; set before done closes

	lastPong  atomic.Int64 // Unix nanoseconds
	inMessage bool         // a message is being read; used by the reading goroutine only
}

// newConn wraps ws.
func newConn(ws *websocket.Conn, opts *Options, log *slog.Logger) *conn {
	cn := &conn{ws: ws, opts: opts, log: log, done: make(chan struct{})}
	cn.lastPong.Store(time.Now().UnixNano())
	return cn
}

// fail closes the connection for err, once.
func (cn *conn) fail(err error) {
	cn.once.Do(func() {
		cn.err = err
		close(cn.done)
		_ = cn.ws.Close()
	})
}

// stop closes the connection politely: a close frame, then the socket.
func (cn *conn) stop() {
	_ = cn.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	cn.fail(errStopped)
}

// cause returns why the connection closed, or nil while it is open.
func (cn *conn) cause() error {
	select {
	case <-cn.done:
		return cn.err
	default:
		return nil
	}
}

// write sends one text message within the write timeout. A failed write closes
// the connection: gorilla/websocket fails every write after one that failed, so
// a connection that lost a write is dead even if it still reads.
func (cn *conn) write(data []byte) error {
	cn.wmu.Lock()
	defer cn.wmu.Unlock()
	if err := cn.cause(); err != nil {
		return fmt.Errorf("socket mode: the connection closed (%w)", err)
	}
	if err := cn.ws.SetWriteDeadline(time.Now().Add(cn.opts.WriteTimeout)); err != nil {
		cn.fail(fmt.Errorf("write: %w", err))
		return fmt.Errorf("socket mode: write: %w", err)
	}
	if err := cn.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		cn.fail(fmt.Errorf("write: %w", err))
		return fmt.Errorf("socket mode: write: %w", err)
	}
	return nil
}

// ping pings Slack every PingInterval and closes the connection when no pong
// came for PongTimeout, until the connection closes.
func (cn *conn) ping() {
	t := time.NewTicker(cn.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-cn.done:
			return
		case now := <-t.C:
			if since := now.Sub(time.Unix(0, cn.lastPong.Load())); since > cn.opts.PongTimeout {
				cn.fail(fmt.Errorf("%w for %s", errNoPong, since.Round(time.Millisecond)))
				return
			}
			if !cn.wmu.TryLock() {
				continue // a write is under way: it fails on its own if Slack stopped reading
			}
			err := cn.ws.WriteControl(websocket.PingMessage, nil, now.Add(cn.opts.WriteTimeout))
			cn.wmu.Unlock()
			if err != nil {
				cn.fail(fmt.Errorf("write a ping: %w", err))
				return
			}
		}
	}
}

// alive pushes the read deadline back when a frame arrives between messages.
// Within a message only the message's own deadline counts: pings must not keep
// alive a message that never ends.
func (cn *conn) alive() {
	if !cn.inMessage {
		_ = cn.ws.SetReadDeadline(time.Now().Add(cn.opts.PongTimeout))
	}
}

// read reads messages until the connection fails, handing each envelope to
// handle on this goroutine. It returns why it stopped.
func (cn *conn) read(handle func(*Envelope)) error {
	cn.ws.SetReadLimit(cn.opts.ReadLimit)
	cn.ws.SetPingHandler(func(data string) error {
		cn.alive()
		err := cn.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(cn.opts.WriteTimeout))
		if err != nil && !errors.Is(err, websocket.ErrCloseSent) {
			return fmt.Errorf("answer a ping: %w", err)
		}
		return nil
	})
	cn.ws.SetPongHandler(func(string) error {
		cn.lastPong.Store(time.Now().UnixNano())
		cn.alive()
		return nil
	})
	for {
		cn.inMessage = false
		if err := cn.ws.SetReadDeadline(time.Now().Add(cn.opts.PongTimeout)); err != nil {
			return fmt.Errorf("read: %w", err)
		}
		_, r, err := cn.ws.NextReader()
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		cn.inMessage = true
		if err := cn.ws.SetReadDeadline(time.Now().Add(cn.opts.MessageTimeout)); err != nil {
			return fmt.Errorf("read: %w", err)
		}
		data, err := io.ReadAll(r)
		switch {
		case errors.Is(err, websocket.ErrReadLimit):
			return fmt.Errorf("read: a message over the read limit of %d bytes: %w", cn.opts.ReadLimit, err)
		case err != nil:
			return fmt.Errorf("read a message (within %s): %w", cn.opts.MessageTimeout, err)
		}
		if err := cn.dispatch(data, handle); err != nil {
			return err
		}
	}
}

// message is any message from Slack.
type message struct {
	Type                   string          `json:"type"`
	EnvelopeID             string          `json:"envelope_id"`
	Reason                 string          `json:"reason"`
	Payload                json.RawMessage `json:"payload"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           int             `json:"retry_attempt"`
	RetryReason            string          `json:"retry_reason"`
}

// dispatch reads one message: an envelope goes to handle; a disconnect message
// ends the connection.
func (cn *conn) dispatch(data []byte, handle func(*Envelope)) error {
	var m message
	if err := json.Unmarshal(data, &m); err != nil {
		cn.log.Warn("socket mode: a message that is not JSON; ignored", "bytes", len(data), "error", err)
		return nil
	}
	switch {
	case m.Type == "hello":
		cn.log.Debug("socket mode: hello")
	case m.Type == "disconnect":
		return &DisconnectError{Reason: m.Reason}
	case m.EnvelopeID != "":
		handle(&Envelope{ID: m.EnvelopeID, Type: m.Type, Payload: m.Payload, AcceptsResponsePayload: m.AcceptsResponsePayload,
			RetryAttempt: m.RetryAttempt, RetryReason: m.RetryReason, conn: cn})
	default:
		cn.log.Debug("socket mode: message ignored", "type", m.Type)
	}
	return nil
}
