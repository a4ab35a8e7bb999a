// Package upstream configures the GitScrum connection shared by the binaries: from
// environment variables and flags (a flag wins over the env), or an embedded sandbox
// (the emulator, gitscrum/emulator, with demo data) when --sandbox is set.
package upstream

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/settings"
)

// Environment variables read by [Config.FromEnv].
const (
	EnvToken       = "GITSCRUM_TOKEN"
	EnvAPIURL      = "GITSCRUM_API_URL"
	EnvCompanySlug = "GITSCRUM_COMPANY_SLUG"
	EnvTimeout     = "GITSCRUM_TIMEOUT"
	EnvCacheTTL    = "GITSCRUM_CACHE_TTL"
	EnvMaxUpstream = "GITSCRUM_MAX_UPSTREAM"
)

// Config says where GitScrum is and how to reach it.
type Config struct {
	// APIURL is the GitScrum API base URL.
	APIURL string
	// Token is the GitScrum API token. It is never logged.
	Token string
	// CompanySlug is the default workspace.
	CompanySlug string
	// Sandbox embeds the emulator with demo data instead of calling GitScrum.
	Sandbox bool
	// Timeout bounds one GitScrum call, retries included.
	Timeout time.Duration
	// CacheTTL is how long a workspace's client list is served from the list cache
	// before it is refreshed; 0 turns the cache off. See gitscrum.WithCacheTTL.
	CacheTTL time.Duration
	// MaxUpstream bounds the requests in flight to GitScrum at once, for the whole
	// process; more wait. See gitscrum.WithMaxUpstream.
	MaxUpstream int
}

// FromEnv returns the configuration the environment gives, with defaults.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		APIURL:      firstSet(getenv(EnvAPIURL), gitscrum.DefaultBaseURL),
		Token:       strings.TrimSpace(getenv(EnvToken)),
		CompanySlug: strings.TrimSpace(getenv(EnvCompanySlug)),
		Timeout:     15 * time.Second,
		CacheTTL:    gitscrum.DefaultCacheTTL,
		MaxUpstream: gitscrum.DefaultMaxUpstream,
	}
	if err := settings.FromEnvVar(getenv, EnvTimeout, &c.Timeout, settings.ParseTimeout); err != nil {
		return c, err
	}
	if err := settings.FromEnvVar(getenv, EnvCacheTTL, &c.CacheTTL, settings.ParseWait); err != nil {
		return c, err
	}
	if err := settings.FromEnvVar(getenv, EnvMaxUpstream, &c.MaxUpstream, settings.ParseBound); err != nil {
		return c, err
	}
	return c, nil
}

// RegisterFlags adds --api-url, --company-slug, --sandbox, --timeout, --cache-ttl and --max-upstream to fs, with
// the current values as defaults, so flags parsed later win over the env. The token
// has no flag: a flag would show it in process listings; set GITSCRUM_TOKEN.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.APIURL, "api-url", c.APIURL, "GitScrum API base URL (env "+EnvAPIURL+")")
	fs.StringVar(&c.CompanySlug, "company-slug", c.CompanySlug, "default workspace slug (env "+EnvCompanySlug+")")
	settings.BoolVar(fs, &c.Sandbox, "sandbox", "use an embedded GitScrum emulator with demo data; no token needed")
	settings.TimeoutVar(fs, &c.Timeout, "timeout", "bound for one GitScrum call, retries included, a `duration` above 0 (env "+EnvTimeout+")")
	settings.BoundVar(fs, &c.MaxUpstream, "max-upstream", "send at most `n` requests to GitScrum at once, for the whole process; more wait, within their call's timeout (env "+EnvMaxUpstream+")")
	settings.WaitVar(fs, &c.CacheTTL, "cache-ttl", "how long a workspace's client list is served from memory before it is refreshed, a `duration`; 0 turns the cache off (env "+EnvCacheTTL+")")
}

// Upstream is a ready GitScrum connection.
type Upstream struct {
	// Client talks to GitScrum, or to the sandbox.
	Client *gitscrum.Client
	// CompanySlug is the default workspace ("" when none is configured).
	CompanySlug string
	// Sandbox is the embedded emulator, or nil.
	Sandbox *emulator.Server

	server *http.Server
}

// Open builds the client. In sandbox mode it starts the emulator on a loopback port,
// uses its token and, unless one is configured, its demo workspace, and says so on
// logger. opts are applied after the configured ones.
func (c Config) Open(logger *slog.Logger, opts ...gitscrum.Option) (*Upstream, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	u := &Upstream{CompanySlug: c.CompanySlug}
	if c.CacheTTL < 0 {
		return nil, fmt.Errorf("--cache-ttl %s is negative; use 0 to turn the cache off", c.CacheTTL)
	}
	base := []gitscrum.Option{
		gitscrum.WithBaseURL(c.APIURL),
		gitscrum.WithToken(c.Token),
		gitscrum.WithTimeout(c.Timeout),
		gitscrum.WithCacheTTL(c.CacheTTL),
		gitscrum.WithMaxUpstream(c.MaxUpstream),
	}
	if c.Sandbox {
		u.Sandbox = emulator.New(emulator.WithDemoData())
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("sandbox: listen: %w", err)
		}
		// The emulator answers at once unless told to be slow; never cut an answer
		// before the client gives up on it.
		u.server = httpserver.ForSlowest(c.Timeout).Server(u.Sandbox, logger)
		go func() { _ = u.server.Serve(l) }()
		url := "http://" + l.Addr().String()
		base = []gitscrum.Option{
			gitscrum.WithBaseURL(url),
			gitscrum.WithToken(emulator.DefaultToken),
			gitscrum.WithTimeout(c.Timeout),
			gitscrum.WithCacheTTL(c.CacheTTL),
			gitscrum.WithMaxUpstream(c.MaxUpstream),
		}
		if u.CompanySlug == "" {
			u.CompanySlug = emulator.DemoWorkspace
		}
		logger.Warn("sandbox mode: serving demo data from an embedded GitScrum emulator; nothing reaches GitScrum",
			"api_url", url, "company_slug", u.CompanySlug)
	}
	client, err := gitscrum.New(append(base, opts...)...)
	if err != nil {
		u.Close()
		return nil, err
	}
	u.Client = client
	return u, nil
}

// Close stops the embedded sandbox, if any.
func (u *Upstream) Close() {
	if u.server == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := u.server.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		_ = u.server.Close()
	}
}

func firstSet(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
