package gitscrum

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is the GitScrum API the client talks to unless told otherwise.
const DefaultBaseURL = "https://services.gitscrum.com"

// DefaultUserAgent is the User-Agent a [Client] sends unless [WithUserAgent] sets
// another. It names no version: the library does not know which build of which
// program it runs in. The gitscrum-bridge binaries send
// "gitscrum-bridge/<version>" with [WithUserAgent].
const DefaultUserAgent = "gitscrum-bridge"

// DefaultTimeout bounds a call whose context has no deadline.
const DefaultTimeout = 30 * time.Second

// Size caps for response bodies: an error body is read up to maxErrorBody bytes,
// a success body up to maxResponseBody bytes.
const (
	maxErrorBody    = 64 << 10
	maxResponseBody = 64 << 20
)

// Client speaks the GitScrum REST API for client companies. It is safe for concurrent
// use. Build one with [New].
type Client struct {
	baseURL    *url.URL
	token      string
	httpClient *http.Client
	userAgent  string
	retry      RetryPolicy
	timeout    time.Duration
	observer   Observer
	creates    *createLocks
	// pageConcurrency is how many pages of a list are fetched at once; pageLimit is
	// the most pages a list may have (maxPages, lower in tests).
	pageConcurrency int
	pageLimit       int
	// tokens remembers which tokens GitScrum rejected or accepted moments ago (nil
	// when turned off).
	tokens *tokenGate
	// idKey makes the tokenID of a token, shared with WithToken copies; tokenID is
	// token's, the one name the token gate and the list cache know it by.
	idKey   *tokenIDKey
	tokenID tokenID
	// upstream bounds the requests in flight to GitScrum, shared with WithToken
	// copies (see WithMaxUpstream).
	upstream upstreamSlots
	// cache holds workspace lists, shared with WithToken copies; nil when off.
	cache    *listCache
	cacheCfg cacheConfig
}

// maxIdleConnsPerHost keeps enough warm connections to GitScrum for a server that
// serves many users at once; net/http's default keeps 2.
const maxIdleConnsPerHost = 64

// defaultTransport is net/http's default transport with more idle connections kept
// per host and bounded handshakes.
func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 0 // bounded by the call's context instead
	return t
}

// Option configures a [Client].
type Option func(*Client) error

// New returns a Client with the options applied over the defaults: [DefaultBaseURL],
// no token, a dedicated *http.Client, [DefaultUserAgent],
// [DefaultRetryPolicy], [DefaultTimeout], [DefaultRejectedTokenTTL],
// [DefaultPageConcurrency] and [DefaultMaxUpstream].
func New(opts ...Option) (*Client, error) {
	base, _ := url.Parse(DefaultBaseURL)
	c := &Client{
		baseURL:    base,
		httpClient: &http.Client{Transport: defaultTransport()},
		userAgent:  DefaultUserAgent,
		retry:      DefaultRetryPolicy,
		timeout:    DefaultTimeout,
		creates:    &createLocks{},
		tokens:     newTokenGate(DefaultRejectedTokenTTL),
		idKey:      newTokenIDKey(),
		upstream:   make(upstreamSlots, DefaultMaxUpstream),

		pageConcurrency: DefaultPageConcurrency,
		pageLimit:       maxPages,
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, fmt.Errorf("gitscrum: %w", err)
		}
	}
	c.tokenID = c.idKey.id(c.token)
	c.cache = c.cacheCfg.build(c.observer)
	return c, nil
}

// WithBaseURL sets the API base URL, e.g. "https://services.gitscrum.com" or a
// sandbox's URL. It must be an absolute http(s) URL.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(strings.TrimRight(strings.TrimSpace(raw), "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("base URL %q is not an absolute http(s) URL", raw)
		}
		if u.User != nil {
			return errors.New("base URL must not carry credentials; use WithToken")
		}
		c.baseURL = u
		return nil
	}
}

// WithToken sets the bearer token sent with every request.
func WithToken(token string) Option {
	return func(c *Client) error {
		c.token = strings.TrimSpace(token)
		return nil
	}
}

