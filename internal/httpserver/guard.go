package httpserver

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Defaults of the bounds of a listener; both binaries offer them as flags.
const (
	// DefaultMaxInFlight is how many requests a listener serves at once.
	DefaultMaxInFlight = 64
	// DefaultMaxConns is how many connections a listener keeps open at once.
	DefaultMaxConns = 512
	// SlotWait is how long a request waits for a free slot before it is refused
	// with 503: long enough to smooth a burst of legitimate requests (one takes a
	// few milliseconds when GitScrum answers fast), short enough that a refusal
	// under a flood stays fast and the waiting requests, which hold no body yet,
	// cost little.
	SlotWait = 50 * time.Millisecond
	// RetryAfterSeconds is the Retry-After of a busy refusal.
	RetryAfterSeconds = 1
)

// Reasons given to [Guard.OnRefuse].
const (
	// RefusedBusy is a 503: every slot was taken for [Guard.Wait].
	RefusedBusy = "busy"
	// RefusedTooLarge is a 413: the declared Content-Length was over [Guard.MaxBody].
	RefusedTooLarge = "too_large"
)

// Guard bounds what one listener accepts before any handler runs: the size of a
// request's body and the number of requests served at once. Its zero value bounds
// nothing.
type Guard struct {
	// MaxInFlight is how many requests are served at once; a request that finds no
	// free slot within Wait is answered 503 with Retry-After. 0 or less: no bound.
	MaxInFlight int
	// Wait is how long a request waits for a free slot (see [SlotWait]).
	Wait time.Duration
	// MaxBody bounds a request's body (see [LimitBody]): a larger declared
	// Content-Length is answered 413 before the body is read and before the request
	// takes a slot. 0 or less: no bound.
	MaxBody int64
	// Exempt are paths whose GET and HEAD requests are served without taking a
	// slot: cheap answers that must keep coming under load, such as the health
	// check (a load balancer must see that the process is alive while it refuses a
	// flood) and the metrics (the operator watches the flood there). The
	// connection bound still applies to them.
	Exempt []string
	// OnRefuse, when set, is told each refusal with its reason (RefusedBusy,
	// RefusedTooLarge), e.g. to count them in metrics.
	OnRefuse func(reason string)
}

// Handler returns next behind the guard's bounds. Each call makes a new set of
// slots, so call it once per listener.
func (g Guard) Handler(next http.Handler) http.Handler {
	var slots chan struct{}
	if g.MaxInFlight > 0 {
		slots = make(chan struct{}, g.MaxInFlight)
	}
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
		if g.MaxBody > 0 && !LimitBody(w, r, g.MaxBody) {
			refused(RefusedTooLarge)
			return
		}
		if slots == nil || (exempt[r.URL.Path] && (r.Method == http.MethodGet || r.Method == http.MethodHead)) {
			next.ServeHTTP(w, r)
			return
		}
		if !acquire(slots, g.Wait, r) {
			if r.Context().Err() != nil {
				return // the client is gone; nobody reads an answer
			}
			refused(RefusedBusy)
			refuseBusy(w, g.MaxInFlight)
			return
		}
		defer func() { <-slots }()
		next.ServeHTTP(w, r)
	})
}

// acquire takes a slot, waiting up to wait for one; false when none came or the
// request ended first.
func acquire(slots chan struct{}, wait time.Duration, r *http.Request) bool {
	select {
	case slots <- struct{}{}:
		return true
	default:
	}
	if wait <= 0 {
		return false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-r.Context().Done():
		return false
	}
}

// refuseBusy answers 503 with Retry-After and a JSON body that says why.
func refuseBusy(w http.ResponseWriter, max int) {
	w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
	writeError(w, http.StatusServiceUnavailable, "busy",
		fmt.Sprintf("The server is busy: it serves at most %d requests at once and all are taken. Retry in %d s.", max, RetryAfterSeconds))
}
