package tools_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// TestCallTimeout: Options.CallTimeout bounds a whole tool call, every page of a
// list included, though each request alone is well within the client's timeout.
func TestCallTimeout(t *testing.T) {
	e := newEnv(t, func(c *envConfig) { c.opts.CallTimeout = 300 * time.Millisecond })
	e.emu.SetPageSize(1)
	e.emu.SetLatency(100 * time.Millisecond)
	start := time.Now()
	res := e.call(t, "list_clients", nil)
	require.True(t, res.IsError)
	assert.Contains(t, textOf(t, res), "did not answer in time")
	assert.Equal(t, tools.OutcomeUnavailable, e.lastOutcome(t))
	assert.Less(t, time.Since(start), time.Second)

	// Without the bound the same call succeeds, one page at a time.
	e2 := newEnv(t)
	e2.emu.SetPageSize(2)
	e2.emu.SetLatency(20 * time.Millisecond)
	res = e2.call(t, "list_clients", nil)
	require.False(t, res.IsError, textOf(t, res))
	require.Greater(t, len(e2.emu.Requests()), 1, "the list took several pages")
}
