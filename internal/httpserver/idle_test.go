package httpserver_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
)

// keptAlive is a client connection that sent requests and keeps its connection.
type keptAlive struct {
	c net.Conn
	r *bufio.Reader
}

// dialGet connects to addr and sends GET path, without waiting for the answer.
func dialGet(t *testing.T, addr, path string) *keptAlive {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	k := &keptAlive{c: c, r: bufio.NewReader(c)}
	k.send(t, path)
	return k
}

func (k *keptAlive) send(t *testing.T, path string) {
	t.Helper()
	_, err := fmt.Fprintf(k.c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
	require.NoError(t, err)
}

// answer reads the next answer within d; it returns the status, or an error.
func (k *keptAlive) answer(d time.Duration) (int, error) {
	_ = k.c.SetReadDeadline(time.Now().Add(d))
	resp, err := http.ReadResponse(k.r, nil)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// TestLimitConnsClosesIdleFirst: with every connection open and idle after one
// request, a new connection is served: the one idle the longest is closed to make
// room once it has been idle IdleWhenFull, and the others stay open. Connections busy with a request are never
// closed; a new one waits for them. (Issue 14: 512 idle keep-alive connections
// made every new connection hang.)
func TestLimitConnsClosesIdleFirst(t *testing.T) {
	const n = 3
	busy := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-busy:
		case <-r.Context().Done():
		}
	})
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := inner.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- httpserver.Run(ctx, httpserver.LimitConns(inner, n), httpserver.ForSlowest(time.Second).Server(mux, nil), time.Second, nil)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("Run did not return")
		}
	})

	var idle []*keptAlive
	var firstIdle time.Time
	for i := range n {
		k := dialGet(t, addr, "/healthz")
		status, err := k.answer(5 * time.Second)
		require.NoError(t, err, "idle connection %d", i)
		require.Equal(t, http.StatusOK, status)
		if i == 0 {
			firstIdle = time.Now()
		}
		idle = append(idle, k)
		time.Sleep(20 * time.Millisecond) // so that they fell idle in order
	}

	fresh := dialGet(t, addr, "/healthz")
	status, err := fresh.answer(httpserver.IdleWhenFull + 2*time.Second)
	require.NoError(t, err, "a new connection is served while %d idle ones fill the bound", n)
	assert.Equal(t, http.StatusOK, status)
	assert.GreaterOrEqual(t, time.Since(firstIdle), httpserver.IdleWhenFull-50*time.Millisecond,
		"a connection idle for less than IdleWhenFull is left alone (its client may send its next request at once)")

	_, err = idle[0].answer(2 * time.Second)
	assert.True(t, errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF), "the longest idle connection was closed: %v", err)
	for i, k := range idle[1:] {
		k.send(t, "/healthz")
		status, err := k.answer(2 * time.Second)
		require.NoError(t, err, "idle connection %d stays open", i+1)
		assert.Equal(t, http.StatusOK, status)
	}

	// Every connection busy: a new one waits, and is served once one finishes.
	var held []*keptAlive
	for _, k := range append(idle[1:], fresh) {
		k.send(t, "/busy")
		held = append(held, k)
	}
	time.Sleep(100 * time.Millisecond) // let the requests start
	waiting := dialGet(t, addr, "/healthz")
	_, err = waiting.answer(300 * time.Millisecond)
	assert.True(t, errors.Is(err, os.ErrDeadlineExceeded), "no busy connection is closed for a new one: %v", err)
	close(busy)
	for _, k := range held {
		status, err := k.answer(2 * time.Second)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, status)
	}
	status, err = waiting.answer(httpserver.IdleWhenFull + 2*time.Second)
	require.NoError(t, err, "served once the busy connections fell idle")
	assert.Equal(t, http.StatusOK, status)
}
