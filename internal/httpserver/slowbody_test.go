package httpserver_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
)

// echoGuarded serves g in front of a handler that answers the body it reads, on a
// real server with the binaries' limits; it returns the address and the
// refusals' reasons so far.
func echoGuarded(t *testing.T, g httpserver.Guard) (string, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var reasons []string
	g.OnRefuse = func(r string) {
		mu.Lock()
		defer mu.Unlock()
		reasons = append(reasons, r)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = httpserver.ForSlowest(time.Second).Server(g.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusTeapot)
			return
		}
		fmt.Fprintf(w, "%d:%s", r.ContentLength, body)
	})), nil)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts.Listener.Addr().String(), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), reasons...)
	}
}

// slowPost opens a connection and sends a POST's headers declaring size bytes,
// then only the first byte of its body.
func slowPost(t *testing.T, addr string, size int) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = fmt.Fprintf(c, "POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", size)
	require.NoError(t, err)
	return c
}

// TestGuardSlowBodiesHoldNothing: bodies that trickle in hold no slot and no
// place in the queue, so a legitimate request is served while they stall; each
// is answered 408 once its body deadline passes (issue 14: 70 slow connections
// took every slot, before any authentication, for the 30 s read timeout).
func TestGuardSlowBodiesHoldNothing(t *testing.T) {
	const slow = 6
	addr, refusals := echoGuarded(t, httpserver.Guard{MaxInFlight: 2, MaxQueue: -1, MaxBody: 1 << 10, BodyTimeout: 500 * time.Millisecond})
	began := time.Now()
	var conns []net.Conn
	for range slow {
		conns = append(conns, slowPost(t, addr, 100))
	}
	time.Sleep(50 * time.Millisecond) // let the server start reading them

	resp, err := http.Post("http://"+addr+"/mcp", "application/json", strings.NewReader(`{"a":1}`))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "served while %d bodies stall: %s", slow, body)
	assert.Equal(t, `7:{"a":1}`, string(body), "the handler reads the whole body from memory, with its length")
	assert.Less(t, time.Since(began), 450*time.Millisecond, "served before the slow bodies' deadline")

	for i, c := range conns {
		require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		require.NoError(t, err, "slow body %d answered within 5 s", i)
		raw, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
		assert.True(t, resp.Close, "the connection is closed after a 408")
		var msg struct{ Error, Message string }
		require.NoError(t, json.Unmarshal(raw, &msg), "%s", raw)
		assert.Equal(t, "request_timeout", msg.Error)
		assert.Equal(t, "The request body did not arrive within 500ms; send it at once, as soon as the headers.", msg.Message)
	}
	assert.GreaterOrEqual(t, time.Since(began), 500*time.Millisecond, "408 only after the deadline")
	assert.Equal(t, slices(httpserver.RefusedSlowBody, slow), refusals())
}

func slices(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// TestGuardReadsBodies: the guard reads the body before the handler runs and
// gives it the same bytes with their length, chunked or not; a chunked body past
// MaxBody is 413, and one whose buffer would take the bodies held past their
// memory budget is 503, neither reaching the handler; a body's buffers are given
// back to the budget once its request ends. (The first 4 KiB of each body are not
// charged: small requests are never refused for the budget.)
func TestGuardReadsBodies(t *testing.T) {
	addr, refusals := echoGuarded(t, httpserver.Guard{MaxInFlight: 4, MaxBody: 8 << 10, MaxBuffered: 20 << 10})
	post := func(body string, chunked bool) (int, string) {
		var rd io.Reader = strings.NewReader(body)
		if chunked {
			rd = io.MultiReader(rd)
		}
		resp, err := http.Post("http://"+addr+"/mcp", "application/json", rd)
		require.NoError(t, err)
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(got)
	}
	var stalled []net.Conn
	cases := []struct {
		name    string
		before  func()
		body    string
		chunked bool
		status  int
		want    string
		reason  string
	}{
		{name: "declared", body: "hello", status: 200, want: "5:hello"},
		{name: "chunked", body: "hello", chunked: true, status: 200, want: "5:hello"},
		{name: "chunked, past the first buffer", body: strings.Repeat("c", 6000), chunked: true, status: 200, want: "6000:" + strings.Repeat("c", 6000)},
		{name: "chunked past MaxBody", body: strings.Repeat("x", 9<<10), chunked: true, status: 413,
			want: "The request body is over 8 KiB (8192 bytes), the most this endpoint accepts.", reason: httpserver.RefusedTooLarge},
		{name: "past the budget", body: strings.Repeat("y", 8000), status: 503,
			before: func() {
				// Two bodies past their first buffer (8,001 bytes charged each),
				// held while the rest is awaited.
				for range 2 {
					c := slowPost(t, addr, 8000)
					_, err := io.WriteString(c, strings.Repeat("s", 5000))
					require.NoError(t, err)
					stalled = append(stalled, c)
				}
				time.Sleep(100 * time.Millisecond)
			},
			want: "The server is busy: it holds at most 20 KiB (20480 bytes) of request bodies at once, and they are all taken. Retry in 1 s.", reason: httpserver.RefusedBusy},
		{name: "small bodies pass anyway", body: strings.Repeat("m", 4000), status: 200, want: "4000:" + strings.Repeat("m", 4000)},
		{name: "the budget given back", body: strings.Repeat("z", 8000), status: 200, want: "8000:" + strings.Repeat("z", 8000),
			before: func() {
				for _, c := range stalled {
					require.NoError(t, c.Close())
				}
				time.Sleep(100 * time.Millisecond)
			}},
	}
	var want []string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.before != nil {
				tc.before()
			}
			status, got := post(tc.body, tc.chunked)
			assert.Equal(t, tc.status, status, got)
			assert.Contains(t, got, tc.want)
			if tc.reason != "" {
				want = append(want, tc.reason)
			}
			assert.Equal(t, want, refusals())
		})
	}
}
