package tools

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/ratelimit"
)

// TestFirstContactsBounded: the buckets kept are bounded, the least recently used
// going first; an address keeps its own bucket while it is used, and the total
// bucket limits every address together.
func TestFirstContactsBounded(t *testing.T) {
	clock := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	g := newFirstContacts(NewTokenLimits{PerAddr: 2, Total: 1000})
	g.now = func() time.Time { return clock }
	g.addrs = ratelimit.NewBuckets[netip.Prefix](2, 8)
	require.Nil(t, g.take("192.0.2.1:1"))
	require.Nil(t, g.take("192.0.2.1:1"))
	r := g.take("192.0.2.1:1")
	require.NotNil(t, r, "the address's bucket is empty")
	assert.True(t, r.perAddr)
	assert.Equal(t, 30, r.retryAfter(), "2 a minute: one more in 30 s")
	for i := range 100 {
		g.take(fmt.Sprintf("198.51.100.%d:1", i))
		assert.LessOrEqual(t, g.addrs.Len(), 8)
	}
	assert.Nil(t, g.take("192.0.2.1:1"), "forgotten, so it came back full")

	clock = clock.Add(30 * time.Second)
	require.Nil(t, g.take("198.51.100.99:1"), "refilled")

	total := newFirstContacts(NewTokenLimits{PerAddr: 100, Total: 3})
	for i := range 3 {
		require.Nil(t, total.take(fmt.Sprintf("192.0.2.%d:1", i)))
	}
	r = total.take("192.0.2.200:1")
	require.NotNil(t, r)
	assert.False(t, r.perAddr)
}

// TestMayReachGitScrum: only what cannot reach GitScrum goes unlimited.
func TestMayReachGitScrum(t *testing.T) {
	for body, want := range map[string]bool{
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}`:              true,
		`{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"x"}}`: true,
		`{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{}}`:     true,
		`{"jsonrpc":"2.0","id":1,"method":"something/new"}`:                       true,
		`[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]`:                        true,
		`not json`: true,
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`:     false,
		`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`:                 false,
		`  {"jsonrpc":"2.0","id":1,"method":"resources/templates/list"}`: false,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`:         false,
		`{"jsonrpc":"2.0","id":1,"result":{}}`:                           false,
	} {
		assert.Equal(t, want, mayReachGitScrum([]byte(body)), body)
	}
}
