package tools

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/version"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools/internal/mcpfix"
)

// Paths served by [NewHTTPHandler].
const (
	// MCPPath is the streamable HTTP endpoint.
	MCPPath = "/mcp"
	// HealthPath answers GET with 200 while the process serves.
	HealthPath = httpserver.HealthPath
)

// MaxRequestBody bounds one JSON-RPC message over HTTP: a body declared larger is
// refused with 413 before it is read, and reading a chunked body stops there. The
// largest legitimate message is a tools/call of update_client with every argument
// at its length cap; it must stay well below this even with every character
// escaped as \uXXXX (6 bytes, 12 for a surrogate pair). 256 KiB also bounds what a
// flood holds: at most --max-in-flight × 256 KiB of bodies at once (16 MiB at the
// default 64), where 1 MiB allowed 64 MiB.
const MaxRequestBody = 256 << 10

// authRealm is the realm of the WWW-Authenticate challenge.
const authRealm = "gitscrum-mcp"

// HTTPOptions configures [NewHTTPHandler].
type HTTPOptions struct {
	// Client is the base GitScrum client. A request's bearer token is applied to it
	// with [gitscrum.Client.WithToken], so one deployment serves many users; the
	// copies share its connection pool. Required.
	Client *gitscrum.Client
	// Loopback says the server listens on a loopback address only (see
	// [IsLoopbackAddr]). Only then may a request without a token use Client's own
	// token (GITSCRUM_TOKEN), and only when it carries none of [ForwardingHeaders]:
	// a request relayed by a proxy on the same host comes from anywhere. Any other
	// request without a token is answered 401 with WWW-Authenticate: Bearer.
	Loopback bool
	// Sandbox says Client talks to the embedded emulator: every request uses it as
	// it is, with or without a token, since the sandbox holds demo data only.
	Sandbox bool
	// Logger receives the transport's own warnings; nil discards them.
	Logger *slog.Logger
	// Version is the product's version, reported by GET [HealthPath]; "" is
	// version.Dev.
	Version string
	// NewTokens bounds how fast requests with tokens GitScrum has not vouched for
	// reach it; its zero limits are the defaults.
	NewTokens NewTokenLimits
}

// NewHTTPHandler returns the HTTP side of the server: streamable HTTP (stateless,
// no server-initiated GET stream) at [MCPPath], and read-only at [ReadOnlyPath],
// behind the bearer-token rule of [HTTPOptions], and GET [HealthPath]. A request
// may narrow the tools it sees with [ToolsHeader] and [ReadOnlyHeader] (an
// unknown tool name or a value that is not a boolean is answered 400). DNS-rebinding protection stays on: a request
// that arrives over loopback must name a loopback Host, and, when it sends an
// Origin, a loopback Origin. It is one http.Handler, so middleware such as metrics
// can wrap it whole.
func NewHTTPHandler(s *server.MCPServer, o HTTPOptions) http.Handler {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	streamable := server.NewStreamableHTTPServer(s,
		server.WithStateLess(true),
		server.WithDisableStreaming(true),
		server.WithStreamableHTTPLogger(logger),
	)
	fixed := mcpfix.HTTP(streamable)
	a := &authenticator{o: o, newTokens: newFirstContacts(o.NewTokens), log: logger}
	endpoint := func(readOnly bool) http.Handler {
		return checkOrigin(a.wrap(narrow(readOnly, fixed)))
	}
	mux := http.NewServeMux()
	mux.Handle(MCPPath, endpoint(false))
	mux.Handle(ReadOnlyPath, endpoint(true))
	ver := o.Version
	if ver == "" {
		ver = version.Dev
	}
	mux.Handle(HealthPath, httpserver.Health(ServerName, ver))
	return mux
}

// ForwardingHeaders are the request headers by which a proxy says it relayed a
// request (the standard Forwarded and Via, and the de facto ones of common
// proxies and CDNs). A request that carries any of them, with any value, never
// acts with the server's own token.
var ForwardingHeaders = []string{
	"Forwarded", "Via",
	"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port",
	"X-Forwarded-Server", "X-Forwarded-Prefix", "X-Original-Forwarded-For",
	"X-Real-IP", "True-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP",
	"X-Client-IP", "X-Cluster-Client-IP", "Client-IP", "X-ProxyUser-IP",
}

// forwardedBy returns the first of [ForwardingHeaders] that r carries, or "".
func forwardedBy(r *http.Request) string {
	for _, h := range ForwardingHeaders {
		if _, ok := r.Header[http.CanonicalHeaderKey(h)]; ok {
			return h
		}
	}
	return ""
}

// authenticator binds to each request the GitScrum client its calls use, and
// bounds how fast tokens nobody vouched for reach GitScrum (see [NewTokenLimits]).
type authenticator struct {
	o         HTTPOptions
	newTokens *firstContacts
	log       *slog.Logger
	// lastWarned is when the refusal of a new token was last logged (Unix
	// nanoseconds): at most once a minute.
	lastWarned atomic.Int64
}

