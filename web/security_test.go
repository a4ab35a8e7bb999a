package web_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/web"
)

// wantHeaders are on every response.
var wantHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	"X-Frame-Options":         "DENY",
	"Referrer-Policy":         "no-referrer",
	"Cache-Control":           "no-store",
	"X-Content-Type-Options":  "nosniff",
}

// TestSecurityHeaders: every kind of answer carries the security headers.
func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, func(o *web.Options) { o.PerLink = 1 })
	limited := e.newLink(acme)
	get(t, limited)
	requests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{name: "the page", req: func() *http.Request { return newRequest(t, http.MethodGet, e.newLink(acme), "") }, status: http.StatusOK},
		{name: "the stylesheet", req: func() *http.Request { return newRequest(t, http.MethodGet, e.url+"/static/web.css", "") }, status: http.StatusOK},
		{name: "no such page", req: func() *http.Request { return newRequest(t, http.MethodGet, e.url+"/nothing", "") }, status: http.StatusNotFound},
		{name: "unknown link", req: func() *http.Request {
			return newRequest(t, http.MethodGet, e.url+"/connect/"+strings.Repeat("x", 43), "")
		}, status: http.StatusNotFound},
		{name: "method", req: func() *http.Request { return newRequest(t, http.MethodDelete, e.newLink(acme), "") }, status: http.StatusMethodNotAllowed},
		{name: "forged post", req: func() *http.Request { return newRequest(t, http.MethodPost, e.newLink(acme), "token=x") }, status: http.StatusForbidden},
		{name: "rate limited", req: func() *http.Request { return newRequest(t, http.MethodGet, limited, "") }, status: http.StatusTooManyRequests},
		{name: "too large", req: func() *http.Request {
			req := newRequest(t, http.MethodPost, e.newLink(acme), "token="+strings.Repeat("a", 1<<20))
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			return req
		}, status: http.StatusRequestEntityTooLarge},
		{name: "expired link", req: func() *http.Request {
			page := e.newLink(acme)
			e.clock.advance(11 * time.Minute)
			return newRequest(t, http.MethodGet, page, "")
		}, status: http.StatusGone},
	}
	for _, tt := range requests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, tt.req())
			require.Equal(t, tt.status, res.status, res.body)
			for k, v := range wantHeaders {
				assert.Equal(t, v, res.header.Get(k), k)
			}
		})
	}
}

// newRequest is a request of method for page with a form body.
func newRequest(t *testing.T, method, page, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, page, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}

// TestCSRF: a form post is refused with 403, and changes nothing, unless it comes
// from the same site with the cookie and the field of one GET of that link's
// page.
func TestCSRF(t *testing.T) {
	tests := []struct {
		name   string
		forge  func(t *testing.T, e *env, f form) *http.Request
		status int
	}{
		{name: "as the browser sent it", status: http.StatusOK,
			forge: func(t *testing.T, e *env, f form) *http.Request { return f.request(t, f.values(goodToken)) }},
		{name: "no cookie", status: http.StatusForbidden, forge: func(t *testing.T, e *env, f form) *http.Request {
			f.cookie = nil
			return f.request(t, f.values(goodToken))
		}},
		{name: "no field", status: http.StatusForbidden, forge: func(t *testing.T, e *env, f form) *http.Request {
			v := f.values(goodToken)
			v.Del("csrf")
			return f.request(t, v)
		}},
		{name: "field of another link's page", status: http.StatusForbidden, forge: func(t *testing.T, e *env, f form) *http.Request {
			g := openForm(t, e.newLink(acme))
			f.csrf = g.csrf
			return f.request(t, f.values(goodToken))
		}},
		{name: "field of another browser", status: http.StatusForbidden, forge: func(t *testing.T, e *env, f form) *http.Request {
			g := openForm(t, f.page)
			f.csrf = g.csrf
			return f.request(t, f.values(goodToken))
		}},
		{name: "cookie and field of another browser", status: http.StatusOK, forge: func(t *testing.T, e *env, f form) *http.Request {
			g := openForm(t, f.page)
			return g.request(t, g.values(goodToken))
		}},
		{name: "tampered field", status: http.StatusForbidden, forge: func(t *testing.T, e *env, f form) *http.Request {
			f.csrf = strings.ToUpper(f.csrf[:1]) + strings.ToLower(f.csrf[1:])
			return f.request(t, f.values(goodToken))
		}},
		{name: "cross-site with the cookie and field", status: http.StatusForbidden, forge: func(t *testing.T, e *env, f form) *http.Request {
			req := f.request(t, f.values(goodToken))
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			return req
		}},
		{name: "other origin with the cookie and field", status: http.StatusForbidden, forge: func(t *testing.T, e *env, f form) *http.Request {
			req := f.request(t, f.values(goodToken))
			req.Header.Del("Sec-Fetch-Site")
			req.Header.Set("Origin", "https://evil.example")
			return req
		}},
		{name: "token in the URL, not the body", status: http.StatusForbidden, forge: func(t *testing.T, e *env, f form) *http.Request {
			req := f.request(t, url.Values{})
			req.URL.RawQuery = f.values(goodToken).Encode()
			return req
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			f := openForm(t, e.newLink(acme))
			res := do(t, tt.forge(t, e, f))
			require.Equal(t, tt.status, res.status, res.body)
			if tt.status != http.StatusForbidden {
				return
			}
			assert.Contains(t, res.body, "<h1>Open the link again</h1>")
			assert.Zero(t, e.gitScrumCalls(), "GitScrum was not asked")
			assert.Equal(t, http.StatusOK, f.post(t, goodToken, acme).status, "the link still works")
		})
	}
}

