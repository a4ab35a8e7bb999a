package accounts

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClientCacheBoundedAndInvalidated(t *testing.T) {
	c := newClientCache(3)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	id := func(i int) Identity { return Identity{TeamID: "T1", UserID: fmt.Sprintf("U%d", i)} }
	entry := func(i int, ttl time.Duration) cached {
		return cached{account: Account{ID: fmt.Sprintf("acct_%d", i)}, expires: now.Add(ttl)}
	}

	for i := range 10 {
		_, ok, gen := c.get(id(i), now)
		require.False(t, ok)
		c.put(id(i), entry(i, time.Second), gen, now)
		assert.LessOrEqual(t, c.len(), 3, "never more than its size")
	}
	got, ok, _ := c.get(id(9), now)
	require.True(t, ok, "the newest entry is kept")
	assert.Equal(t, "acct_9", got.account.ID)

	// Expired entries go first when it is full.
	c = newClientCache(3)
	for i := range 3 {
		_, _, gen := c.get(id(i), now)
		c.put(id(i), entry(i, time.Duration(i+1)*time.Second), gen, now)
	}
	later := now.Add(1500 * time.Millisecond) // entry 0 expired
	_, _, gen := c.get(id(3), later)
	c.put(id(3), entry(3, time.Minute), gen, later)
	for _, i := range []int{1, 2, 3} {
		_, ok, _ := c.get(id(i), later)
		assert.True(t, ok, "entry %d kept while an expired one could go", i)
	}
	_, ok, _ = c.get(id(2), now.Add(3*time.Second))
	assert.False(t, ok, "an entry is served until it expires, no longer")

	// An invalidation drops the entry, and a lookup begun before it stores nothing.
	_, _, before := c.get(id(5), later)
	c.invalidate(id(3))
	_, ok, _ = c.get(id(3), later)
	assert.False(t, ok)
	c.put(id(5), entry(5, time.Minute), before, later)
	_, ok, _ = c.get(id(5), later)
	assert.False(t, ok, "what was read before an invalidation is not stored after it")
}
