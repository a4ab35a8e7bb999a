package tools

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/ratelimit"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/settings"
)

// Defaults of [NewTokenLimits].
const (
	// DefaultNewTokensPerAddr is how many requests with a token not known to be
	// good one client address may send on to GitScrum a minute, and at once.
	DefaultNewTokensPerAddr = 30
	// DefaultNewTokensTotal is the same for all addresses together.
	DefaultNewTokensTotal = 600
)

// maxLimitedAddrs bounds the client addresses whose buckets are kept; past it the
// one used least recently is forgotten (it comes back full). Each costs about 200
// bytes, so at most about 1 MiB.
const maxLimitedAddrs = 4096

// NewTokenLimits bounds how fast requests with bearer tokens that GitScrum has not
// vouched for reach it: a token that is neither accepted in the last 5 minutes nor
// rejected moments ago (see [gitscrum.Client.FirstContact]). Without it, a client
// that sends a new random token with every request turns each into a GitScrum
// request, since the memory of rejected tokens only covers a token seen before.
// Each limit is a bucket of that many requests, refilled at that many a minute; a
// request beyond it is answered 429 with Retry-After, and nothing goes to GitScrum.
// A token GitScrum accepted recently is never limited, nor is a request that
// cannot reach GitScrum (initialize, tools/list and the like).
type NewTokenLimits struct {
	// PerAddr is the bucket of one client address (an IPv6 address counts by its
	// /64); 0 means [DefaultNewTokensPerAddr]. Behind a reverse proxy every
	// request comes from the proxy's address, so this limits them all together.
	PerAddr int
	// Total is the bucket of all addresses together; 0 means
	// [DefaultNewTokensTotal].
	Total int
}

// Environment variables of [NewTokenLimits] (see [NewTokenLimits.FromEnv]).
const (
	EnvNewTokensPerAddr = "GITSCRUM_NEW_TOKENS_PER_ADDR"
	EnvNewTokensTotal   = "GITSCRUM_NEW_TOKENS_TOTAL"
)

// DefaultNewTokenLimits returns the limits with their defaults spelled out.
func DefaultNewTokenLimits() NewTokenLimits {
	return NewTokenLimits{PerAddr: DefaultNewTokensPerAddr, Total: DefaultNewTokensTotal}
}

// FromEnv sets the limits from [EnvNewTokensPerAddr] and [EnvNewTokensTotal] when
// they are set: whole numbers from 1.
func (l *NewTokenLimits) FromEnv(getenv func(string) string) error {
	if err := settings.FromEnvVar(getenv, EnvNewTokensPerAddr, &l.PerAddr, settings.ParseBound); err != nil {
		return err
	}
	return settings.FromEnvVar(getenv, EnvNewTokensTotal, &l.Total, settings.ParseBound)
}

// RegisterFlags defines --new-tokens-per-addr and --new-tokens-total on fs.
func (l *NewTokenLimits) RegisterFlags(fs *flag.FlagSet) {
	settings.BoundVar(fs, &l.PerAddr, "new-tokens-per-addr",
		"with --http: requests a minute from one client address, `n` at once, with a token GitScrum has not accepted in the last 5 min; beyond, 429 (env "+EnvNewTokensPerAddr+")")
	settings.BoundVar(fs, &l.Total, "new-tokens-total",
		"with --http: the same from all addresses together, `n` a minute and at once (env "+EnvNewTokensTotal+")")
}

// withDefaults returns l with its zero limits set to the defaults.
func (l NewTokenLimits) withDefaults() NewTokenLimits {
	if l.PerAddr <= 0 {
		l.PerAddr = DefaultNewTokensPerAddr
	}
	if l.Total <= 0 {
		l.Total = DefaultNewTokensTotal
	}
	return l
}

// firstContacts holds the buckets of [NewTokenLimits]. It is safe for concurrent
// use.
type firstContacts struct {
	limits NewTokenLimits
	total  *rate.Limiter
	now    func() time.Time

	addrs *ratelimit.Buckets[netip.Prefix]
}

// newFirstContacts returns the buckets of l (its zero limits set to the defaults).
func newFirstContacts(l NewTokenLimits) *firstContacts {
	l = l.withDefaults()
	return &firstContacts{
		limits: l,
		total:  rate.NewLimiter(ratelimit.PerMinute(l.Total), l.Total),
		now:    time.Now,
		addrs:  ratelimit.NewBuckets[netip.Prefix](l.PerAddr, maxLimitedAddrs),
	}
}

// refusal says which bucket refused a request and when to try again.
type refusal struct {
	perAddr bool
	limit   int
	retry   time.Duration
}

// retryAfter is the Retry-After value: whole seconds, at least 1.
func (r refusal) retryAfter() int {
	return ratelimit.RetryAfter(r.retry)
}

// message is the 429's message for the person who reads it.
func (r refusal) message() string {
	who := "all addresses together"
	if r.perAddr {
		who = "your address"
	}
	return fmt.Sprintf("Too many requests with GitScrum tokens that this server has not yet seen GitScrum accept: "+
		"at most %d a minute from %s. Nothing was sent to GitScrum. Try again in %d s; "+
		"once GitScrum has accepted your token, its requests are not limited this way.", r.limit, who, r.retryAfter())
}

// take takes one request from the bucket of remoteAddr (a request's RemoteAddr)
// and from the total one; when either is empty it takes nothing and returns the
// refusal.
func (g *firstContacts) take(remoteAddr string) *refusal {
	now := g.now()
	addr := g.addrs.Bucket(ratelimit.AddrKey(remoteAddr))
	ra := addr.ReserveN(now, 1)
	if d := ra.DelayFrom(now); d > 0 {
		ra.CancelAt(now)
		return &refusal{perAddr: true, limit: g.limits.PerAddr, retry: d}
	}
	rt := g.total.ReserveN(now, 1)
	if d := rt.DelayFrom(now); d > 0 {
		rt.CancelAt(now)
		ra.CancelAt(now)
		return &refusal{limit: g.limits.Total, retry: d}
	}
	return nil
}

// refuseNewToken answers 429 with Retry-After and the refusal's message.
func refuseNewToken(w http.ResponseWriter, r *refusal) {
	w.Header().Set("Retry-After", strconv.Itoa(r.retryAfter()))
	httpserver.WriteJSON(w, http.StatusTooManyRequests, map[string]string{"error": "rate_limited", "message": r.message()})
}

// freeMethods are the methods whose requests never reach GitScrum, so a token
// nobody vouched for may send them unlimited.
var freeMethods = map[string]bool{
	"initialize": true, "ping": true, "logging/setLevel": true,
	"tools/list": true, "resources/list": true, "resources/templates/list": true,
	"prompts/list": true, "subscriptions/listen": true,
}

// mayReachGitScrum reports whether a JSON-RPC body may make a GitScrum request:
// a request of any method but the free ones and notifications. What cannot be read
// as one JSON-RPC object (a batch, or not JSON) counts as one that may.
func mayReachGitScrum(body []byte) bool {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return true
	}
	var msg struct {
		Method *string `json:"method"`
	}
	if json.Unmarshal(trimmed, &msg) != nil {
		return true
	}
	if msg.Method == nil { // an answer to the server
		return false
	}
	return !freeMethods[*msg.Method] && !strings.HasPrefix(*msg.Method, "notifications/")
}
