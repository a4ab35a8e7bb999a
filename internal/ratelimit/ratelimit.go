// Package ratelimit holds what the bridge's rate limits share: token buckets by
// key, bounded in number, and the key of a client address.
package ratelimit

import (
	"container/list"
	"math"
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// PerMinute is n a minute as a rate.
func PerMinute(n int) rate.Limit { return rate.Limit(float64(n) / 60) }

// Buckets holds a token bucket per key, each refilled at perMinute a minute with a
// burst of perMinute, and remembers at most max keys: beyond, the least recently
// used is forgotten (it comes back full). It is safe for concurrent use.
type Buckets[K comparable] struct {
	perMinute int
	max       int

	mu    sync.Mutex
	byKey map[K]*list.Element // of *entry[K]
	order list.List           // least recently used first
}

type entry[K comparable] struct {
	key K
	lim *rate.Limiter
}

// NewBuckets returns buckets of perMinute a minute, at most max of them.
func NewBuckets[K comparable](perMinute, max int) *Buckets[K] {
	return &Buckets[K]{perMinute: perMinute, max: max, byKey: make(map[K]*list.Element)}
}

// Bucket returns the bucket of key, made full when it is new.
func (b *Buckets[K]) Bucket(key K) *rate.Limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	if el := b.byKey[key]; el != nil {
		b.order.MoveToBack(el)
		return el.Value.(*entry[K]).lim
	}
	e := &entry[K]{key: key, lim: rate.NewLimiter(PerMinute(b.perMinute), b.perMinute)}
	b.byKey[key] = b.order.PushBack(e)
	for b.order.Len() > b.max {
		front := b.order.Front()
		delete(b.byKey, front.Value.(*entry[K]).key)
		b.order.Remove(front)
	}
	return e.lim
}

// Len returns how many keys are remembered.
func (b *Buckets[K]) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.order.Len()
}

// Take takes one request from key's bucket and returns 0, or, when the bucket is
// empty, takes nothing and returns how long to wait.
func (b *Buckets[K]) Take(key K, now time.Time) time.Duration {
	return Take(b.Bucket(key), now)
}

// Take takes one request from lim and returns 0, or, when it is empty, takes
// nothing and returns how long to wait.
func Take(lim *rate.Limiter, now time.Time) time.Duration {
	res := lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d
	}
	return 0
}

// RetryAfter is a Retry-After value for a wait: whole seconds, at least 1.
func RetryAfter(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// AddrKey is the rate-limit key of a client address (host:port or host): the IPv4
// address, or the /64 of an IPv6 one (one host commonly holds a whole /64); an
// IPv4-mapped address is the IPv4 one and zones are dropped. Addresses that do not
// parse share the zero key.
func AddrKey(addr string) netip.Prefix {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Prefix{}
	}
	ip = ip.Unmap().WithZone("")
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return p
}
