package ratelimit_test

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/ratelimit"
)

// TestAddrKey: an IPv4 address is its own key, an IPv6 one counts by its /64, and
// an IPv4-mapped IPv6 address is the IPv4 one.
func TestAddrKey(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"192.0.2.1:1000", "192.0.2.1:2000"},
		{"192.0.2.1", "192.0.2.1:2000"},
		{"[2001:db8:1:2::1]:1", "[2001:db8:1:2:ffff::9]:2"},
		{"[::ffff:192.0.2.1]:1", "192.0.2.1:3"},
		{"[fe80::1%eth0]:1", "[fe80::2%eth1]:2"},
		{"not an address", "nor this"},
	} {
		assert.Equal(t, ratelimit.AddrKey(tc.a), ratelimit.AddrKey(tc.b), "%s and %s share a bucket", tc.a, tc.b)
	}
	for _, tc := range []struct{ a, b string }{
		{"192.0.2.1:1", "192.0.2.2:1"},
		{"[2001:db8:1:2::1]:1", "[2001:db8:1:3::1]:1"},
	} {
		assert.NotEqual(t, ratelimit.AddrKey(tc.a), ratelimit.AddrKey(tc.b), "%s and %s have buckets of their own", tc.a, tc.b)
	}
}

// TestBuckets: a key's bucket empties and refills at its rate; the keys kept are
// bounded, the least recently used going first and coming back full.
func TestBuckets(t *testing.T) {
	clock := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	b := ratelimit.NewBuckets[netip.Prefix](2, 8)
	a := ratelimit.AddrKey("192.0.2.1:1")
	require.Zero(t, b.Take(a, clock))
	require.Zero(t, b.Take(a, clock))
	wait := b.Take(a, clock)
	assert.Equal(t, 30*time.Second, wait, "2 a minute: one more in 30 s")
	assert.Equal(t, 30, ratelimit.RetryAfter(wait))
	for i := range 100 {
		b.Take(ratelimit.AddrKey(fmt.Sprintf("198.51.100.%d:1", i)), clock)
		assert.LessOrEqual(t, b.Len(), 8)
	}
	assert.Zero(t, b.Take(a, clock), "forgotten, so it came back full")
	require.Zero(t, b.Take(ratelimit.AddrKey("198.51.100.99:1"), clock.Add(30*time.Second)), "refilled")
}

// TestRetryAfter: whole seconds, rounded up, at least 1.
func TestRetryAfter(t *testing.T) {
	for d, want := range map[time.Duration]int{0: 1, time.Millisecond: 1, 1500 * time.Millisecond: 2, 30 * time.Second: 30} {
		assert.Equal(t, want, ratelimit.RetryAfter(d), "%s", d)
	}
}
