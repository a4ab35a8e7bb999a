package mcpfix_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/require"
)

// modernMeta is the _meta of a raw 2026-07-28 request.
const modernMeta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},` +
	`"io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"}}`

// itemTemplate is the one resource template of the test servers.
const itemTemplate = "test://items/{name}"

// newServer builds a bare mcp-go server with hooks and a template whose reads
// fail as read says: read returns the error for an item's name, nil for an item
// that exists.
func newServer(hooks *server.Hooks, read func(uri, name string) error) *server.MCPServer {
	s := server.NewMCPServer("mcpfix-test", "1",
		server.WithToolCapabilities(false),
		server.WithResourceCapabilities(false, false),
		server.WithHooks(hooks))
	s.AddResourceTemplate(mcp.NewResourceTemplate(itemTemplate, "item"),
		func(_ context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			name, _ := req.Params.Arguments["name"].([]string)
			if err := read(req.Params.URI, strings.Join(name, ",")); err != nil {
				return nil, err
			}
			return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: "text/plain", Text: "here"}}, nil
		})
	return s
}

// readRequest is a raw resources/read of uri, a 2026-07-28 one when modern.
func readRequest(id int, uri string, modern bool) string {
	meta := ""
	if modern {
		meta = "," + modernMeta
	}
	return `{"jsonrpc":"2.0","id":` + strconv.Itoa(id) + `,"method":"resources/read","params":{"uri":"` + uri + `"` + meta + `}}`
}

// wireError is the error of a JSON-RPC answer.
type wireError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// answer is a JSON-RPC answer as it went on the wire.
type answer struct {
	ID     int             `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *wireError      `json:"error"`
}

// post sends body to url as a streamable HTTP client does, with the 2026-07-28
// headers of method (and its Mcp-Name, name, when not "") when modern.
func post(t *testing.T, url, method, name, body string, modern bool) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if modern {
		req.Header.Set("Mcp-Protocol-Version", "2026-07-28")
		req.Header.Set("Mcp-Method", method)
		if name != "" {
			req.Header.Set("Mcp-Name", name)
		}
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

// sseFrames reads the data frames of an event stream.
func sseFrames(t *testing.T, resp *http.Response) []map[string]any {
	t.Helper()
	var frames []map[string]any
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(data), &m))
			frames = append(frames, m)
		}
	}
	require.NoError(t, sc.Err())
	return frames
}

// listen is a raw 2026-07-28 subscriptions/listen.
func listen(id int) string {
	return `{"jsonrpc":"2.0","id":` + strconv.Itoa(id) + `,"method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},` + modernMeta + `}}`
}

// slowListen returns hooks under which mcp-go's race on the listen
// acknowledgement nearly always goes the wrong way: the request stalls before the
// acknowledgement is queued, so the forwarder is waiting for it when it is, and the
// handler returns while the forwarder wakes.
func slowListen() *server.Hooks {
	h := &server.Hooks{}
	h.AddBeforeSubscriptionsListen(func(context.Context, any, *mcp.SubscriptionsListenRequest) { time.Sleep(time.Millisecond) })
	return h
}
