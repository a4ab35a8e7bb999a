package gitscrum

import "time"

// SetCacheClock makes the list cache of c (shared with its WithToken copies) read
// the time from now, so tests can age lists without waiting. Call it before the
// first use of c.
func SetCacheClock(c *Client, now func() time.Time) { c.cache.now = now }