// wrap binds to each request the client its calls use: one with the request's
// bearer token; without a token, the server's own only on loopback and only for a
// request no proxy relayed. It first bounds the body ([MaxRequestBody]).
func (a *authenticator) wrap(next http.Handler) http.Handler {
	o := a.o
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !httpserver.LimitBody(w, r, MaxRequestBody) {
			return
		}
		if r.ContentLength < 0 {
			if _, ok := readBody(w, r); !ok {
				return
			}
		}
		ctx := r.Context()
		if o.Sandbox {
			next.ServeHTTP(w, r.WithContext(withClient(ctx, o.Client, sourceSandbox)))
			return
		}
		token, present, valid := bearerToken(r)
		proxy := forwardedBy(r)
		switch {
		case present && !valid:
			unauthorized(w, "invalid_request", `The Authorization header must be "Bearer <GitScrum API token>".`)
			return
		case valid:
			client := o.Client.WithToken(token)
			if client.FirstContact() && !a.admitNewToken(w, r) {
				return
			}
			ctx = withClient(ctx, client, sourceHeader)
		case o.Loopback && o.Client.HasToken() && proxy == "":
			ctx = withClient(ctx, o.Client, sourceServer)
		default:
			msg := `Send your GitScrum API token (GitScrum → Settings → API) as "Authorization: Bearer <token>".`
			switch {
			case !o.Loopback:
				msg += " This server listens on a non-loopback address, so it never acts with a token of its own."
			case proxy != "" && o.Client.HasToken():
				msg += " This request came through a proxy (it carries " + proxy + "), so the server does not act with its own token for it."
			}
			unauthorized(w, "", msg)
			return
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// admitNewToken takes a request with a token that is GitScrum's first contact
// from the buckets of [NewTokenLimits], when it may reach GitScrum at all (its
// body is read for its method). It reports false after answering 429 or a body
// error.
func (a *authenticator) admitNewToken(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost {
		return true
	}
	body, ok := readBody(w, r)
	if !ok {
		return false
	}
	if !mayReachGitScrum(body) {
		return true
	}
	refused := a.newTokens.take(r.RemoteAddr)
	if refused == nil {
		return true
	}
	now := time.Now().UnixNano()
	if last := a.lastWarned.Load(); now-last >= int64(time.Minute) && a.lastWarned.CompareAndSwap(last, now) {
		a.log.Warn("refusing requests with tokens GitScrum has not accepted yet: the new-token limit is reached (logged at most once a minute)",
			"per_addr", refused.perAddr, "limit_per_minute", refused.limit, "remote_addr", r.RemoteAddr)
	}
	refuseNewToken(w, refused)
	return false
}

// readBody reads a POST body here, within the bound LimitBody set, so that going
// over it (a chunked body) is answered 413 as a declared size is (mcp-go would
// answer a JSON-RPC parse error), and puts it back to be read again. It returns
// the body, or false after answering.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody {
		return nil, true
	}
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		httpserver.RefuseTooLarge(w, r.ContentLength, MaxRequestBody)
		return nil, false
	case err != nil:
		httpserver.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "bad_request", "message": "The request body could not be read."})
		return nil, false
	}
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	return body, true
}

// bearerToken reads "Authorization: Bearer <token>". present reports whether the
// header was sent at all, valid whether it held a bearer token.
func bearerToken(r *http.Request) (token string, present, valid bool) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		return "", false, false
	}
	scheme, rest, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(rest)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return "", true, false
	}
	return token, true, true
}

// unauthorized answers 401 with a Bearer challenge and a JSON body.
func unauthorized(w http.ResponseWriter, code, msg string) {
	challenge := fmt.Sprintf("Bearer realm=%q", authRealm)
	if code != "" {
		challenge += fmt.Sprintf(", error=%q", code)
	}
	w.Header().Set("WWW-Authenticate", challenge)
	httpserver.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized", "message": msg})
}

// checkOrigin refuses, with 403, a request that arrived over a loopback connection
// with an Origin that is not loopback: a web page must not drive a local server.
// (mcp-go checks the Host header the same way.)
func checkOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && arrivedOnLoopback(r) && !loopbackOrigin(origin) {
			httpserver.WriteJSON(w, http.StatusForbidden, map[string]string{"error": "forbidden", "message": "Origin " + origin + " may not use this local server."})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// arrivedOnLoopback reports whether the request's connection is to a loopback
// address.
func arrivedOnLoopback(r *http.Request) bool {
	addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	return ok && IsLoopbackAddr(addr)
}

// loopbackOrigin reports whether an Origin names a loopback host.
func loopbackOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// IsLoopbackAddr reports whether addr is a loopback address (127.0.0.0/8 or ::1).
// A listener on all interfaces (0.0.0.0, ::) is not loopback.
func IsLoopbackAddr(addr net.Addr) bool {
	switch a := addr.(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case nil:
		return false
	}
	ap, err := netip.ParseAddrPort(addr.String())
	return err == nil && ap.Addr().IsLoopback()
}
