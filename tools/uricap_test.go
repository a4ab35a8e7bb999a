package tools_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// matchCounter is a client session that counts how often mcp-go looks up a read's
// resource in it: it does so first thing when it looks for the resource of a
// resources/read, before matching the URI against any template.
type matchCounter struct{ lookups atomic.Int64 }

func (*matchCounter) Initialize()       {}
func (*matchCounter) Initialized() bool { return true }
func (*matchCounter) NotificationChannel() chan<- mcp.JSONRPCNotification {
	return make(chan mcp.JSONRPCNotification, 8)
}
func (*matchCounter) SessionID() string { return "match-counter" }
func (m *matchCounter) GetSessionResources() map[string]server.ServerResource {
	m.lookups.Add(1)
	return nil
}
func (*matchCounter) SetSessionResources(map[string]server.ServerResource) {}
func (m *matchCounter) GetSessionResourceTemplates() map[string]server.ServerResourceTemplate {
	m.lookups.Add(1)
	return nil
}
func (*matchCounter) SetSessionResourceTemplates(map[string]server.ServerResourceTemplate) {}

// readMessage is a raw resources/read of uri.
func readMessage(id int, uri string) string {
	b, _ := json.Marshal(uri)
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"resources/read","params":{"uri":%s}}`, id, b)
}

// escapedOnce is n characters that each percent-encode to 3 bytes.
func escapedOnce(n int) string { return strings.Repeat("!", n) }

// TestLongURIRefused: a resources/read whose URI is over MaxURILength is refused
// with -32602 naming the cap, before mcp-go looks for its resource at all (so its
// template matcher never runs on it); the longest URI a client can have still
// reaches the lookup. The cap is derived from the slug and reference caps.
func TestLongURIRefused(t *testing.T) {
	assert.Equal(t, 1550, tools.MaxURILength)
	longest := tools.ClientURI(escapedOnce(gitscrum.MaxCompanySlugLength), escapedOnce(gitscrum.MaxReferenceLength))
	require.Len(t, longest, tools.MaxURILength, "the longest URI of a client at its caps, each character escaped")

	e := newEnv(t)
	for _, tc := range []struct {
		name    string
		uri     string
		refused bool
	}{
		{"200 KB", "gitscrum://demo/clients/" + strings.Repeat("a", 200<<10), true},
		{"one byte over", longest + "a", true},
		{"the longest", longest, false},
		{"an ordinary one", "gitscrum://demo/clients/Initech", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			counter := &matchCounter{}
			ctx := e.srv.WithContext(context.Background(), counter)
			b, err := json.Marshal(e.srv.HandleMessage(ctx, json.RawMessage(readMessage(7, tc.uri))))
			require.NoError(t, err)
			if !tc.refused {
				assert.Positive(t, counter.lookups.Load(), "mcp-go looked the resource up")
				return
			}
			assert.Zero(t, counter.lookups.Load(), "refused before mcp-go looked for the resource")
			// mcp-go answers the refusal -32600; the transports make it -32602
			// (TestLongURIRefusedOnTheWire).
			assert.Contains(t, string(b), fmt.Sprintf("no resource of this server has one longer than %d", tools.MaxURILength))
		})
	}
}

// longURIAnswer checks a refusal of a long URI as it went on the wire.
func longURIAnswer(t *testing.T, m map[string]any) {
	t.Helper()
	errObj, ok := m["error"].(map[string]any)
	require.True(t, ok, "an error: %v", m)
	assert.EqualValues(t, mcp.INVALID_PARAMS, errObj["code"])
	assert.Contains(t, errObj["message"], fmt.Sprintf("longer than %d", tools.MaxURILength))
	data, _ := errObj["data"].(map[string]any)
	assert.EqualValues(t, tools.MaxURILength, data["maxLength"])
	assert.EqualValues(t, 200<<10+len("gitscrum://demo/clients/"), data["length"])
	assert.Less(t, len(fmt.Sprint(data["uri"])), 200, "the URI is quoted in part only")
}

// TestLongURIRefusedOnTheWire: over stdio and over HTTP (before 2026-07-28 and
// from it on, a 400 then) the refusal is -32602 with the cap in its data, and
// nothing reaches GitScrum.
func TestLongURIRefusedOnTheWire(t *testing.T) {
	uri := "gitscrum://demo/clients/" + strings.Repeat("a", 200<<10)
	t.Run("stdio", func(t *testing.T) {
		e := newEnv(t)
		p := startStdio(t, context.Background(), e)
		p.send(t, readMessage(5, uri))
		m := p.next(t)
		assert.EqualValues(t, 5, m["id"])
		longURIAnswer(t, m)
		assert.Empty(t, e.emu.Requests())
	})
	t.Run("http", func(t *testing.T) {
		e, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
		for _, tc := range []struct {
			name   string
			body   string
			header http.Header
			status int
		}{
			{"2025-06-18", readMessage(5, uri), nil, http.StatusOK},
			{"2026-07-28", strings.Replace(readMessage(5, uri), `"params":{`, `"params":{`+modernMeta+`,`, 1),
				http.Header{"Mcp-Protocol-Version": {"2026-07-28"}, "Mcp-Method": {"resources/read"}}, http.StatusBadRequest},
		} {
			resp := rawPost(t, url, tc.header, tc.body)
			assert.Equal(t, tc.status, resp.StatusCode, tc.name)
			var m map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&m), tc.name)
			longURIAnswer(t, m)
		}
		assert.Empty(t, e.emu.Requests())
	})
}
