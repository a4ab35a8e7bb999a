package tools_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// stdioPeer drives RunStdio over pipes, as a client process would.
type stdioPeer struct {
	in    *io.PipeWriter
	lines chan map[string]any
	done  chan error
	log   *syncBuffer
}

// syncBuffer is a log destination that tests may read while it is written.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eventually waits up to 5 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func startStdio(t *testing.T, ctx context.Context, e *env) *stdioPeer {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	p := &stdioPeer{in: inW, lines: make(chan map[string]any, 16), done: make(chan error, 1), log: &syncBuffer{}}
	logger := slog.New(slog.NewTextHandler(p.log, nil))
	go func() {
		err := tools.RunStdio(ctx, e.srv, inR, outW, 5*time.Second, logger)
		_ = outW.Close()
		p.done <- err
	}()
	go func() {
		sc := bufio.NewScanner(outR)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				p.lines <- m
			}
		}
		close(p.lines)
	}()
	t.Cleanup(func() { _ = inW.Close() })
	p.send(t, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pipe","version":"1"}}}`)
	require.EqualValues(t, 1, p.next(t)["id"])
	p.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return p
}

func (p *stdioPeer) send(t *testing.T, line string) {
	t.Helper()
	_, err := io.WriteString(p.in, line+"\n")
	require.NoError(t, err)
}

func (p *stdioPeer) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case m, ok := <-p.lines:
		require.True(t, ok, "the server closed its output")
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no answer")
	}
	return nil
}

func slowGet(id int) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_client","arguments":{"client":%q}}}`, id, emulator.DemoAcmeUUID)
}

// TestRunStdioDrainsOnShutdown: when the context ends, a call in flight is still
// answered, a request sent afterwards is not read, and RunStdio returns nil.
func TestRunStdioDrainsOnShutdown(t *testing.T) {
	e := newEnv(t)
	e.emu.SetLatency(300 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	p := startStdio(t, ctx, e)

	p.send(t, slowGet(2))
	eventually(t, "the call to reach GitScrum", func() bool { return len(e.emu.Requests()) > 0 })
	cancel()
	eventually(t, "the shutdown to begin", func() bool { return strings.Contains(p.log.String(), "shutting down") })
	p.send(t, `{"jsonrpc":"2.0","id":3,"method":"tools/list"}`)

	m := p.next(t)
	assert.EqualValues(t, 2, m["id"])
	assert.Contains(t, fmt.Sprint(m["result"]), "Acme Corp")
	select {
	case err := <-p.done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("RunStdio did not return")
	}
	for m := range p.lines {
		t.Errorf("unexpected message after shutdown: %v", m)
	}
}

// TestRunStdioAnswersBeforeEOF: a client that sends a request and closes its end
// still gets the answer.
func TestRunStdioAnswersBeforeEOF(t *testing.T) {
	e := newEnv(t)
	e.emu.SetLatency(200 * time.Millisecond)
	p := startStdio(t, context.Background(), e)
	p.send(t, slowGet(2))
	require.NoError(t, p.in.Close())
	m := p.next(t)
	assert.EqualValues(t, 2, m["id"])
	assert.NotContains(t, fmt.Sprint(m["result"]), "canceled")
	assert.Contains(t, fmt.Sprint(m["result"]), "Acme Corp")
	require.NoError(t, <-p.done)
}
