package httpserver

import (
	"encoding/json"
	"fmt"
	"net/http"
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
