package httpserver

import (
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// Defaults of the bounds of a listener; both binaries offer the first four as
// flags.
const (
	// DefaultMaxInFlight is how many requests a listener serves at once.
	DefaultMaxInFlight = 64
	// DefaultMaxConns is how many connections a listener keeps open at once.
	DefaultMaxConns = 512
	// DefaultMaxQueue is how many requests may wait for a slot at once. A request
	// that waits holds only its connection and its body (read already, within
	// [Guard.MaxBody] and [DefaultMaxBuffered]), so a burst of legitimate
	// requests larger than the slots waits its turn; beyond the queue, a flood is
	// refused at once.
	DefaultMaxQueue = 256
	// DefaultQueueWait is how long a request waits in the queue for a slot before
	// it is refused with 503: longer than a cold listing of a large workspace
	// (5,000 clients at 100 ms per page take about 5 s), which is what a burst of
	// requests that arrive together waits on.
	DefaultQueueWait = 10 * time.Second
	// DefaultBodyTimeout bounds reading a request's body, from the end of its
	// headers: a body that has not arrived by then is answered 408. It is read
	// before the request takes a slot or a place in the queue, so a slow body
	// holds neither.
	DefaultBodyTimeout = 5 * time.Second
	// DefaultMaxBuffered bounds the bytes of request bodies a listener holds at
	// once (being read, waiting in the queue, or being served), beyond the first
	// 4 KiB of each: a flood of large bodies is refused with 503 beyond it rather
	// than growing the heap.
	DefaultMaxBuffered = 16 << 20
	// RetryAfterSeconds is the Retry-After of a busy refusal.
	RetryAfterSeconds = 1
)

// Reasons given to [Guard.OnRefuse].
const (
	// RefusedBusy is a 503: every slot was taken and the queue was full, or the
	// request waited [Guard.Wait] in the queue without a slot freeing, or the
	// bodies held reached [Guard.MaxBuffered].
	RefusedBusy = "busy"
	// RefusedTooLarge is a 413: the body, declared or read, was over
	// [Guard.MaxBody].
	RefusedTooLarge = "too_large"
	// RefusedSlowBody is a 408: the body did not arrive within
	// [Guard.BodyTimeout].
	RefusedSlowBody = "slow_body"
	// RefusedBadBody is a 400: the body could not be read (the client broke
	// it off, or its chunked encoding was invalid).
	RefusedBadBody = "bad_body"
)

// Guard bounds what one listener accepts before any handler runs: the size of a
// request's body and the time to read it, the bytes of bodies held at once, the
// number of requests served at once and the number waiting for a slot. Each
// request's body is read whole, within those bounds, before the request takes a
// slot or a place in the queue; the handler then reads it from memory.
//
// Zero fields take the defaults above, except MaxInFlight and MaxBody, which
// bound nothing when zero (so the zero Guard bounds only the time and memory
// of reading bodies).
type Guard struct {
	// MaxInFlight is how many requests are served at once. A request that finds
	// every slot taken waits in a queue of at most MaxQueue requests for up to
	// Wait; a request that finds the queue full, or that waits Wait in vain, is
	// answered 503 with Retry-After. 0 or less: no bound.
	MaxInFlight int
	// MaxQueue is how many requests wait for a slot at once (0:
	// [DefaultMaxQueue]; less than 0: none wait).
	MaxQueue int
	// Wait is how long a request waits in the queue for a slot (0:
	// [DefaultQueueWait]).
	Wait time.Duration
	// MaxBody bounds a request's body: a larger declared Content-Length is
	// answered 413 before the body is read (see [LimitBody]), and a chunked body
	// that grows past it is answered 413 as soon as it does. 0 or less: no bound.
	MaxBody int64
	// BodyTimeout bounds reading a request's body (0: [DefaultBodyTimeout]);
	// one that has not arrived by then is answered 408.
	BodyTimeout time.Duration
	// MaxBuffered bounds the bytes of request bodies held at once, beyond the
	// first 4 KiB of each (0: [DefaultMaxBuffered]). A body whose buffer would
	// take them past it is answered 503.
	MaxBuffered int64
	// Exempt are paths whose GET and HEAD requests are served without taking a
	// slot: cheap answers that must keep coming under load, such as the health
	// check (a load balancer must see that the process is alive while it refuses a
	// flood) and the metrics (the operator watches the flood there). The
	// connection bound still applies to them.
	Exempt []string
	// OnRefuse, when set, is told each refusal with its reason (RefusedBusy,
	// RefusedTooLarge, RefusedSlowBody), e.g. to count them in metrics.
	OnRefuse func(reason string)
}

// withDefaults returns g with its zero fields set to the defaults.
func (g Guard) withDefaults() Guard {
	if g.MaxQueue == 0 {
		g.MaxQueue = DefaultMaxQueue
	}
	g.MaxQueue = max(g.MaxQueue, 0)
	if g.Wait <= 0 {
		g.Wait = DefaultQueueWait
	}
	if g.BodyTimeout <= 0 {
		g.BodyTimeout = DefaultBodyTimeout
	}
	if g.MaxBuffered <= 0 {
		g.MaxBuffered = DefaultMaxBuffered
	}
	return g
}

// Handler returns next behind the guard's bounds. Each call makes a new set of
// slots, queue and body budget, so call it once per listener.
func (g Guard) Handler(next http.Handler) http.Handler {
	g = g.withDefaults()
	q := &queue{max: int64(g.MaxQueue), wait: g.Wait}
	if g.MaxInFlight > 0 {
		q.slots = make(chan struct{}, g.MaxInFlight)
	}
	budget := &bodyBudget{max: g.MaxBuffered}
	exempt := make(map[string]bool, len(g.Exempt))
	for _, p := range g.Exempt {
		exempt[p] = true
	}
	refused := func(reason string) {
		if g.OnRefuse != nil {
			g.OnRefuse(reason)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if exempt[r.URL.Path] && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			next.ServeHTTP(w, r)
			return
		}
		if q.full() {
			// Refused before the body is read: a flood costs its headers only, and
			// the connection is closed rather than drained of the body.
			if r.Body != nil && r.Body != http.NoBody {
				w.Header().Set("Connection", "close")
			}
			refused(RefusedBusy)
			refuseQueueFull(w, g.MaxInFlight, g.MaxQueue)
			return
		}
		if g.MaxBody > 0 && !LimitBody(w, r, g.MaxBody) {
			refused(RefusedTooLarge)
			return
		}
		held, reason := readBody(w, r, g, budget)
		defer budget.release(held)
		if reason != "" {
			// A body cut off by its client is nobody's refusal; one cut by the
			// deadline also ends the request's context.
			if reason != RefusedBadBody || r.Context().Err() == nil {
				refused(reason)
			}
			return
		}
		switch q.enter(r) {
		case queueFull:
			refused(RefusedBusy)
			refuseQueueFull(w, g.MaxInFlight, g.MaxQueue)
			return
		case queueTimedOut:
			refused(RefusedBusy)
			refuseWaited(w, g.MaxInFlight, g.Wait)
			return
		case queueGone:
			return // the client is gone; nobody reads an answer
		}
		defer q.leave()
		next.ServeHTTP(w, r)
	})
}