// values is the form's fields with token and the workspace acme.
func (f form) values(token string) url.Values {
	return url.Values{"csrf": {f.csrf}, "token": {token}, "workspace": {acme}}
}

// TestBodyLimit: a form of 1 MB is refused with 413 whether its length is
// declared or not, and the linker is never asked.
func TestBodyLimit(t *testing.T) {
	big := strings.Repeat("a", 1<<20)
	tests := []struct {
		name    string
		chunked bool
	}{
		{name: "declared length"},
		{name: "chunked", chunked: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			f := openForm(t, e.newLink(acme))
			req := f.request(t, url.Values{"csrf": {f.csrf}, "token": {big}, "workspace": {acme}})
			if tt.chunked {
				req.Body = io.NopCloser(req.Body)
				req.ContentLength = -1
			}
			res := do(t, req)
			require.Equal(t, http.StatusRequestEntityTooLarge, res.status, res.body)
			assert.Contains(t, res.body, "<h1>Form too large</h1>")
			assert.Zero(t, e.gitScrumCalls(), "GitScrum was not asked")
		})
	}
}

// TestBodyLimitCheap: a declared 1 MB body is answered before it is sent.
func TestBodyLimitCheap(t *testing.T) {
	e := newEnv(t)
	page := e.newLink(acme)
	u, err := url.Parse(page)
	require.NoError(t, err)
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(5*time.Second)))
	_, err = io.WriteString(conn, "POST "+u.Path+" HTTP/1.1\r\nHost: "+u.Host+
		"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1048576\r\n\r\n")
	require.NoError(t, err)
	res, err := http.ReadResponse(newReader(conn), nil)
	require.NoError(t, err, "answered with no byte of the body sent")
	assert.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode)
	assert.True(t, res.Close, "the connection closes")
}

// TestRateLimits: beyond the requests allowed a minute per link and per client
// address, the page answers 429 with Retry-After.
func TestRateLimits(t *testing.T) {
	tests := []struct {
		name       string
		opts       func(*web.Options)
		sameLink   bool
		allowed    int
		clientAddr string
	}{
		{name: "per link", opts: func(o *web.Options) { o.PerLink = 3 }, sameLink: true, allowed: 3},
		{name: "per link: other links are not limited", opts: func(o *web.Options) { o.PerLink = 3 }, allowed: 10},
		{name: "per address", opts: func(o *web.Options) { o.PerAddr = 3 }, allowed: 3},
		{name: "per address from a trusted proxy's header", opts: func(o *web.Options) {
			o.PerAddr = 3
			o.ClientAddr = func(r *http.Request) string { return r.Header.Get("X-Test-Client") }
		}, allowed: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts)
			page := e.newLink(acme)
			for i := range tt.allowed + 1 {
				if !tt.sameLink {
					page = e.newLink(acme)
				}
				req := newRequest(t, http.MethodGet, page, "")
				req.Header.Set("X-Test-Client", "203.0.113.7")
				res := do(t, req)
				if i < tt.allowed {
					require.Equal(t, http.StatusOK, res.status, "request %d", i+1)
					continue
				}
				if tt.allowed == 10 {
					require.Equal(t, http.StatusOK, res.status, "request %d", i+1)
					return
				}
				require.Equal(t, http.StatusTooManyRequests, res.status, "request %d", i+1)
				assert.NotEmpty(t, res.header.Get("Retry-After"))
				assert.Contains(t, res.body, "<h1>Too many attempts</h1>")
			}
		})
	}
}

// TestMethods: only GET, HEAD and POST are answered; others get 405 with Allow.
func TestMethods(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{method: http.MethodHead, path: "/connect/", status: http.StatusOK},
		{method: http.MethodPut, path: "/connect/", status: http.StatusMethodNotAllowed, allow: "GET, HEAD, POST"},
		{method: http.MethodDelete, path: "/connect/", status: http.StatusMethodNotAllowed, allow: "GET, HEAD, POST"},
		{method: http.MethodOptions, path: "/connect/", status: http.StatusMethodNotAllowed, allow: "GET, HEAD, POST"},
		{method: http.MethodHead, path: "/static/web.css", status: http.StatusOK},
		{method: http.MethodPost, path: "/static/web.css", status: http.StatusMethodNotAllowed, allow: "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			target := e.url + tt.path
			if tt.path == "/connect/" {
				target = e.newLink(acme)
			}
			req := newRequest(t, tt.method, target, "")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			res := do(t, req)
			require.Equal(t, tt.status, res.status, res.body)
			assert.Equal(t, tt.allow, res.header.Get("Allow"))
		})
	}
}

