package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/ratelimit"
)

// Linker reads and completes one-time links; *accounts.Service is one.
type Linker interface {
	// Link returns the link of secret: accounts.ErrLinkUnknown, ErrLinkUsed or
	// ErrLinkExpired when it cannot be used.
	Link(ctx context.Context, secret string) (accounts.Link, error)
	// CompleteLink checks apiToken on workspace with GitScrum and links the
	// link's identity to it. A *accounts.FormError is a mistake the person can
	// fix; any other error but the link errors means GitScrum (or the store) did
	// not answer.
	CompleteLink(ctx context.Context, secret, apiToken, workspace string) (accounts.Link, accounts.Account, error)
}

// Defaults of [Options].
const (
	// DefaultOnLinkedTimeout bounds a call of Options.OnLinked.
	DefaultOnLinkedTimeout = 30 * time.Second
	// DefaultPerAddr is how many requests a minute one client address may make
	// to the connect page.
	DefaultPerAddr = 60
	// DefaultPerLink is how many requests a minute one link's page may get.
	DefaultPerLink = 20
	// MaxBody is the most a form body may hold; a larger one is answered 413.
	MaxBody = 16 << 10
	// LinkerTimeout bounds each call of the Linker (reading a link, checking a
	// token with GitScrum and linking it): beyond, the page says GitScrum did not
	// answer.
	LinkerTimeout = 30 * time.Second
)

// minCSRFKey is the fewest bytes Options.CSRFKey may have.
const minCSRFKey = 32

// maxTracked bounds how many client addresses, and how many links, the rate
// limits remember at once (the least recently seen are forgotten first).
const maxTracked = 10000

// Options configure a [Server].
type Options struct {
	// Linker reads and completes the one-time links. Required.
	Linker Linker
	// OnLinked, when set, is called once a person is linked, in the background
	// (the page does not wait for it) with a context bounded by
	// OnLinkedTimeout; it tells the person in Slack.
	OnLinked func(ctx context.Context, link accounts.Link, acct accounts.Account)
	// OnLinkedTimeout bounds an OnLinked call (0: [DefaultOnLinkedTimeout]).
	OnLinkedTimeout time.Duration
	// PublicURL is where people's browsers reach the pages: an https URL, or an
	// http one on a loopback address (then the CSRF cookie is not marked Secure).
	// Required.
	PublicURL string
	// Logger receives a line per link completed or refused, never a token or a
	// link's secret (nil: no logging).
	Logger *slog.Logger
	// PerAddr is how many requests a minute one client address (an IPv4
	// address, or the /64 of an IPv6 one) may make to the connect page (0:
	// [DefaultPerAddr]).
	PerAddr int
	// PerLink is how many requests a minute one link's page may get (0:
	// [DefaultPerLink]).
	PerLink int
	// CSRFKey is the key the forms' CSRF tokens are made with, at least 32
	// bytes. Replicas behind one public URL need the same key (a page served by
	// one may be posted to another); nil: a random key per process, so a form
	// opened before a restart is refused (the person reopens the link).
	CSRFKey []byte
	// ClientAddr returns the address a request comes from, for the rate limit
	// by address: set it when a trusted proxy in front says who the client is
	// (nil: the request's RemoteAddr).
	ClientAddr func(*http.Request) string
}

// Server serves the pages. Make one with [New].
type Server struct {
	linker          Linker
	onLinked        func(context.Context, accounts.Link, accounts.Account)
	onLinkedTimeout time.Duration
	log             *slog.Logger
	clientAddr      func(*http.Request) string
	secure          bool
	csrf            csrfKey
	pages           *pages
	byAddr          *ratelimit.Buckets[netip.Prefix]
	byLink          *ratelimit.Buckets[[sha256.Size]byte]
	background      sync.WaitGroup
	handler         http.Handler
}

// New returns a Server for opts, or an error naming what is missing or wrong.
func New(opts Options) (*Server, error) {
	if opts.Linker == nil {
		return nil, errors.New("web: Options.Linker is required")
	}
	origin, secure, err := parsePublicURL(opts.PublicURL)
	if err != nil {
		return nil, err
	}
	pg, err := loadPages()
	if err != nil {
		return nil, err
	}
	s := &Server{
		linker:          opts.Linker,
		onLinked:        opts.OnLinked,
		onLinkedTimeout: opts.OnLinkedTimeout,
		log:             opts.Logger,
		clientAddr:      opts.ClientAddr,
		secure:          secure,
		pages:           pg,
		byAddr:          ratelimit.NewBuckets[netip.Prefix](orDefault(opts.PerAddr, DefaultPerAddr), maxTracked),
		byLink:          ratelimit.NewBuckets[[sha256.Size]byte](orDefault(opts.PerLink, DefaultPerLink), maxTracked),
	}
	if s.onLinkedTimeout <= 0 {
		s.onLinkedTimeout = DefaultOnLinkedTimeout
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.clientAddr == nil {
		s.clientAddr = func(r *http.Request) string { return r.RemoteAddr }
	}
	switch {
	case opts.CSRFKey == nil:
		_, _ = rand.Read(s.csrf[:]) // crypto/rand.Read never fails
	case len(opts.CSRFKey) < minCSRFKey:
		return nil, fmt.Errorf("web: Options.CSRFKey has %d bytes; it needs at least %d", len(opts.CSRFKey), minCSRFKey)
	default:
		s.csrf = sha256.Sum256(opts.CSRFKey)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/connect/{secret}", s.connect)
	mux.HandleFunc("/static/web.css", s.stylesheet)
	mux.HandleFunc("/", s.notFound)

	cop := http.NewCrossOriginProtection()
	if err := cop.AddTrustedOrigin(origin); err != nil {
		return nil, fmt.Errorf("web: public URL %q: %w", opts.PublicURL, err)
	}
	cop.SetDenyHandler(http.HandlerFunc(s.forged))
	s.handler = secureHeaders(cop.Handler(mux))
	return s, nil
}

// Handler returns the handler of the pages, to be mounted at the root of the
// public URL.
func (s *Server) Handler() http.Handler { return s.handler }

// Wait waits for the OnLinked calls in flight to return (each is bounded by
// OnLinkedTimeout). Call it after the HTTP server has stopped.
func (s *Server) Wait() { s.background.Wait() }

// parsePublicURL checks publicURL and returns its origin and whether cookies
// must be Secure: an https URL must; an http one is allowed only on a loopback
// address, where they must not be (a browser drops a Secure cookie sent over
// http).
func parsePublicURL(publicURL string) (origin string, secure bool, err error) {
	if publicURL == "" {
		return "", false, errors.New("web: Options.PublicURL is required (where people's browsers reach the pages)")
	}
	u, err := url.Parse(publicURL)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", false, fmt.Errorf("web: public URL %q is not an absolute http(s) URL without user, query or fragment", publicURL)
	}
	switch u.Scheme {
	case "https":
		secure = true
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", false, fmt.Errorf("web: public URL %q: http is allowed only on a loopback address (people type their GitScrum token on these pages); use https", publicURL)
		}
	default:
		return "", false, fmt.Errorf("web: public URL %q: the scheme must be https (or http on a loopback address)", publicURL)
	}
	return u.Scheme + "://" + u.Host, secure, nil
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// orDefault is n, or def when n ≤ 0.
func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}
