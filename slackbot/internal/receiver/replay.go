package receiver

import (
	"container/heap"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Replay protection. Slack signs a request over its timestamp and body, and the
// signature stays valid for 5 minutes either way of now: anyone who captured a
// signed request (a log, a proxy, a compromised network hop) could send it again
// in that window and run the command again. The bot therefore remembers every
// signature it accepted until the signature expires, and refuses one it has seen.
const (
	// SignatureWindow is how far a request's timestamp may be from now, either way,
	// for its signature to be accepted (Slack's rule, enforced by slack-go).
	SignatureWindow = 5 * time.Minute
	// DefaultReplayCapacity is how many accepted signatures [NewMemoryReplayStore]
	// remembers by default: 100,000 in 5 minutes is over 300 requests a second,
	// far above what a workspace's slash commands send, for about 11 MB when full
	// (BenchmarkMemoryReplayStore measures it: about 110 bytes an entry).
	DefaultReplayCapacity = 100_000
)

// ErrReplayStoreFull is returned by [MemoryReplayStore.Remember] when it holds as
// many unexpired entries as it may. The bot then refuses the request (503 with a
// Retry-After) rather than forget an entry that could then be replayed.
var ErrReplayStoreFull = errors.New("slackbot: replay store full")

// ReplayStore remembers the requests a Bot accepted, to refuse them a second time.
// It is the one piece of state the bot keeps between requests: replicas behind one
// load balancer must share it (a database, Redis with SET NX and an expiry, …),
// so it is this small interface; [NewMemoryReplayStore] is the embedded default for
// a single process.
type ReplayStore interface {
	// Remember records key until the time until and reports whether key was new:
	// false means key was recorded before and has not expired, so the request is a
	// replay. An error means key could not be recorded; the bot then refuses the
	// request, since it cannot tell a replay from a first request.
	Remember(ctx context.Context, key string, until time.Time) (bool, error)
}

// MemoryReplayStore is a [ReplayStore] in the process's memory, bounded in
// entries. Expired entries are dropped as new ones arrive. It is safe for
// concurrent use.
type MemoryReplayStore struct {
	max int
	now func() time.Time // for tests

	mu      sync.Mutex
	until   map[[sha256.Size]byte]int64 // key digest → expiry, Unix nanoseconds
	byUntil expiryHeap
}

// NewMemoryReplayStore returns a store of at most max unexpired entries;
// max <= 0 means [DefaultReplayCapacity]. When it is full, Remember refuses new
// keys with [ErrReplayStoreFull] until entries expire: forgetting an unexpired
// entry instead would let its request be replayed.
func NewMemoryReplayStore(max int) *MemoryReplayStore {
	if max <= 0 {
		max = DefaultReplayCapacity
	}
	return &MemoryReplayStore{max: max, now: time.Now, until: make(map[[sha256.Size]byte]int64)}
}

// Remember implements [ReplayStore].
func (s *MemoryReplayStore) Remember(_ context.Context, key string, until time.Time) (bool, error) {
	digest := sha256.Sum256([]byte(key))
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UnixNano()
	s.expireLocked(now)
	if exp, ok := s.until[digest]; ok && exp > now {
		return false, nil
	}
	if len(s.until) >= s.max {
		return false, fmt.Errorf("%w: %d requests in the last %s; the oldest expires in %s",
			ErrReplayStoreFull, len(s.until), SignatureWindow, time.Duration(s.byUntil[0].until-now).Round(time.Second))
	}
	s.until[digest] = until.UnixNano()
	heap.Push(&s.byUntil, expiry{until: until.UnixNano(), key: digest})
	return true, nil
}

// Len returns the number of entries held, expired ones not yet dropped included.
func (s *MemoryReplayStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.until)
}

// RetryAfter returns how long until the oldest entry expires: when the store is
// full, the earliest moment a new key may fit.
func (s *MemoryReplayStore) RetryAfter() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.byUntil) == 0 {
		return 0
	}
	return max(0, time.Duration(s.byUntil[0].until-s.now().UnixNano()))
}

// expireLocked drops the entries that expired by now.
func (s *MemoryReplayStore) expireLocked(now int64) {
	for len(s.byUntil) > 0 && s.byUntil[0].until <= now {
		e := heap.Pop(&s.byUntil).(expiry)
		if s.until[e.key] == e.until {
			delete(s.until, e.key)
		}
	}
}

// expiry is one entry of the heap: a key and when it expires.
type expiry struct {
	until int64
	key   [sha256.Size]byte
}

// expiryHeap orders entries by expiry, soonest first.
type expiryHeap []expiry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].until < h[j].until }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
