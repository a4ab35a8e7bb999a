package mcpfix_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/require"
)

// These tests run a bare mcp-go server, without the workarounds, and pass while
// mcp-go still shows the bug each workaround is for. When one fails, mcp-go has
// fixed the bug: delete the workaround it names (and this test).

// TestUpstreamReadErrorsAreInternal watches the read-error workaround (NotFound,
// InvalidParams, the OnError hook and the rewrite in Stdio and HTTP): mcp-go
// answers every error of a resources/read handler -32603 without data, even one
// that wraps its own sentinels for "not found" or "invalid params", and a URI that
// nothing matches without the URI in data.
func TestUpstreamReadErrorsAreInternal(t *testing.T) {
	byName := map[string]error{
		"server-not-found": fmt.Errorf("no such item: %w", server.ErrResourceNotFound),
		"mcp-not-found":    fmt.Errorf("no such item: %w", mcp.ErrResourceNotFound),
		"invalid-params":   fmt.Errorf("two items match: %w", mcp.ErrInvalidParams),
	}
	s := newServer(&server.Hooks{}, func(_, name string) error { return byName[name] })
	for i, modern := range []bool{true, false} {
		for name := range byName {
			got := handle(t, s, readRequest(i, "test://items/"+name, modern))
			require.NotNil(t, got.Error, "%s: %+v", name, got)
			require.Equalf(t, mcp.INTERNAL_ERROR, got.Error.Code,
				"mcp-go fixed the code of a failed resources/read (%s answers %d): delete the workaround mcpfix.NotFound/InvalidParams (readerrors.go) and let handlers return what mcp-go maps", name, got.Error.Code)
			require.Emptyf(t, got.Error.Data,
				"mcp-go fixed the data of a failed resources/read (%s carries %s): delete the workaround mcpfix.NotFound/InvalidParams (readerrors.go)", name, got.Error.Data)
		}
		got := handle(t, s, readRequest(9, "test://elsewhere", modern))
		require.NotNil(t, got.Error)
		require.Emptyf(t, got.Error.Data,
			"mcp-go fixed the answer to a URI nothing matches (it carries %s): delete its case in the workaround mcpfix.noteReadError", got.Error.Data)
	}
}

// handle runs one raw message through s and returns its answer as it would go on
// the wire.
func handle(t *testing.T, s *server.MCPServer, msg string) answer {
	t.Helper()
	b, err := json.Marshal(s.HandleMessage(context.Background(), json.RawMessage(msg)))
	require.NoError(t, err)
	var a answer
	require.NoError(t, json.Unmarshal(b, &a), "%s", b)
	return a
}

// TestUpstreamDropsListenAck watches the listen workaround (awaitListenAck and
// the first-write watch in HTTP): over streamable HTTP, mcp-go can answer a
// subscriptions/listen without its notifications/subscriptions/acknowledged.
// Under slowListen the race nearly always loses it; the test passes at the first
// answer that lacks it, and fails when 50 in a row all have it.
func TestUpstreamDropsListenAck(t *testing.T) {
	s := server.NewMCPServer("mcpfix-test", "1", server.WithToolCapabilities(false), server.WithHooks(slowListen()))
	ts := httptest.NewServer(server.NewStreamableHTTPServer(s, server.WithStateLess(true), server.WithDisableStreaming(true)))
	t.Cleanup(ts.Close)
	for i := range 50 {
		frames := sseFrames(t, post(t, ts.URL, "subscriptions/listen", "", listen(i), true))
		require.NotEmpty(t, frames, "run %d: no answer", i)
		if !acknowledged(frames) {
			return
		}
	}
	t.Fatal("mcp-go fixed the lost subscriptions/listen acknowledgement (50 of 50 came): delete the workaround mcpfix.awaitListenAck (listenack.go) and the first-write watch in mcpfix.HTTP")
}

// acknowledged reports whether a listen stream carries its acknowledgement.
func acknowledged(frames []map[string]any) bool {
	for _, f := range frames {
		if f["method"] == "notifications/subscriptions/acknowledged" {
			return true
		}
	}
	return false
}
