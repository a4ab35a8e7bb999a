package emulator

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// DefaultToken is the bearer token a new [Server] accepts, unless [WithToken] replaces it.
const DefaultToken = "sandbox-token"

// tokenState is what a Server thinks of a bearer token; the zero value is an unknown
// token.
type tokenState uint8

const (
	tokenUnknown tokenState = iota
	tokenValid
	tokenReadOnly
	tokenExpired
)

// Server is an in-memory GitScrum clients API. It implements [http.Handler]; serve it
// with httptest.NewServer or any http.Server. Create one with [New]; the zero value is
// not usable. All methods are safe for concurrent use, also while requests are served.
type Server struct {
	// mu guards the configuration, the tokens, the injected failures and the request
	// log: everything a request looks at when it arrives.
	mu               sync.Mutex
	tokens           map[string]tokenState
	tokenWorkspaces  map[string]map[string]bool // the workspaces a token is limited to; absent: every one
	pageSize         int
	createdAtObject  bool
	validationStatus int
	latency          time.Duration
	latencyFunc      func() time.Duration
	dropNext         int
	failNext         int
	failStatus       int
	failRetryAfter   time.Duration
	pageFaults       map[int]pageFault
	pageShift        int
	faults           Faults
	rng              *rand.Rand
	log              []*Request
	logLimit         int

	// dataMu guards the workspaces; lists take it for reading only.
	dataMu     sync.RWMutex
	workspaces map[string]*workspace

	// now is the clock for created_at and date_for_humans.
	now func() time.Time
}

var _ http.Handler = (*Server)(nil)

// Option configures a [Server] in [New].
type Option func(*Server)

// New returns a Server that accepts [DefaultToken] and holds no workspace. Options
// apply in order.
func New(opts ...Option) *Server {
	s := &Server{
		tokens:           map[string]tokenState{DefaultToken: tokenValid},
		validationStatus: http.StatusUnprocessableEntity,
		rng:              rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		workspaces:       make(map[string]*workspace),
		now:              time.Now,
	}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// WithToken makes token the only accepted bearer token, replacing [DefaultToken] and
// any token added before. An empty token is never accepted.
func WithToken(token string) Option {
	return func(s *Server) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.tokens = make(map[string]tokenState)
		s.tokenWorkspaces = nil
		if token != "" {
			s.tokens[token] = tokenValid
		}
	}
}

// WithDemoData seeds the demo workspace, as [Server.SeedDemo] does.
func WithDemoData() Option {
	return func(s *Server) { s.SeedDemo() }
}

// AddToken makes token accepted for reads and writes in every workspace, in
// addition to the tokens already accepted. It also revives a token that
// [Server.ExpireToken] expired, or that [Server.AddReadOnlyToken] or
// [Server.AddMemberToken] restricted. An empty token is ignored.
func (s *Server) AddToken(token string) {
	s.setToken(token, tokenValid)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokenWorkspaces, token)
}

// AddMemberToken makes token accepted for reads and writes in the named workspaces
// only, as a GitScrum API token of a person who is a member of those workspaces and
// no other: a request with it for any other workspace is answered 404
// WORKSPACE_NOT_FOUND, as for a workspace that does not exist. Calling it again
// replaces the token's workspaces; [Server.AddToken] lifts the limit. An empty token
// is ignored.
func (s *Server) AddMemberToken(token string, workspaces ...string) {
	if token == "" {
		return
	}
	sees := make(map[string]bool, len(workspaces))
	for _, slug := range workspaces {
		sees[slug] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = tokenValid
	if s.tokenWorkspaces == nil {
		s.tokenWorkspaces = make(map[string]map[string]bool)
	}
	s.tokenWorkspaces[token] = sees
}

// AddReadOnlyToken makes token accepted for reads only: a create or update with it is
// answered 403 {"message":"This action is unauthorized.","error_code":"FORBIDDEN"}.
// An empty token is ignored.
func (s *Server) AddReadOnlyToken(token string) {
	s.setToken(token, tokenReadOnly)
}

// ExpireToken makes every request with token answer 401 with error_code
// TOKEN_EXPIRED, whether or not the token was accepted before. An empty token is
// ignored.
func (s *Server) ExpireToken(token string) {
	s.setToken(token, tokenExpired)
}

func (s *Server) setToken(token string, st tokenState) {
	if token == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = st
}

// SetPageSize sets how many clients a list answers per page. With 0 (the default) a
// list answers every client and no meta, as the GitScrum documentation shows; with
// n > 0 it answers page ?page=N (default 1) of n clients with "meta" and "links", as
// GitScrum has been seen to do. A negative n counts as 0.
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = max(n, 0)
}

// SetPageShift makes every page of a list after the first start n clients early, as
// when n clients were added ahead of them just after page 1 was read: the last n
// clients of each page come again at the start of the next one. With page size 2 and
// clients a, b, c, and n = 1, page 1 is [a, b] and page 2 is [b, c]. The meta of the
// pages after the first counts the n added clients (total + n, last_page to match), so
// a client that follows each page's last_page reads to the end; the added clients
// themselves are never served. 0 (the default) turns it off; n is at most the page
// size, and a negative n counts as 0.
func (s *Server) SetPageShift(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageShift = max(n, 0)
}

// SetCreatedAtObject chooses how created_at is encoded: false (the default) as an
// RFC 3339 string, true as the object {"date_for_humans", "iso8601", "timestamp"}.
func (s *Server) SetCreatedAtObject(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.createdAtObject = on
}

// SetValidationStatus sets the status of a validation failure: 422 (the default), or
// 409, in which case the body also carries "error_code":"VALIDATION_FAILED". Any
// other code counts as 422.
func (s *Server) SetValidationStatus(code int) {
	if code != http.StatusConflict {
		code = http.StatusUnprocessableEntity
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.validationStatus = code
}

// SetLatency delays every answer by d. The wait ends early, with no answer, when the
// request's context is done. [Server.SetLatencyFunc], when set, wins over it.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = max(d, 0)
}

// SetLatencyFunc delays every answer by what f returns, called once per request (under
// the Server's lock, so f need not be safe for concurrent use). It suits random
// latency in soak tests. A nil f clears it, and [Server.SetLatency] applies again.
func (s *Server) SetLatencyFunc(f func() time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latencyFunc = f
}
