package emulator

import (
	"bytes"
	"net/http"
	"net/url"
)

// Request is one request as the [Server] received it, and what it answered.
type Request struct {
	// Method is the HTTP method, e.g. "GET".
	Method string
	// Path is the URL path, e.g. "/contact-companies/clients".
	Path string
	// Query holds the parsed query string.
	Query url.Values
	// Header holds the request headers, Authorization included.
	Header http.Header
	// Body is the request body as read, at most 1 MiB.
	Body []byte
	// Status is the status answered, or 0 when no answer was sent: the connection was
	// dropped ([Server.DropNext]), the request was cancelled while waiting out the
	// latency, or it is still being served.
	Status int
}

// clone returns a deep copy of r.
func (r *Request) clone() Request {
	c := *r
	c.Header = r.Header.Clone()
	if r.Query != nil {
		c.Query = make(url.Values, len(r.Query))
		for k, v := range r.Query {
			c.Query[k] = append([]string(nil), v...)
		}
	}
	c.Body = bytes.Clone(r.Body)
	return c
}

// Requests returns a copy of the request log in arrival order. Every request is
// logged, also those refused, failed on purpose or dropped.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	recent := s.log
	if s.logLimit > 0 && len(recent) > s.logLimit {
		recent = recent[len(recent)-s.logLimit:]
	}
	out := make([]Request, len(recent))
	for i, r := range recent {
		out[i] = r.clone()
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// SetLogLimit keeps only the n most recent requests in the log, so that long soak
// tests and benchmarks run in bounded memory. With 0 (the default) or less the log
// keeps every request.
func (s *Server) SetLogLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trimLogLocked() // to the old limit, so that lifting it reveals nothing older
	s.logLimit = max(n, 0)
	s.trimLogLocked()
}

// appendLogLocked adds r to the log; s.mu must be held.
func (s *Server) appendLogLocked(r *Request) {
	s.log = append(s.log, r)
	// Trim only when the log has grown to twice the limit, so that trimming costs
	// O(1) per request on average.
	if s.logLimit > 0 && len(s.log) >= 2*s.logLimit {
		s.trimLogLocked()
	}
}

// trimLogLocked drops all but the logLimit most recent requests; s.mu must be held.
func (s *Server) trimLogLocked() {
	if s.logLimit == 0 || len(s.log) <= s.logLimit {
		return
	}
	n := copy(s.log, s.log[len(s.log)-s.logLimit:])
	clear(s.log[n:])
	s.log = s.log[:n]
}

// setStatus records the status answered to a logged request.
func (s *Server) setStatus(r *Request, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.Status = status
}
