package mcpfix_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/tools/internal/mcpfix"
)

// fixedServer is a bare server with the workarounds' hooks, whose template
// reads "gone" as missing, "twice" as invalid params with candidates, and
// anything else as found.
func fixedServer(hooks *server.Hooks) *server.MCPServer {
	mcpfix.AddHooks(hooks)
	return newServer(hooks, func(uri, name string) error {
		switch name {
		case "gone":
			return mcpfix.NotFound(uri, "no item gone")
		case "twice":
			return mcpfix.InvalidParams("two items <are> named twice", map[string][]string{"candidates": {"a", "b"}})
		}
		return nil
	})
}

// readCase is one read and the error it must be answered with (code 0: none).
type readCase struct {
	uri    string
	modern bool
	code   int
	data   string
}

var readCases = []readCase{
	{"test://items/gone", true, mcp.INVALID_PARAMS, `{"uri":"test://items/gone"}`},
	{"test://items/gone", false, mcp.RESOURCE_NOT_FOUND, `{"uri":"test://items/gone"}`},
	{"test://items/twice", true, mcp.INVALID_PARAMS, `{"candidates":["a","b"]}`},
	{"test://items/twice", false, mcp.INVALID_PARAMS, `{"candidates":["a","b"]}`},
	{"test://elsewhere", true, mcp.INVALID_PARAMS, `{"uri":"test://elsewhere"}`},
	{"test://elsewhere", false, mcp.RESOURCE_NOT_FOUND, `{"uri":"test://elsewhere"}`},
	{"test://items/here", true, 0, ""},
}

// check asserts that got answers c.
func (c readCase) check(t *testing.T, id int, got answer) {
	t.Helper()
	require.Equal(t, id, got.ID)
	if c.code == 0 {
		assert.Nil(t, got.Error, c.uri)
		assert.NotEmpty(t, got.Result, c.uri)
		return
	}
	require.NotNil(t, got.Error, "%s: %+v", c.uri, got)
	assert.Equal(t, c.code, got.Error.Code, c.uri)
	assert.JSONEq(t, c.data, string(got.Error.Data), c.uri)
	assert.NotEmpty(t, got.Error.Message, c.uri)
}

// TestReadErrorsOverStdio: through Stdio, a missing resource is -32602 (from
// 2026-07-28 on) or -32002 with its URI in data, InvalidParams is -32602 with
// its data and its message as written, and a read that works is untouched.
func TestReadErrorsOverStdio(t *testing.T) {
	s := fixedServer(&server.Hooks{})
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	ctx, w := mcpfix.Stdio(ctx, outW)
	done := make(chan error, 1)
	go func() { done <- server.NewStdioServer(s).Listen(ctx, inR, w) }()
	t.Cleanup(func() {
		cancel()
		_ = inW.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("the stdio server did not stop within 5 s")
		}
	})
	lines := make(chan []byte, 1)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			lines <- append([]byte(nil), sc.Bytes()...)
		}
		close(lines)
	}()
	for i, c := range readCases {
		_, err := io.WriteString(inW, readRequest(i, c.uri, c.modern)+"\n")
		require.NoError(t, err)
		var line []byte
		select {
		case line = <-lines:
		case <-time.After(5 * time.Second):
			t.Fatalf("no answer to %s within 5 s", c.uri)
		}
		var got answer
		require.NoError(t, json.Unmarshal(line, &got), "%s", line)
		c.check(t, i, got)
		if c.uri == "test://items/twice" {
			assert.Equal(t, "two items <are> named twice", got.Error.Message)
		}
	}
}

// TestReadErrorsOverHTTP: through HTTP the answers are those of stdio, and a
// -32602 answer is a 400.
func TestReadErrorsOverHTTP(t *testing.T) {
	s := fixedServer(&server.Hooks{})
	ts := httptest.NewServer(mcpfix.HTTP(server.NewStreamableHTTPServer(s, server.WithStateLess(true), server.WithDisableStreaming(true))))
	t.Cleanup(ts.Close)
	for i, c := range readCases {
		resp := post(t, ts.URL, "resources/read", c.uri, readRequest(i, c.uri, c.modern), c.modern)
		wantStatus := 200
		if c.code == mcp.INVALID_PARAMS && c.modern {
			wantStatus = 400
		}
		assert.Equal(t, wantStatus, resp.StatusCode, c.uri)
		var got answer
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
		c.check(t, i, got)
	}
}

// TestListenAckOverHTTP: through HTTP every subscriptions/listen gets its
// acknowledgement first, tagged with the request's id, then its result, even
// where the bare server nearly always loses it (see TestUpstreamDropsListenAck).
func TestListenAckOverHTTP(t *testing.T) {
	hooks := slowListen()
	mcpfix.AddHooks(hooks)
	s := server.NewMCPServer("mcpfix-test", "1", server.WithToolCapabilities(false), server.WithHooks(hooks))
	ts := httptest.NewServer(mcpfix.HTTP(server.NewStreamableHTTPServer(s, server.WithStateLess(true), server.WithDisableStreaming(true))))
	t.Cleanup(ts.Close)
	for i := range 20 {
		frames := sseFrames(t, post(t, ts.URL, "subscriptions/listen", "", listen(100+i), true))
		require.Len(t, frames, 2, "run %d: the acknowledgement, then the result", i)
		assert.Equal(t, "notifications/subscriptions/acknowledged", frames[0]["method"], "run %d", i)
		meta, _ := frames[0]["params"].(map[string]any)["_meta"].(map[string]any)
		assert.EqualValues(t, 100+i, meta["io.modelcontextprotocol/subscriptionId"], "run %d", i)
		assert.EqualValues(t, 100+i, frames[1]["id"], "run %d", i)
	}
}
