package mcpfix_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/tools/internal/mcpfix"
)

// refusedURI is the URI the refusing server's hook refuses.
const refusedURI = "test://items/refused"

// refusingServer is fixedServer with an OnRequestInitialization hook that
// refuses, with RefuseParams, every request that names refusedURI.
func refusingServer() *server.MCPServer {
	hooks := &server.Hooks{}
	hooks.AddOnRequestInitialization(func(ctx context.Context, id, message any) error {
		if raw, ok := message.(json.RawMessage); ok && strings.Contains(string(raw), refusedURI) {
			return mcpfix.RefuseParams(ctx, id, "refused <here>", map[string]int{"maxLength": 7})
		}
		return nil
	})
	return fixedServer(hooks)
}

// TestRefuseOverHTTP: a request refused with RefuseParams is answered -32602 with the
// message and data named, a 400 on 2026-07-28 and a 200 before; the others are
// untouched.
func TestRefuseOverHTTP(t *testing.T) {
	ts := httptest.NewServer(mcpfix.HTTP(server.NewStreamableHTTPServer(refusingServer(), server.WithStateLess(true), server.WithDisableStreaming(true))))
	t.Cleanup(ts.Close)
	for i, modern := range []bool{true, false} {
		resp := post(t, ts.URL, "resources/read", refusedURI, readRequest(i, refusedURI, modern), modern)
		want := 200
		if modern {
			want = 400
		}
		assert.Equal(t, want, resp.StatusCode, "modern=%v", modern)
		var got answer
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
		require.NotNil(t, got.Error)
		assert.Equal(t, i, got.ID)
		assert.Equal(t, mcp.INVALID_PARAMS, got.Error.Code, "modern=%v", modern)
		assert.Equal(t, "refused <here>", got.Error.Message)
		assert.JSONEq(t, `{"maxLength":7}`, string(got.Error.Data))

		resp = post(t, ts.URL, "resources/read", "test://items/here", readRequest(i, "test://items/here", modern), modern)
		assert.Equal(t, 200, resp.StatusCode)
	}
}

// TestRefuseOverStdio: through Stdio the refusal carries the code and data named.
func TestRefuseOverStdio(t *testing.T) {
	s := refusingServer()
	var out strings.Builder
	ctx, w := mcpfix.Stdio(context.Background(), &out)
	b, err := json.Marshal(s.HandleMessage(ctx, json.RawMessage(readRequest(3, refusedURI, false))))
	require.NoError(t, err)
	_, err = w.Write(append(b, '\n'))
	require.NoError(t, err)
	var got answer
	require.NoError(t, json.Unmarshal([]byte(out.String()), &got), out.String())
	require.NotNil(t, got.Error)
	assert.Equal(t, mcp.INVALID_PARAMS, got.Error.Code)
	assert.JSONEq(t, `{"maxLength":7}`, string(got.Error.Data))
}

// TestUpstreamRefusalIsInvalidRequest watches the RefuseParams workaround: mcp-go
// answers every refusal of an OnRequestInitialization hook -32600 without data.
func TestUpstreamRefusalIsInvalidRequest(t *testing.T) {
	hooks := &server.Hooks{}
	hooks.AddOnRequestInitialization(func(context.Context, any, any) error {
		return errors.Join(errors.New("refused"), mcp.ErrInvalidParams)
	})
	got := handle(t, newServer(hooks, func(string, string) error { return nil }), readRequest(1, "test://items/x", true))
	require.NotNil(t, got.Error)
	require.Equalf(t, mcp.INVALID_REQUEST, got.Error.Code,
		"mcp-go now maps the error of an OnRequestInitialization hook (to %d): delete the workaround mcpfix.RefuseParams (refuse.go) and return mcp-go's own error", got.Error.Code)
	require.Emptyf(t, got.Error.Data, "mcp-go now carries data with a refusal: delete the workaround mcpfix.RefuseParams (refuse.go)")
}
