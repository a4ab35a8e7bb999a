package tools_test

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// TestListenAcknowledged: over streamable HTTP, every subscriptions/listen of a
// 2026-07-28 client gets notifications/subscriptions/acknowledged as the first frame
// of its stream, tagged with the request's id, then the result. (mcp-go could drop
// the acknowledgement when the request ended at once, as it does on a server that
// offers nothing to subscribe to; the official conformance suite saw it now and
// then.)
func TestListenAcknowledged(t *testing.T) {
	_, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
	h := map[string][]string{"Mcp-Protocol-Version": {"2026-07-28"}, "Mcp-Method": {"subscriptions/listen"}}
	for i := range 50 {
		resp := rawPost(t, url, h, `{"jsonrpc":"2.0","id":`+itoa(100+i)+`,"method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},`+modernMeta+`}}`)
		require.Equal(t, 200, resp.StatusCode)
		require.Contains(t, resp.Header.Get("Content-Type"), "text/event-stream", "run %d", i)
		var frames []map[string]any
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var m map[string]any
				require.NoError(t, json.Unmarshal([]byte(data), &m))
				frames = append(frames, m)
			}
		}
		require.Len(t, frames, 2, "run %d: the acknowledgement, then the result", i)
		assert.Equal(t, "notifications/subscriptions/acknowledged", frames[0]["method"], "run %d", i)
		meta, _ := frames[0]["params"].(map[string]any)["_meta"].(map[string]any)
		assert.EqualValues(t, 100+i, meta["io.modelcontextprotocol/subscriptionId"], "run %d", i)
		assert.EqualValues(t, 100+i, frames[1]["id"], "run %d", i)
	}
}
