package web_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/gitscrumtest"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/syncbuf"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
	"github.com/gitscrum-bridge/gitscrum-bridge/web"
)

// The people and tokens of the tests. goodToken is a member of acme only.
const (
	team       = "T0TEAM"
	user       = "U0ALICE"
	userName   = "Alice <Admin> & Co"
	acme       = "acme"
	other      = "other-co"
	goodToken  = "tok-alice-3f9a1c"
	wrongToken = "tok-wrong-77b2e0"
)

// linked is one call of Options.OnLinked.
type linked struct {
	ctx  context.Context
	link accounts.Link
	acct accounts.Account
}

// env is a web.Server over real HTTP in front of a real accounts.Service: a
// store in memory (SQLite) and the GitScrum emulator over HTTP, where goodToken
// is a member of acme only; the service's clock is the test's.
type env struct {
	t      *testing.T
	url    string
	srv    *web.Server
	svc    *accounts.Service
	emu    *emulator.Server
	clock  *clock
	logs   *syncbuf.Buffer
	linked chan linked
}

// fastRetry keeps the tests of GitScrum failures quick.
var fastRetry = gitscrum.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: time.Second}

// newEnv starts the pages; mods change the options before New.
func newEnv(t *testing.T, mods ...func(*web.Options)) *env {
	t.Helper()
	e := &env{t: t, clock: newClock(), logs: &syncbuf.Buffer{}, linked: make(chan linked, 10), emu: emulator.New()}
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.emu.AddWorkspace(acme)
	e.emu.AddWorkspace(other)
	e.emu.AddMemberToken(goodToken, acme)
	base := gitscrumtest.NewClient(t, e.emu, gitscrum.WithRetryPolicy(fastRetry))
	svc, err := accounts.New(storetest.Open(t, store.MemoryURL), accounts.NewEphemeralKeyring(), base,
		accounts.Options{Now: e.clock.Now, Logger: logger})
	require.NoError(t, err)
	e.svc = svc

	ts := httptest.NewUnstartedServer(nil)
	e.url = "http://" + ts.Listener.Addr().String()
	opts := web.Options{
		Linker:    e.svc,
		PublicURL: e.url,
		Logger:    logger,
		OnLinked: func(ctx context.Context, link accounts.Link, acct accounts.Account) {
			e.linked <- linked{ctx: ctx, link: link, acct: acct}
		},
	}
	for _, m := range mods {
		m(&opts)
	}
	srv, err := web.New(opts)
	require.NoError(t, err)
	e.srv = srv
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		srv.Wait()
	})
	return e
}

// gitScrumDown makes GitScrum answer 503 until the returned func is called.
func (e *env) gitScrumDown() (up func()) {
	e.emu.FailNext(1000, http.StatusServiceUnavailable, 0)
	return func() { e.emu.FailNext(0, 0, 0) }
}

// gitScrumCalls is how many requests reached GitScrum.
func (e *env) gitScrumCalls() int { return len(e.emu.Requests()) }

// newLink makes a link for alice with workspace as the form's default and
// returns its page's URL.
func (e *env) newLink(workspace string) string {
	e.t.Helper()
	r := testRequest
	r.Workspace = workspace
	return e.newLinkFor(r)
}

// newLinkFor makes a link for alice with r and returns its page's URL.
func (e *env) newLinkFor(r accounts.LinkRequest) string {
	e.t.Helper()
	secret, _, err := e.svc.NewLink(context.Background(), testIdentity, r)
	require.NoError(e.t, err)
	return web.ConnectURL(e.url, secret)
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends req with no cookie jar and no redirects followed.
func do(t *testing.T, req *http.Request) response {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{status: res.StatusCode, header: res.Header, body: string(body)}
}

// get GETs page.
func get(t *testing.T, page string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, page, nil)
	require.NoError(t, err)
	return do(t, req)
}

// form is a connect form as a browser holds it: the CSRF cookie and field of
// one GET of the page.
type form struct {
	page   string
	cookie *http.Cookie
	csrf   string
}

var csrfField = regexp.MustCompile(`<input type="hidden" name="csrf" value="([^"]+)">`)

// openForm GETs page and returns its form.
func openForm(t *testing.T, page string) form {
	t.Helper()
	res := get(t, page)
	require.Equal(t, http.StatusOK, res.status, res.body)
	m := csrfField.FindStringSubmatch(res.body)
	require.NotNil(t, m, "the page has a CSRF field: %s", res.body)
	cookies, err := http.ParseSetCookie(res.header.Get("Set-Cookie"))
	require.NoError(t, err, "the page sets the CSRF cookie")
	return form{page: page, cookie: cookies, csrf: m[1]}
}

// post sends the form with token and workspace, as the same-origin browser
// that opened it.
func (f form) post(t *testing.T, token, workspace string) response {
	t.Helper()
	return do(t, f.request(t, url.Values{"csrf": {f.csrf}, "token": {token}, "workspace": {workspace}}))
}

// request is a same-origin POST of values to the form's page with its cookie.
func (f form) request(t *testing.T, values url.Values) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.page, strings.NewReader(values.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if f.cookie != nil {
		req.AddCookie(&http.Cookie{Name: f.cookie.Name, Value: f.cookie.Value})
	}
	return req
}

// waitLinked returns the next OnLinked call, failing after 5 s.
func (e *env) waitLinked() linked {
	e.t.Helper()
	select {
	case l := <-e.linked:
		return l
	case <-time.After(5 * time.Second):
		e.t.Fatal("OnLinked was not called within 5 s")
		return linked{}
	}
}

// clock is a settable time for the accounts service.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Now()} }

// Now is the clock's time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// advance moves the clock on by d.
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// assertAbsent fails when s holds secret (a token, a link's secret).
func assertAbsent(t *testing.T, s, secret, where string) {
	t.Helper()
	if strings.Contains(s, secret) {
		t.Errorf("%s holds %q", where, secret)
	}
}

// testIdentity and testRequest make links for alice.
var (
	testIdentity = accounts.Identity{TeamID: team, UserID: user}
	testRequest  = accounts.LinkRequest{UserName: userName, ChannelID: "C0GENERAL", Workspace: acme}
)

// httptestRecorder GETs target from h in process.
func httptestRecorder(h http.Handler, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

// newReader reads HTTP from conn.
func newReader(conn net.Conn) *bufio.Reader { return bufio.NewReader(conn) }
