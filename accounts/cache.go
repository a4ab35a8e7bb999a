package accounts

import (
	"sync"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// DefaultCacheSize bounds the identities whose client is kept in memory.
const DefaultCacheSize = 10_000

// clientCache keeps, for a short time, each identity's client and account, so
// that a Slack request of a person who acted a moment ago costs no database read
// and no decryption. It holds at most size entries. An invalidation drops an
// identity's entry at once, and keeps a lookup that began before it from storing
// what it read.
type clientCache struct {
	size int

	mu      sync.Mutex
	entries map[Identity]cached
	gen     uint64 // bumped by every invalidation
}

// cached is one identity's entry.
type cached struct {
	client  *gitscrum.Client // nil for a broken account
	account Account
	expires time.Time
}

func newClientCache(size int) *clientCache {
	return &clientCache{size: size, entries: make(map[Identity]cached)}
}

// get returns the identity's entry, if it has one unexpired at now, and the
// generation a lookup that misses passes to put.
func (c *clientCache) get(id Identity, now time.Time) (cached, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if ok && !now.Before(e.expires) {
		delete(c.entries, id)
		ok = false
	}
	return e, ok, c.gen
}

// put stores the identity's entry, unless an invalidation came after the
// generation gen (the entry may be of a token disconnected since). When full, it
// drops the expired entries, then any one.
func (c *clientCache) put(id Identity, e cached, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if _, ok := c.entries[id]; !ok && len(c.entries) >= c.size {
		for k, old := range c.entries {
			if !now.Before(old.expires) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries {
			if len(c.entries) < c.size {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[id] = e
}

// invalidate drops the identity's entry.
func (c *clientCache) invalidate(id Identity) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.entries, id)
}

// len returns the entries held.
func (c *clientCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