// queue hands out a listener's slots, and keeps at most max requests waiting
// for one, each for up to wait. Waiting senders on a channel are served in the
// order they came, so the queue is first come, first served.
type queue struct {
	slots   chan struct{} // nil: no bound
	max     int64
	wait    time.Duration
	waiting atomic.Int64
}

// Outcomes of [queue.enter].
const (
	queueServed = iota
	queueFull
	queueTimedOut
	queueGone
)

// full says whether a request arriving now would be refused: every slot taken
// and the queue full.
func (q *queue) full() bool {
	return q.slots != nil && len(q.slots) == cap(q.slots) && q.waiting.Load() >= q.max
}

// enter takes a slot, waiting in the queue when none is free; on queueServed the
// caller must call leave.
func (q *queue) enter(r *http.Request) int {
	if q.slots == nil {
		return queueServed
	}
	select {
	case q.slots <- struct{}{}:
		return queueServed
	default:
	}
	if q.waiting.Add(1) > q.max {
		q.waiting.Add(-1)
		return queueFull
	}
	defer q.waiting.Add(-1)
	t := time.NewTimer(q.wait)
	defer t.Stop()
	select {
	case q.slots <- struct{}{}:
		return queueServed
	case <-t.C:
		return queueTimedOut
	case <-r.Context().Done():
		return queueGone
	}
}

// leave frees the slot taken by enter.
func (q *queue) leave() {
	if q.slots != nil {
		<-q.slots
	}
}

// refuseQueueFull answers 503 with Retry-After: every slot taken, the queue full.
func refuseQueueFull(w http.ResponseWriter, maxInFlight, maxQueue int) {
	refuseBusy(w, fmt.Sprintf("The server is busy: it serves at most %d requests at once and queues at most %d more, and both are full. Retry in %d s.",
		maxInFlight, maxQueue, RetryAfterSeconds))
}

// refuseWaited answers 503 with Retry-After: the request waited its time in the
// queue and no slot freed.
func refuseWaited(w http.ResponseWriter, maxInFlight int, wait time.Duration) {
	refuseBusy(w, fmt.Sprintf("The server is busy: this request waited %s for one of the %d requests served at once to finish, and none did. Retry in %d s.",
		wait, maxInFlight, RetryAfterSeconds))
}

// refuseBusy answers 503 with Retry-After and a JSON body saying msg.
func refuseBusy(w http.ResponseWriter, msg string) {
	w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
	writeError(w, http.StatusServiceUnavailable, "busy", msg)
}
