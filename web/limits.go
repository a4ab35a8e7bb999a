package web

import (
	"container/list"
	"math"
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter holds a token bucket per key (a client address, a link), refilled at
// perMinute a minute with a burst of perMinute, remembering at most max keys:
// beyond, the least recently seen is forgotten. It is safe for concurrent use.
type limiter struct {
	perMinute int
	max       int

	mu      sync.Mutex
	buckets map[string]*list.Element // of *bucket
	order   list.List                // least recently seen first
}

// bucket is the bucket of one key.
type bucket struct {
	key string
	lim *rate.Limiter
}

func newLimiter(perMinute, max int) *limiter {
	return &limiter{perMinute: perMinute, max: max, buckets: make(map[string]*list.Element)}
}

// take takes one request from key's bucket and returns 0, or, when the bucket is
// empty, takes nothing and returns how long to wait.
func (l *limiter) take(key string, now time.Time) time.Duration {
	res := l.bucket(key).ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d
	}
	return 0
}

// bucket returns the bucket of key, made full when new.
func (l *limiter) bucket(key string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el := l.buckets[key]; el != nil {
		l.order.MoveToBack(el)
		return el.Value.(*bucket).lim
	}
	b := &bucket{key: key, lim: rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.perMinute)}
	l.buckets[key] = l.order.PushBack(b)
	for l.order.Len() > l.max {
		front := l.order.Front()
		delete(l.buckets, front.Value.(*bucket).key)
		l.order.Remove(front)
	}
	return b.lim
}

// addrKey is the rate-limit key of a client address (host:port or host): the
// IPv4 address, or the /64 of an IPv6 one (one host commonly holds a whole /64).
// Addresses that do not parse share one key.
func addrKey(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return "?"
	}
	ip = ip.Unmap().WithZone("")
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return p.String()
}

// retryAfterSeconds is a Retry-After value for a wait: whole seconds, at least 1.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
