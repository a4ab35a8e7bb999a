package tools

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/gitscrum-bridge/gitscrum-bridge/tools/internal/mcpfix"
)

// drainPoll is how often a stopping stdio server looks at its unanswered requests.
const drainPoll = 5 * time.Millisecond

// RunStdio serves s over stdio (one JSON-RPC message per line on in and out) until
// in ends or ctx is done. When ctx is done it stops reading further requests, waits
// up to grace for every request already read to be answered, then returns nil. Only
// one stdio server may run in a process at a time (mcp-go keeps its stdio session
// in a package variable).
func RunStdio(ctx context.Context, s *server.MCPServer, in io.Reader, out io.Writer, grace time.Duration, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var pending atomic.Int64
	gate := &stdinGate{r: bufio.NewReaderSize(in, 64<<10), pending: &pending, grace: grace, released: make(chan struct{})}
	// mcp-go's answers to failed reads are rewritten on their way out (see mcpfix).
	listenBase, fixed := mcpfix.Stdio(context.WithoutCancel(ctx), out)
	w := &stdoutCounter{w: fixed, pending: &pending}

	stdio := server.NewStdioServer(s)
	stdio.SetErrorLogger(slog.NewLogLogger(logger.Handler(), slog.LevelError))
	// The server's own context is not ctx: cancelling it cancels in-flight calls,
	// which must first get their chance to finish.
	listenCtx, cancel := context.WithCancel(listenBase)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- stdio.Listen(listenCtx, gate, w) }()

	select {
	case err := <-errc:
		if err != nil && !errors.Is(err, context.Canceled) {
			return fmt.Errorf("serve stdio: %w", err)
		}
		return nil
	case <-ctx.Done():
	}
	gate.stop()
	logger.Info("shutting down: reading no new requests; waiting for in-flight calls", "in_flight", pending.Load(), "grace", grace)
	if !waitIdle(&pending, grace, errc) {
		logger.Warn("in-flight calls did not finish in time; canceling them", "in_flight", pending.Load(), "grace", grace)
	}
	cancel()
	close(gate.released)
	if err := <-errc; err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("serve stdio: %w", err)
	}
	return nil
}

// waitIdle waits until every request read has been answered, for at most grace, or
// until done delivers (its value is put back). It reports whether all were answered.
func waitIdle(pending *atomic.Int64, grace time.Duration, done chan error) bool {
	deadline := time.NewTimer(grace)
	defer deadline.Stop()
	tick := time.NewTicker(drainPoll)
	defer tick.Stop()
	for pending.Load() > 0 {
		select {
		case <-deadline.C:
			return false
		case err := <-done: // a nil channel never delivers
			done <- err
			return false
		case <-tick.C:
		}
	}
	return true
}

// stdinGate hands the stdio server whole lines from the input, counts the requests
// among them, and once stopped hands out nothing more: requests that arrive after a
// shutdown began are never read.
type stdinGate struct {
	r        *bufio.Reader
	pending  *atomic.Int64
	grace    time.Duration
	stopped  atomic.Bool
	released chan struct{} // closed when the server is torn down
	line     []byte        // the rest of the line being handed out
	err      error         // the read error to return after line
}

func (g *stdinGate) stop() { g.stopped.Store(true) }

// Read implements io.Reader. The stdio server reads from one goroutine at a time, so
// the gate needs no lock.
func (g *stdinGate) Read(p []byte) (int, error) {
	for len(g.line) == 0 {
		if g.err != nil {
			if g.err == io.EOF {
				// The client closed its end: answer what it already sent (within
				// grace) before the server sees the end, which cancels calls.
				waitIdle(g.pending, g.grace, nil)
			}
			return 0, g.err
		}
		line, err := g.r.ReadBytes('\n')
		if g.stopped.Load() {
			// Shutting down: leave this line unanswered and wait to be torn down.
			<-g.released
			return 0, io.EOF
		}
		if isRequest(line) {
			g.pending.Add(1)
		}
		g.line, g.err = line, err
	}
	n := copy(p, g.line)
	g.line = g.line[n:]
	return n, nil
}

// stdoutCounter passes the server's output through and counts the responses it
// writes. mcp-go writes each message with a single Write.
type stdoutCounter struct {
	w       io.Writer
	pending *atomic.Int64
}

// Write implements io.Writer.
func (c *stdoutCounter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if isResponse(p) {
		c.pending.Add(-1)
	}
	return n, err
}

// messageKind reads the top-level keys of a JSON-RPC message up to the first that
// tells its kind: whether it has a non-null id, and whether it is a request
// (method) or a response (result or error). It stops before the payload, so a large
// result costs nothing to classify.
func messageKind(msg []byte) (hasID, isReq, isResp bool) {
	dec := json.NewDecoder(bytes.NewReader(msg))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false, false, false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false, false, false
		}
		key, _ := t.(string)
		switch key {
		case "method":
			isReq = true
		case "result", "error":
			isResp = true
		}
		if (isReq || isResp) && hasID {
			return
		}
		var v json.RawMessage
		if key == "id" {
			if err := dec.Decode(&v); err != nil {
				return false, false, false
			}
			hasID = !bytes.Equal(bytes.TrimSpace(v), []byte("null"))
			if isReq || isResp {
				return
			}
			continue
		}
		if err := dec.Decode(&v); err != nil {
			return
		}
	}
	return
}

// isRequest reports whether a line from the client is a request (it expects an
// answer).
func isRequest(line []byte) bool {
	hasID, isReq, _ := messageKind(line)
	return hasID && isReq
}

// isResponse reports whether a message to the client answers one of its requests.
func isResponse(msg []byte) bool {
	hasID, isReq, isResp := messageKind(msg)
	return hasID && isResp && !isReq
}
