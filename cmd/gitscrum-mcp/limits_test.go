package main_test

import (
	"bufio"
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
)

// gatedEmulator serves the emulator with demo data behind a gate: until it opens,
// each request says so on entered and waits.
func gatedEmulator(t *testing.T) (url string, entered <-chan struct{}, open func()) {
	t.Helper()
	emu := emulator.New(emulator.WithDemoData())
	in := make(chan struct{}, 100)
	gate := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in <- struct{}{}
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
		emu.ServeHTTP(w, r)
	}))
	var opened bool
	open = func() {
		if !opened {
			opened = true
			close(gate)
		}
	}
	t.Cleanup(func() {
		open()
		ts.Close()
	})
	return ts.URL, in, open
}

// TestHTTPBounds runs the binary with one slot: while a tool call holds it, the
// next request waits --queue-wait, then gets 503 with Retry-After and a body saying the server is busy,
// /healthz still answers and /metrics counts the refusal; a body declared over
// 256 KiB gets 413 before it is sent.
func TestHTTPBounds(t *testing.T) {
	upstreamURL, entered, open := gatedEmulator(t)
	_, port, stderr := startHTTP(t, baseEnv("GITSCRUM_API_URL="+upstreamURL, "GITSCRUM_TOKEN="+emulator.DefaultToken,
		"GITSCRUM_COMPANY_SLUG=demo", "GITSCRUM_MAX_IN_FLIGHT=1"), "127.0.0.1:0", "--max-conns", "16", "--queue-wait", "300ms")
	base := "http://127.0.0.1:" + port
	assert.Contains(t, stderr.String(), "max_in_flight=1 max_queue=256 queue_wait=300ms max_conns=16 max_body_bytes=262144")

	c, err := httpMCPClient(t, base+"/mcp", "")
	require.NoError(t, err)
	held := make(chan bool, 1)
	go func() {
		res := callTool(t, c, "get_client", map[string]any{"client": emulator.DemoAcmeUUID})
		held <- res.IsError
	}()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		require.FailNow(t, "the tool call never reached GitScrum", stderr.String())
	}

	post := func(body string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, base+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		return resp
	}
	resp := post(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "1", resp.Header.Get("Retry-After"))
	var msg map[string]string
	require.NoError(t, json.Unmarshal(body, &msg))
	assert.Equal(t, "busy", msg["error"])
	assert.Equal(t, "The server is busy: this request waited 300ms for one of the 1 requests served at once to finish, and none did. Retry in 1 s.", msg["message"])

	code, _ := get(t, base+"/healthz")
	assert.Equal(t, http.StatusOK, code, "health answers while busy")
	assert.Contains(t, scrape(t, base), `gitscrum_bridge_http_refused_total{handler="mcp",reason="busy"} 1`)

	conn, err := net.Dial("tcp", "127.0.0.1:"+port)
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/json\r\nAuthorization: Bearer garbage\r\nContent-Length: %d\r\n\r\n{", port, 1<<20)
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	big, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "answered before the body was sent")
	require.NoError(t, json.NewDecoder(big.Body).Decode(&msg))
	_ = big.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, big.StatusCode)
	assert.Equal(t, "The request body is 1048576 bytes; this endpoint accepts at most 256 KiB (262144 bytes).", msg["message"])
	assert.Contains(t, scrape(t, base), `gitscrum_bridge_http_refused_total{handler="mcp",reason="too_large"} 1`)

	open()
	assert.False(t, <-held, "the held call succeeds")
	resp = post(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "served again once the slot is free")
}

// TestHTTPLimits runs the binary with a 1 s GitScrum timeout: a tool call held by a
// GitScrum that never answers is answered (the call timed out) on its connection,
// not cut by the server's write timeout; headers over the bound get 431; a client
// that never finishes its headers is disconnected after the header timeout.
func TestHTTPLimits(t *testing.T) {
	upstreamURL, entered, _ := gatedEmulator(t) // never opened: GitScrum hangs
	_, port, stderr := startHTTP(t, baseEnv("GITSCRUM_API_URL="+upstreamURL, "GITSCRUM_TOKEN="+emulator.DefaultToken,
		"GITSCRUM_COMPANY_SLUG=demo", "GITSCRUM_TIMEOUT=1s"), "127.0.0.1:0")
	addr := "127.0.0.1:" + port

	// A client that stops in the middle of its headers, started first: its clock
	// runs while the rest of the test does.
	slow, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer slow.Close()
	slowSince := time.Now()
	_, err = io.WriteString(slow, "POST /mcp HTTP/1.1\r\nHost: "+addr+"\r\n")
	require.NoError(t, err)

	c, err := httpMCPClient(t, "http://"+addr+"/mcp", "")
	require.NoError(t, err)
	start := time.Now()
	res := callTool(t, c, "get_client", map[string]any{"client": emulator.DemoAcmeUUID})
	select {
	case <-entered:
	default:
		require.FailNow(t, "the tool call never reached GitScrum", stderr.String())
	}
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), "GitScrum did not answer in time", "the answer of a call GitScrum held is written, not cut")
	assert.GreaterOrEqual(t, time.Since(start), time.Second, "the call was held for GitScrum's timeout")

	big, err := http.NewRequest(http.MethodGet, "http://"+addr+"/healthz", nil)
	require.NoError(t, err)
	big.Header.Set("X-Padding", strings.Repeat("a", httpserver.MaxHeaderBytes+8<<10))
	resp, err := http.DefaultClient.Do(big)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode, "headers over %d bytes", httpserver.MaxHeaderBytes)

	require.NoError(t, slow.SetReadDeadline(slowSince.Add(httpserver.ReadHeaderTimeout+5*time.Second)))
	n, err := slow.Read(make([]byte, 1))
	assert.Zero(t, n)
	require.ErrorIs(t, err, io.EOF, "the server closed the connection of unfinished headers (not the test's deadline)")
	assert.GreaterOrEqual(t, time.Since(slowSince), httpserver.ReadHeaderTimeout-time.Second, "closed by the header timeout")
}
