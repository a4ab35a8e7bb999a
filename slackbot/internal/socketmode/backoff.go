package socketmode

import (
	"math/rand/v2"
	"time"
)

// backoff is the wait before the next attempt to connect: it starts at min,
// doubles up to max after each attempt, and each wait adds up to half of it
// again at random, so that many bots dropped at once do not come back at once.
// It is used by one goroutine.
type backoff struct {
	min, max, next time.Duration
}

// newBackoff returns a backoff from min to max.
func newBackoff(min, max time.Duration) *backoff {
	return &backoff{min: min, max: max, next: min}
}

// wait returns the wait before the next attempt, at least the current step,
// and raises the step.
func (b *backoff) wait() time.Duration {
	d := b.next
	b.next = min(b.next*2, b.max)
	if half := int64(d / 2); half > 0 {
		d += time.Duration(rand.Int64N(half + 1))
	}
	return d
}

// reset goes back to the first step.
func (b *backoff) reset() { b.next = b.min }