// TestStylesheet: the stylesheet is served as CSS.
func TestStylesheet(t *testing.T) {
	e := newEnv(t)
	res := get(t, e.url+"/static/web.css")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "text/css; charset=utf-8", res.header.Get("Content-Type"))
	assert.Contains(t, res.body, "box-sizing")
}

// TestSecretsNeverLogged: neither a token nor a link's secret appears in the
// log, whatever the outcome.
func TestSecretsNeverLogged(t *testing.T) {
	e := newEnv(t)
	page := e.newLink(acme)
	secret := page[strings.LastIndex(page, "/")+1:]
	f := openForm(t, page)
	f.post(t, wrongToken, acme)
	f.post(t, goodToken, other)
	up := e.gitScrumDown()
	f.post(t, goodToken, acme)
	up()
	f.post(t, goodToken, acme)
	f.post(t, goodToken, acme)
	do(t, newRequest(t, http.MethodPost, page, "token="+goodToken))
	e.waitLinked()
	logs := e.logs.String()
	require.Contains(t, logs, "account linked", "the log has lines to search")
	for _, s := range []string{goodToken, wrongToken, secret} {
		assertAbsent(t, logs, s, "the log")
	}
}

// TestNew: what New refuses, and the cookie of an https public URL.
func TestNew(t *testing.T) {
	svc := newEnv(t).svc
	tests := []struct {
		name      string
		opts      web.Options
		wantErr   string
		cookie    string
		secureCSR bool
	}{
		{name: "no linker", opts: web.Options{PublicURL: "https://bridge.example"}, wantErr: "Linker is required"},
		{name: "no public URL", opts: web.Options{Linker: svc}, wantErr: "PublicURL is required"},
		{name: "http not on loopback", opts: web.Options{Linker: svc, PublicURL: "http://bridge.example"}, wantErr: "use https"},
		{name: "other scheme", opts: web.Options{Linker: svc, PublicURL: "ftp://bridge.example"}, wantErr: "scheme must be https"},
		{name: "relative", opts: web.Options{Linker: svc, PublicURL: "/bridge"}, wantErr: "not an absolute"},
		{name: "short CSRF key", opts: web.Options{Linker: svc, PublicURL: "https://bridge.example", CSRFKey: make([]byte, 16)},
			wantErr: "CSRFKey has 16 bytes; it needs at least 32"},
		{name: "https", opts: web.Options{Linker: svc, PublicURL: "https://bridge.example/gitscrum"}, cookie: "__Host-gitscrum-csrf", secureCSR: true},
		{name: "http on localhost", opts: web.Options{Linker: svc, PublicURL: "http://localhost:8080"}, cookie: "gitscrum-csrf"},
		{name: "http on ::1", opts: web.Options{Linker: svc, PublicURL: "http://[::1]:8080"}, cookie: "gitscrum-csrf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := web.New(tt.opts)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			secret, _, err := svc.NewLink(t.Context(), testIdentity, testRequest)
			require.NoError(t, err)
			rec := httptestRecorder(srv.Handler(), "/connect/"+secret)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			c, err := http.ParseSetCookie(rec.Header().Get("Set-Cookie"))
			require.NoError(t, err)
			assert.Equal(t, tt.cookie, c.Name)
			assert.Equal(t, tt.secureCSR, c.Secure)
		})
	}
}

// TestConnectURL: the link page's address under a public URL.
func TestConnectURL(t *testing.T) {
	tests := []struct{ public, secret, want string }{
		{"https://bridge.example", "abc_-XYZ", "https://bridge.example/connect/abc_-XYZ"},
		{"https://bridge.example/", "abc", "https://bridge.example/connect/abc"},
		{"https://bridge.example/gitscrum/", "abc", "https://bridge.example/gitscrum/connect/abc"},
		{"http://127.0.0.1:8080", "a/b", "http://127.0.0.1:8080/connect/a%2Fb"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, web.ConnectURL(tt.public, tt.secret), tt.public)
	}
}

// TestCSRFKeyAcrossReplicas: a form opened on one replica is accepted by
// another with the same CSRF key, and refused by one with another key.
func TestCSRFKeyAcrossReplicas(t *testing.T) {
	shared := []byte(strings.Repeat("k", 32))
	tests := []struct {
		name   string
		key    []byte
		status int
	}{
		{name: "same key", key: shared, status: http.StatusOK},
		{name: "other key", key: []byte(strings.Repeat("x", 32)), status: http.StatusForbidden},
		{name: "random key per process", key: nil, status: http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *web.Options) { o.CSRFKey = shared })
			replica, err := web.New(web.Options{Linker: e.svc, PublicURL: e.url, CSRFKey: tt.key})
			require.NoError(t, err)
			other := httptest.NewServer(replica.Handler())
			t.Cleanup(other.Close)
			f := openForm(t, e.newLink(acme))
			f.page = other.URL + f.page[len(e.url):]
			res := f.post(t, goodToken, acme)
			require.Equal(t, tt.status, res.status, res.body)
		})
	}
}
