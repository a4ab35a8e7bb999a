package receiver

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// Defaults of [SocketLimits].
const (
	// DefaultEnvelopeWindow is how long a Socket Mode envelope id is remembered
	// to refuse its redelivery: Slack sends an envelope again within seconds
	// when its acknowledgement is late or lost.
	DefaultEnvelopeWindow = 2 * time.Minute
	// DefaultMaxEnvelopes is how many envelope ids are remembered at most; when
	// full, the oldest is forgotten (about 100 bytes each).
	DefaultMaxEnvelopes = 10_000
	// DefaultUserRate is how many envelopes a second one person may send over
	// time, and DefaultUserBurst how many at once.
	DefaultUserRate  = 2.0
	DefaultUserBurst = 30
	// DefaultMaxUsers is how many people's rates are tracked at once.
	DefaultMaxUsers = 10_000
)

// SocketLimits bound what one Socket Mode connection remembers and what one
// person may send over it; a zero field takes its default.
type SocketLimits struct {
	// EnvelopeWindow and MaxEnvelopes bound the envelope ids remembered.
	EnvelopeWindow time.Duration
	MaxEnvelopes   int
	// UserRate (per second) and UserBurst bound each person's envelopes: over
	// them, a command is answered "slow down" and nothing runs.
	UserRate  float64
	UserBurst int
	// MaxUsers bounds the people tracked; the idle are forgotten first.
	MaxUsers int
}

// withDefaults returns l with its zero fields set.
func (l SocketLimits) withDefaults() SocketLimits {
	if l.EnvelopeWindow <= 0 {
		l.EnvelopeWindow = DefaultEnvelopeWindow
	}
	if l.MaxEnvelopes <= 0 {
		l.MaxEnvelopes = DefaultMaxEnvelopes
	}
	if l.UserRate <= 0 {
		l.UserRate = DefaultUserRate
	}
	if l.UserBurst <= 0 {
		l.UserBurst = DefaultUserBurst
	}
	if l.MaxUsers <= 0 {
		l.MaxUsers = DefaultMaxUsers
	}
	return l
}

// envelopeStore remembers Socket Mode envelope ids for a short window, at most
// max of them: when full it forgets the oldest. Envelopes cannot be forged (only
// Slack sends on the connection), so forgetting one early risks at worst running
// a late redelivery, while refusing new envelopes would lock everyone out. It is
// safe for concurrent use.
type envelopeStore struct {
	window time.Duration
	max    int

	mu    sync.Mutex
	until map[string]time.Time
	order []seenEnvelope // oldest first, from head
	head  int
}

// seenEnvelope is one remembered id.
type seenEnvelope struct {
	key   string
	until time.Time
}

// newEnvelopeStore returns a store of at most max ids, each for window.
func newEnvelopeStore(window time.Duration, max int) *envelopeStore {
	return &envelopeStore{window: window, max: max, until: make(map[string]time.Time)}
}

// remember records id and reports whether it was new.
func (s *envelopeStore) remember(id string, now time.Time) bool {
	key := id
	if len(key) > 64 { // Slack's ids are short; a long one is kept short
		sum := sha256.Sum256([]byte(id))
		key = hex.EncodeToString(sum[:])
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.head < len(s.order) && !s.order[s.head].until.After(now) {
		s.dropOldestLocked()
	}
	if until, ok := s.until[key]; ok && until.After(now) {
		return false
	}
	for len(s.order)-s.head >= s.max {
		s.dropOldestLocked()
	}
	until := now.Add(s.window)
	s.until[key] = until
	s.order = append(s.order, seenEnvelope{key: key, until: until})
	return true
}

// dropOldestLocked forgets the oldest id, compacting the queue now and then.
func (s *envelopeStore) dropOldestLocked() {
	e := s.order[s.head]
	s.order[s.head] = seenEnvelope{}
	s.head++
	if s.until[e.key] == e.until {
		delete(s.until, e.key)
	}
	if s.head > 1024 && s.head*2 > len(s.order) {
		s.order = append(s.order[:0:0], s.order[s.head:]...)
		s.head = 0
	}
}

// userRates is a token bucket per person: each holds up to burst envelopes and
// refills at rate a second. At most max people are tracked: when full, those
// whose bucket is full again (idle) are forgotten, then any. It is safe for
// concurrent use.
type userRates struct {
	rate  float64
	burst float64
	max   int

	mu      sync.Mutex
	buckets map[string]*bucket
}

// bucket is one person's tokens as of last.
type bucket struct {
	tokens float64
	last   time.Time
}

// newUserRates returns the limits.
func newUserRates(rate float64, burst, max int) *userRates {
	return &userRates{rate: rate, burst: float64(burst), max: max, buckets: make(map[string]*bucket)}
}

// allow takes one envelope of user from its bucket, or reports false when the
// bucket is empty. An empty user is not limited.
func (u *userRates) allow(user string, now time.Time) bool {
	if user == "" {
		return true
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	b, ok := u.buckets[user]
	if !ok {
		if len(u.buckets) >= u.max {
			u.evictLocked(now)
		}
		b = &bucket{tokens: u.burst, last: now}
		u.buckets[user] = b
	}
	b.tokens = min(u.burst, b.tokens+now.Sub(b.last).Seconds()*u.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// evictLocked makes room: forgets every idle person, or one when none is.
func (u *userRates) evictLocked(now time.Time) {
	full := time.Duration(u.burst / u.rate * float64(time.Second))
	for k, b := range u.buckets {
		if now.Sub(b.last) >= full {
			delete(u.buckets, k)
		}
	}
	for k := range u.buckets {
		if len(u.buckets) < u.max {
			return
		}
		delete(u.buckets, k)
	}
}
