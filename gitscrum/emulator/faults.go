package emulator

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// Faults injects failures at random, for soak tests. Each request independently fails
// with a 5xx (500, 502 or 503) with probability Rate5xx, or else with a 429 with
// probability Rate429. The zero value injects nothing.
type Faults struct {
	// Rate5xx is the probability, 0 to 1, of a server error.
	Rate5xx float64
	// Rate429 is the probability, 0 to 1, of a rate-limit answer.
	Rate429 float64
	// RetryAfter, when positive, is announced with every injected 429 and 503.
	RetryAfter time.Duration
}

// FailNext makes the next n requests to arrive answer status (429 or a 5xx) with a
// JSON error body, before any check and without changing state. When retryAfter > 0
// the answer has a Retry-After header in whole seconds (rounded up), and a 429 also
// has "retry_after" in the body. A later call replaces what is left of an earlier one;
// n <= 0 cancels it.
func (s *Server) FailNext(n int, status int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = max(n, 0)
	s.failStatus = status
	s.failRetryAfter = retryAfter
}

// DropNext makes the next n requests to arrive get no answer: the server closes the
// connection, and the client sees an error such as io.EOF. Such requests change no
// state. A drop applies before [Server.FailNext]. A later call replaces what is left
// of an earlier one; n <= 0 cancels it.
//
// Go's http.Transport by itself retries a GET or HEAD (or a request with an
// Idempotency-Key header) once when a reused keep-alive connection closes without an
// answer, so a client sees a single drop of such a request only on a fresh connection.
func (s *Server) DropNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropNext = max(n, 0)
}

// FailPage makes the next n requests for page of a list (GET or HEAD
// /contact-companies/clients with ?page=page; a missing or invalid page, or one below
// 1, is page 1) answer status (429 or a 5xx), as [Server.FailNext] does: with a JSON
// error body, a Retry-After header when retryAfter > 0, and before any check. Other
// requests are not affected, so a test can fail page 2 whatever order the pages come
// in. Each page keeps its own count; a later call for the same page replaces what is
// left of an earlier one, and n <= 0 cancels it. [Server.DropNext] and
// [Server.FailNext] apply first.
func (s *Server) FailPage(page, n, status int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 {
		delete(s.pageFaults, page)
		return
	}
	if s.pageFaults == nil {
		s.pageFaults = make(map[int]pageFault)
	}
	s.pageFaults[page] = pageFault{left: n, status: status, retryAfter: retryAfter}
}

// pageFault is what is left of a [Server.FailPage].
type pageFault struct {
	left       int
	status     int
	retryAfter time.Duration
}

// SetFaults sets random failures; the zero Faults turns them off. Drops and failures
// asked for with [Server.DropNext] and [Server.FailNext] apply first.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// fiveXX are the server errors random faults choose from.
var fiveXX = [...]int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}

// chooseFailureLocked decides, when a request arrives, whether it is dropped or failed
// on purpose, and consumes the counters. listPage is the page a list request asks for,
// 0 for any other request. s.mu must be held.
func (s *Server) chooseFailureLocked(p *plan, listPage int) {
	pf, pageFails := s.pageFaults[listPage]
	switch {
	case s.dropNext > 0:
		s.dropNext--
		p.drop = true
	case s.failNext > 0:
		s.failNext--
		p.failStatus = s.failStatus
		p.retryAfter = s.failRetryAfter
	case pageFails:
		if pf.left--; pf.left > 0 {
			s.pageFaults[listPage] = pf
		} else {
			delete(s.pageFaults, listPage)
		}
		p.failStatus = pf.status
		p.retryAfter = pf.retryAfter
	case s.faults.Rate5xx > 0 || s.faults.Rate429 > 0:
		x := s.rng.Float64()
		switch {
		case x < s.faults.Rate5xx:
			p.failStatus = fiveXX[s.rng.IntN(len(fiveXX))]
		case x < s.faults.Rate5xx+s.faults.Rate429:
			p.failStatus = http.StatusTooManyRequests
		default:
			return
		}
		if p.failStatus == http.StatusTooManyRequests || p.failStatus == http.StatusServiceUnavailable {
			p.retryAfter = s.faults.RetryAfter
		}
	}
}

// wait sleeps for d, and reports false when ctx is done first.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// drop closes the connection under w without answering.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 and wrappers that cannot hijack: abort the handler, which makes the
		// server reset the stream or close the connection.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// writeFailure answers an injected failure and returns its status.
func writeFailure(w http.ResponseWriter, status int, retryAfter time.Duration) int {
	body := errorBody{Message: failureMessage(status)}
	if retryAfter > 0 {
		secs := int((retryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		if status == http.StatusTooManyRequests {
			body.RetryAfter = secs
		}
	}
	return writeJSON(w, status, body)
}

// failureMessage is the message of an injected failure, worded as Laravel words it.
func failureMessage(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "Too Many Attempts."
	case http.StatusInternalServerError:
		return "Server Error."
	}
	if text := http.StatusText(status); text != "" {
		return text + "."
	}
	return "Error."
}
