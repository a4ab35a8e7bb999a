package tools_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// TestListClientsWithoutQueryCostsAPage: list_clients without a query pages the
// cached list itself, so a page costs as much with 10,000 clients as with 200 (a
// search result of every client would be 320 KB at 10,000).
func TestListClientsWithoutQueryCostsAPage(t *testing.T) {
	bytesPerCall := func(n int) float64 {
		e := newEnv(t, withClientOptions(gitscrum.WithTimeout(time.Minute))) // a slow listing under -race
		e.emu.SetLogLimit(1)
		e.emu.AddClients(emulator.DemoWorkspace, emulator.GenerateClients(n)...)
		args := map[string]any{"limit": 10, "offset": 100}
		call := func() {
			res := callTool(t, e.mcp, "list_clients", args)
			require.False(t, res.IsError, textOf(t, res))
		}
		call() // lists the workspace once, into the cache
		call()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		const runs = 20
		for range runs {
			call()
		}
		runtime.ReadMemStats(&after)
		return float64(after.TotalAlloc-before.TotalAlloc) / runs
	}
	small, large := bytesPerCall(200), bytesPerCall(10_000)
	assert.Less(t, large, 2*small+16<<10, "bytes per call at 10,000 clients (%.0f) against 200 (%.0f)", large, small)
}
