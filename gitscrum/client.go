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

// Version is the version of gitscrum-bridge, set at build time with
// -ldflags "-X github.com/gitscrum-bridge/gitscrum-bridge/gitscrum.Version=…".
var Version = "dev"

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
// no token, a dedicated *http.Client, user agent "gitscrum-bridge/<Version>",
// [DefaultRetryPolicy] and [DefaultTimeout].
func New(opts ...Option) (*Client, error) {
	base, _ := url.Parse(DefaultBaseURL)
	c := &Client{
		baseURL:    base,
		httpClient: &http.Client{Transport: defaultTransport()},
		userAgent:  "gitscrum-bridge/" + Version,
		retry:      DefaultRetryPolicy,
		timeout:    DefaultTimeout,
		creates:    &createLocks{},
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, fmt.Errorf("gitscrum: %w", err)
		}
	}
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

// WithUserAgent sets the User-Agent header.
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
	return &cp
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
