package tools

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAddrKey: an IPv4 address is its own key, an IPv6 one counts by its /64, and
// an IPv4-mapped IPv6 address is the IPv4 one.
func TestAddrKey(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"192.0.2.1:1000", "192.0.2.1:2000"},
		{"[2001:db8:1:2::1]:1", "[2001:db8:1:2:ffff::9]:2"},
		{"[::ffff:192.0.2.1]:1", "192.0.2.1:3"},
		{"[fe80::1%eth0]:1", "[fe80::2%eth1]:2"},
	} {
		assert.Equal(t, addrKey(tc.a), addrKey(tc.b), "%s and %s share a bucket", tc.a, tc.b)
	}
	for _, tc := range []struct{ a, b string }{
		{"192.0.2.1:1", "192.0.2.2:1"},
		{"[2001:db8:1:2::1]:1", "[2001:db8:1:3::1]:1"},
	} {
		assert.NotEqual(t, addrKey(tc.a), addrKey(tc.b), "%s and %s have buckets of their own", tc.a, tc.b)
	}
}

// TestFirstContactsBounded: the buckets kept are bounded, the least recently used
// going first; an address keeps its own bucket while it is used, and the total
// bucket limits every address together.
func TestFirstContactsBounded(t *testing.T) {
	clock := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	g := newFirstContacts(NewTokenLimits{PerAddr: 2, Total: 1000})
	g.now = func() time.Time { return clock }
	g.max = 8
	require.Nil(t, g.take("192.0.2.1:1"))
	require.Nil(t, g.take("192.0.2.1:1"))
	r := g.take("192.0.2.1:1")
	require.NotNil(t, r, "the address's bucket is empty")
	assert.True(t, r.perAddr)
	assert.Equal(t, 30, r.retryAfter(), "2 a minute: one more in 30 s")
	for i := range 100 {
		g.take(fmt.Sprintf("198.51.100.%d:1", i))
		assert.LessOrEqual(t, len(g.addrs), g.max)
		assert.LessOrEqual(t, g.order.Len(), g.max)
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
