package httpserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

// LimitBody bounds r's body to max bytes. A body whose declared Content-Length is
// over max is refused at once, before any of it is read: LimitBody answers 413 with
// a JSON body saying the bound and reports false, and the caller must return. Any
// other body (chunked, or declared within max) is wrapped with
// http.MaxBytesReader, so reading past max fails with *http.MaxBytesError.
func LimitBody(w http.ResponseWriter, r *http.Request, max int64) bool {
	if r.ContentLength > max {
		RefuseTooLarge(w, r.ContentLength, max)
		return false
	}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(w, r.Body, max)
	}
	return true
}

// RefuseTooLarge answers 413 for a body of size bytes (-1 when unknown) over max,
// with a JSON body {"error": "request_too_large", "message": …} that says the
// bound. The connection is closed after the answer, so the rest of the body is
// never read.
func RefuseTooLarge(w http.ResponseWriter, size, max int64) {
	msg := fmt.Sprintf("The request body is over %s, the most this endpoint accepts.", sizeText(max))
	if size >= 0 {
		msg = fmt.Sprintf("The request body is %d bytes; this endpoint accepts at most %s.", size, sizeText(max))
	}
	w.Header().Set("Connection", "close")
	writeError(w, http.StatusRequestEntityTooLarge, "request_too_large", msg)
}

// sizeText says n bytes in KiB or MiB when it is a whole number of them.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB (%d bytes)", n>>20, n)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB (%d bytes)", n>>10, n)
	}
	return fmt.Sprintf("%d bytes", n)
}

// writeError answers status with {"error": code, "message": msg}.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	body, _ := json.Marshal(map[string]string{"error": code, "message": msg})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// bodyBudget counts the bytes of request bodies a listener holds, up to max.
type bodyBudget struct {
	max  int64
	used atomic.Int64
}

// errBudget ends reading a body that would take the bodies held past the budget.
var errBudget = errors.New("the request bodies held reached their bound")

// charge counts n more bytes; false when that takes the total over the bound
// (they stay counted until released).
func (b *bodyBudget) charge(n int64) bool {
	return b.used.Add(n) <= b.max
}

// release gives back n bytes.
func (b *bodyBudget) release(n int64) {
	if n > 0 {
		b.used.Add(-n)
	}
}

// firstBuffer is the most a body's buffer takes before its first bytes arrive,
// so that bodies that are declared large but stall cost little. It is not
// charged to the budget (the connection bound bounds it: 2 MiB at the
// defaults), so that small requests are never refused for the budget.
const firstBuffer = 4 << 10

// readAll reads r whole into a buffer that grows as the bytes arrive, charging
// budget for every buffer it allocates past the first (the ones outgrown are
// garbage until the next collection, so they count too). The buffer starts at [firstBuffer] at
// most; then it doubles, or once the first one is full grows at once to the
// declared length (≥ 0 when known); it never grows past limit (> 0: the body's
// bound plus one, as far as http.MaxBytesReader reads). It returns the bytes,
// what it charged, and errBudget when a buffer would take the budget past its
// bound.
func readAll(r io.Reader, declared, limit int64, budget *bodyBudget) ([]byte, int64, error) {
	var (
		buf     []byte
		charged int64
	)
	for {
		if len(buf) == cap(buf) {
			size := int64(firstBuffer)
			if buf != nil {
				size = 2 * int64(cap(buf))
			}
			if declared >= 0 {
				// One byte past the declared length lets the read see the EOF.
				if buf == nil {
					size = min(size, declared+1)
				} else {
					size = max(size, declared+1)
				}
			}
			if limit > 0 {
				size = min(size, max(limit, int64(cap(buf))+1))
			}
			if buf != nil {
				charged += size
				if !budget.charge(size) {
					return nil, charged, errBudget
				}
			}
			buf = append(make([]byte, 0, size), buf...)
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, charged, nil
		}
		if err != nil {
			return nil, charged, err
		}
	}
}

// readBody reads r's body whole, within g.BodyTimeout (a deadline on the
// connection's reads) and budget, and replaces r.Body with a reader of what it
// read, with r.ContentLength its length, so that the handler reads it from
// memory. It returns the bytes it charged to budget, to release once the request
// is done, and, when it answered the request instead, the reason: 413 past
// g.MaxBody (LimitBody wrapped the body), 408 after the deadline, 503 past the
// budget, 400 for a body that could not be read.
func readBody(w http.ResponseWriter, r *http.Request, g Guard, budget *bodyBudget) (int64, string) {
	if r.Body == nil || r.Body == http.NoBody {
		return 0, ""
	}
	// Servers that cannot set the deadline (a test's recorder) read within their
	// own ReadTimeout.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(g.BodyTimeout))
	var limit int64
	if g.MaxBody > 0 {
		limit = g.MaxBody + 1
	}
	body, held, err := readAll(r.Body, r.ContentLength, limit, budget)
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		r.Body, r.ContentLength, r.TransferEncoding = io.NopCloser(bytes.NewReader(body)), int64(len(body)), nil
		return held, ""
	case errors.As(err, &tooBig):
		RefuseTooLarge(w, -1, tooBig.Limit)
		return held, RefusedTooLarge
	case errors.Is(err, errBudget):
		w.Header().Set("Connection", "close")
		refuseBusy(w, fmt.Sprintf("The server is busy: it holds at most %s of request bodies at once, and they are all taken. Retry in %d s.",
			sizeText(budget.max), RetryAfterSeconds))
		return held, RefusedBusy
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.Header().Set("Connection", "close")
		writeError(w, http.StatusRequestTimeout, "request_timeout",
			fmt.Sprintf("The request body did not arrive within %s; send it at once, as soon as the headers.", g.BodyTimeout))
		return held, RefusedSlowBody
	}
	w.Header().Set("Connection", "close")
	writeError(w, http.StatusBadRequest, "bad_request", "The request body could not be read.")
	return held, RefusedBadBody
}