// WithHTTPClient sets the *http.Client used for requests (for a transport of your own,
// or a test server's client). A nil client is refused.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent sets the User-Agent header, such as "gitscrum-bridge/v1.2.0"; an
// empty ua keeps [DefaultUserAgent].
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if ua != "" {
			c.userAgent = ua
		}
		return nil
	}
}

// WithRetryPolicy sets how reads and updates are retried. See [RetryPolicy].
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		if p.MaxAttempts < 1 {
			p.MaxAttempts = 1
		}
		c.retry = p
		return nil
	}
}

// WithTimeout sets the bound for a call (all its attempts) whose context has no
// deadline. Zero or less keeps [DefaultTimeout].
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d > 0 {
			c.timeout = d
		}
		return nil
	}
}

// WithRejectedTokenTTL sets how long a token that GitScrum rejected (401) is refused
// locally, without being sent again: such a call fails at once with an *Error of
// class [ErrUnauthorized] (StatusCode 401, Sent false, GitScrum's error_code kept)
// saying GitScrum rejected the token moments ago. Default [DefaultRejectedTokenTTL].
//
// With it, a token not yet known to be good has one request in flight at a time: the
// other requests with the same token wait for its answer (or their context), then fail
// at once if GitScrum rejected the token, or all go ahead if it accepted it. A token
// GitScrum accepted is trusted that way for 5 minutes after its latest accepted
// answer. So a flood of requests with one bad token costs GitScrum one request per
// period, however many arrive at once. Tokens are known only by an HMAC-SHA-256 under a
// random key of the client's own (the list cache knows them by the same), and are
// never kept; at most 4,096 verdicts are remembered (the oldest goes first), well
// under 2 MiB. The memory is shared by the copies [Client.WithToken] makes.
//
// Zero or less turns all of this off: every request goes to GitScrum.
func WithRejectedTokenTTL(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			c.tokens = nil
			return nil
		}
		c.tokens = newTokenGate(d)
		return nil
	}
}

// WithPageConcurrency sets how many pages of a paginated list [Client.ListClients]
// fetches at once, once page 1 has told how many there are. 1 fetches them one after
// another; zero or less keeps [DefaultPageConcurrency]. The result is the same either
// way; only the time differs.
func WithPageConcurrency(n int) Option {
	return func(c *Client) error {
		if n > 0 {
			c.pageConcurrency = n
		}
		return nil
	}
}

// WithObserver sets an [Observer] told of every attempt, for metrics.
func WithObserver(o Observer) Option {
	return func(c *Client) error {
		c.observer = o
		return nil
	}
}

// WithToken returns a copy of c that sends token instead of c's own; the copy shares
// c's connection pool. Servers use it to act for the user of one request.
func (c *Client) WithToken(token string) *Client {
	cp := *c
	cp.token = strings.TrimSpace(token)
	cp.tokenID = cp.idKey.id(cp.token)
	return &cp
}

// NameToken returns name applied to the client's token, "" when it has none: how an
// adapter names whoever holds the token (a keyed hash of it, for an audit log)
// without keeping the token itself.
func (c *Client) NameToken(name func(token string) string) string {
	if c.token == "" {
		return ""
	}
	return name(c.token)
}

// HasToken reports whether the client has a token to send.
func (c *Client) HasToken() bool { return c.token != "" }

// BaseURL returns the API base URL the client talks to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// Observer is told of every HTTP attempt a Client makes. Implementations must be safe
// for concurrent use and fast.
type Observer interface {
	// ObserveAttempt reports one attempt: the operation ("list_clients", …), the HTTP
	// status (0 when no response came), how long it took, and whether it is a retry.
	ObserveAttempt(op string, status int, d time.Duration, retry bool)
}

// RejectedTokenObserver is an optional interface of an [Observer]: when the Observer
// given to [WithObserver] implements it, it is told of every call refused without a
// request because GitScrum rejected its token moments ago (see
// [WithRejectedTokenTTL]). Such calls make no attempt, so ObserveAttempt does not see
// them.
type RejectedTokenObserver interface {
	// ObserveRejectedToken reports one call refused locally, by operation name.
	ObserveRejectedToken(op string)
}
