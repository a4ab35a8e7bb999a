package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// gatedEmulator serves the emulator with demo data behind a gate: while closed,
// each request says so on entered and waits for the gate to open.
type gatedEmulator struct {
	url     string
	emu     *emulator.Server
	entered chan struct{}
	open    chan struct{}
}

func newGatedEmulator(t *testing.T) *gatedEmulator {
	t.Helper()
	g := &gatedEmulator{emu: emulator.New(emulator.WithDemoData()), entered: make(chan struct{}, 100), open: make(chan struct{})}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.entered <- struct{}{}
		select {
		case <-g.open:
		case <-r.Context().Done():
			return
		}
		g.emu.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		g.release()
		ts.Close()
	})
	g.url = ts.URL
	return g
}

func (g *gatedEmulator) release() {
	select {
	case <-g.open:
	default:
		close(g.open)
	}
}

// serveInProcess runs the binary's run in HTTP mode with args and env and returns
// its address and logs; it stops when the test ends.
func serveInProcess(t *testing.T, vars map[string]string, args ...string) (string, *syncBuffer) {
	t.Helper()
	addrc := make(chan string, 1)
	listening = func(addr string) { addrc <- addr }
	t.Cleanup(func() { listening = nil })
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), env(vars), io.Discard, logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-exit:
		case <-time.After(30 * time.Second):
			t.Error("did not stop")
		}
	})
	select {
	case addr := <-addrc:
		return addr, logs
	case <-time.After(10 * time.Second):
		require.FailNow(t, "not listening", logs.String())
	}
	return "", nil
}

// TestHTTPBounds runs the bot over real HTTP with one slot: while a command holds
// it, the next waits 1 s (--queue-wait's default here), then gets 503 with
// Retry-After and a body saying the server is busy, /healthz still answers,
// /metrics counts the refusal; a declared body over 64 KiB gets 413 before it is
// sent.
func TestHTTPBounds(t *testing.T) {
	g := newGatedEmulator(t)
	addr, logs := serveInProcess(t, map[string]string{
		"SLACK_SIGNING_SECRET": testSecret, "GITSCRUM_TOKEN": emulator.DefaultToken,
		"GITSCRUM_API_URL": g.url, "GITSCRUM_COMPANY_SLUG": emulator.DemoWorkspace, "GITSCRUM_MAX_CONNS": "16",
	}, "--max-in-flight", "1")
	assert.Contains(t, logs.String(), "max_in_flight=1 max_queue=256 queue_wait=1s max_conns=16 max_body_bytes=65536")

	held := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(signed(t, addr, "list", "U0READER1"))
		if err != nil {
			held <- 0
			return
		}
		_ = resp.Body.Close()
		held <- resp.StatusCode
	}()
	select {
	case <-g.entered:
	case <-time.After(10 * time.Second):
		require.FailNow(t, "the first command never reached GitScrum", logs.String())
	}

	resp, err := http.DefaultClient.Do(signed(t, addr, "list", "U0READER1"))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "1", resp.Header.Get("Retry-After"))
	assert.Contains(t, string(body), "The server is busy: this request waited 1s for one of the 1 requests served at once to finish, and none did.")

	resp, err = http.Get("http://" + addr + "/healthz")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "health answers while busy")
	resp, err = http.Get("http://" + addr + "/metrics")
	require.NoError(t, err)
	metricsBody, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Contains(t, string(metricsBody), `gitscrum_bridge_http_refused_total{handler="slack",reason="busy"} 1`)

	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = fmt.Fprintf(c, "POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", 1<<20)
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	big, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err, "answered before the body was sent")
	var msg map[string]string
	require.NoError(t, json.NewDecoder(big.Body).Decode(&msg))
	_ = big.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, big.StatusCode)
	assert.Contains(t, msg["message"], "at most 64 KiB")

	g.release()
	assert.Equal(t, http.StatusOK, <-held)
	// Another command: the same one signed in the same second would be a replay.
	resp, err = http.DefaultClient.Do(signed(t, addr, "help", "U0READER1"))
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "served again once the slot is free")
}

// TestLogLevelFromEnv: GITSCRUM_LOG_LEVEL sets the level as --log-level does.
func TestLogLevelFromEnv(t *testing.T) {
	_, logs := serveInProcess(t, map[string]string{"SLACK_SIGNING_SECRET": testSecret, "GITSCRUM_LOG_LEVEL": "warn"}, "--sandbox")
	out := logs.String()
	assert.Contains(t, out, "level=WARN", "warnings are logged")
	assert.NotContains(t, out, "level=INFO", "info is not")

	var errOut strings.Builder
	assert.Equal(t, 2, run(context.Background(), []string{"--sandbox"},
		env(map[string]string{"SLACK_SIGNING_SECRET": testSecret, "GITSCRUM_LOG_LEVEL": "loud"}), io.Discard, &errOut))
	assert.Contains(t, errOut.String(), `GITSCRUM_LOG_LEVEL="loud": want debug, info, warn or error`)
}

// TestSlackHTTPLimits: the server's limits, as the running binary applies them. A
// command held by a slow GitScrum is answered (acknowledged) after the bot's inline
// budget, not cut by the write timeout; headers over the bound get 431; a client
// that never finishes its headers is disconnected after the header timeout.
func TestSlackHTTPLimits(t *testing.T) {
	g := newGatedEmulator(t)
	addr, logs := serveInProcess(t, map[string]string{
		"SLACK_SIGNING_SECRET": testSecret, "GITSCRUM_TOKEN": emulator.DefaultToken,
		"GITSCRUM_API_URL": g.url, "GITSCRUM_COMPANY_SLUG": emulator.DemoWorkspace,
	})

	// A client that stops in the middle of its headers, started first: its clock
	// runs while the rest of the test does.
	slow, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer slow.Close()
	slowSince := time.Now()
	_, err = io.WriteString(slow, "POST /slack/commands HTTP/1.1\r\nHost: x\r\n")
	require.NoError(t, err)

	start := time.Now()
	resp, err := http.DefaultClient.Do(signed(t, addr, "list", "U0READER1"))
	require.NoError(t, err, "the acknowledgement after the inline budget is written, not cut: %s", logs.String())
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.NotEmpty(t, body)
	assert.GreaterOrEqual(t, time.Since(start), slackbot.DefaultInlineBudget, "the command was held past the inline budget")
	g.release()

	big, err := http.NewRequest(http.MethodGet, "http://"+addr+"/healthz", nil)
	require.NoError(t, err)
	big.Header.Set("X-Padding", strings.Repeat("a", httpserver.MaxHeaderBytes+8<<10))
	resp, err = http.DefaultClient.Do(big)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode, "headers over %d bytes", httpserver.MaxHeaderBytes)

	require.NoError(t, slow.SetReadDeadline(slowSince.Add(httpserver.ReadHeaderTimeout+5*time.Second)))
	n, err := slow.Read(make([]byte, 1))
	assert.Zero(t, n)
	require.ErrorIs(t, err, io.EOF, "the server closed the connection of unfinished headers (not the test's deadline)")
	assert.GreaterOrEqual(t, time.Since(slowSince), httpserver.ReadHeaderTimeout-time.Second, "closed by the header timeout")
}
