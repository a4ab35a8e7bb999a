package web_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/web"
)

// TestConnectPage: the page says who is linked, pre-fills the workspace, has the
// two labelled fields and the button, and sets the CSRF cookie.
func TestConnectPage(t *testing.T) {
	e := newEnv(t)
	page := e.newLink(acme)
	res := get(t, page)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, "text/html; charset=utf-8", res.header.Get("Content-Type"))
	for _, want := range []string{
		"<h1>Connect GitScrum</h1>",
		"<strong>" + html.EscapeString(userName) + "</strong>",
		"Slack user " + user + " in team " + team,
		`<label for="token">GitScrum API token</label>`,
		`<input id="token" name="token" type="password"`,
		"Settings → API",
		`<label for="workspace">Workspace</label>`,
		`value="` + acme + `"`,
		`<button type="submit">Connect</button>`,
		`<form method="post"`,
		`<link rel="stylesheet" href="../static/web.css">`,
	} {
		assert.Contains(t, res.body, want)
	}
	assert.NotContains(t, res.body, userName, "the name is escaped")
	assert.NotContains(t, res.body, "<script", "no JavaScript")

	cookie, err := http.ParseSetCookie(res.header.Get("Set-Cookie"))
	require.NoError(t, err)
	assert.Equal(t, "gitscrum-csrf", cookie.Name, "no __Host- prefix without Secure (loopback http)")
	assert.True(t, cookie.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, cookie.SameSite)
	assert.Equal(t, "/", cookie.Path)
	assert.False(t, cookie.Secure, "a loopback http public URL: a Secure cookie would be dropped")
}

// TestSubmit: what each answer of the linker shows.
func TestSubmit(t *testing.T) {
	tests := []struct {
		name       string
		token      string
		workspace  string
		setup      func(e *env)
		status     int
		want       []string
		dontWant   []string
		linked     bool
		formFields bool
	}{
		{name: "good token", token: goodToken, workspace: acme, status: http.StatusOK, linked: true,
			want: []string{"<h1>Connected</h1>", "<strong>" + acme + "</strong>", "<code>/gitscrum disconnect</code>"}},
		{name: "token pasted with spaces and newlines", token: " tok-alice-\n3f9a1c \t", workspace: " " + acme + " ",
			status: http.StatusOK, linked: true, want: []string{"<h1>Connected</h1>"}},
		{name: "token GitScrum refuses", token: wrongToken, workspace: acme, status: http.StatusUnprocessableEntity,
			formFields: true, want: []string{`<p class="error" id="token-error" role="alert">`, `aria-invalid="true"`}},
		{name: "empty token", token: "", workspace: acme, status: http.StatusUnprocessableEntity,
			formFields: true, want: []string{`id="token-error"`}},
		{name: "workspace the token does not see", token: goodToken, workspace: other, status: http.StatusUnprocessableEntity,
			formFields: true, want: []string{`<p class="error" id="workspace-error" role="alert">`, `value="` + other + `"`},
			dontWant: []string{`id="token-error"`}},
		{name: "GitScrum down", token: goodToken, workspace: acme, setup: func(e *env) { e.t.Cleanup(e.gitScrumDown()) },
			status: http.StatusServiceUnavailable, want: []string{"<h1>GitScrum did not answer</h1>", "try again", `<a href="">Try again</a>`},
			dontWant: []string{"503", "contact-companies"}},
		{name: "expired link", token: goodToken, workspace: acme, setup: func(e *env) { e.clock.advance(11 * time.Minute) },
			status: http.StatusGone, want: []string{"<h1>Link expired</h1>", "<code>/gitscrum connect</code>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			f := openForm(t, e.newLink(acme))
			if tt.setup != nil {
				tt.setup(e)
			}
			res := f.post(t, tt.token, tt.workspace)
			require.Equal(t, tt.status, res.status, res.body)
			for _, w := range tt.want {
				assert.Contains(t, res.body, w)
			}
			for _, w := range tt.dontWant {
				assert.NotContains(t, res.body, w)
			}
			if tt.token != "" {
				assertAbsent(t, res.body, strings.TrimSpace(tt.token), "the page")
			}
			assertAbsent(t, e.logs.String(), goodToken, "the log")
			if tt.formFields {
				assert.Contains(t, res.body, `<input id="token" name="token" type="password" required`, "the token field is empty")
				assert.NotContains(t, res.body, `name="token" type="password" value`, "the token field is empty")
				assert.Contains(t, res.body, "<strong>"+html.EscapeString(userName)+"</strong>", "the form still says who")
			}
			if tt.linked {
				l := e.waitLinked()
				assert.Equal(t, accounts.Identity{TeamID: team, UserID: user}, l.link.Identity)
				assert.Equal(t, acme, l.acct.Workspace)
				_, hasDeadline := l.ctx.Deadline()
				assert.True(t, hasDeadline, "OnLinked's context is bounded")
				who, err := e.svc.Whoami(t.Context(), testIdentity)
				require.NoError(t, err, "the person is linked")
				assert.Equal(t, acme, who.Workspace)
			} else {
				_, err := e.svc.Whoami(t.Context(), testIdentity)
				assert.ErrorIs(t, err, accounts.ErrNotLinked)
				select {
				case l := <-e.linked:
					t.Errorf("OnLinked called: %+v", l.link)
				default:
				}
			}
		})
	}
}

// TestLinkStates: a used, expired or unknown link shows a page that says so
// and how to get a new link.
func TestLinkStates(t *testing.T) {
	tests := []struct {
		name    string
		page    func(e *env) string
		status  int
		heading string
	}{
		{name: "unknown", page: func(e *env) string { return e.url + "/connect/" + strings.Repeat("A", 43) },
			status: http.StatusNotFound, heading: "Link not found"},
		{name: "malformed", page: func(e *env) string { return e.url + "/connect/short" },
			status: http.StatusNotFound, heading: "Link not found"},
		{name: "expired", page: func(e *env) string { p := e.newLink(acme); e.clock.advance(11 * time.Minute); return p },
			status: http.StatusGone, heading: "Link expired"},
		{name: "used", page: func(e *env) string {
			p := e.newLink(acme)
			res := openForm(t, p).post(t, goodToken, acme)
			require.Equal(t, http.StatusOK, res.status, res.body)
			return p
		}, status: http.StatusGone, heading: "Link already used"},
		{name: "burned after five wrong tokens", page: func(e *env) string {
			p := e.newLink(acme)
			f := openForm(t, p)
			for range 4 {
				require.Equal(t, http.StatusUnprocessableEntity, f.post(t, wrongToken, acme).status)
			}
			// The fifth failure burns the link: its form answers either way.
			assert.Contains(t, []int{http.StatusUnprocessableEntity, http.StatusGone}, f.post(t, wrongToken, acme).status)
			return p
		}, status: http.StatusGone, heading: "Link already used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			page := tt.page(e)
			res := get(t, page)
			require.Equal(t, tt.status, res.status, res.body)
			assert.Contains(t, res.body, "<h1>"+tt.heading+"</h1>")
			assert.Contains(t, res.body, "To get a new link, type <code>/gitscrum connect</code> in Slack.")
			assert.Empty(t, res.header.Get("Set-Cookie"), "no form, no CSRF cookie")
		})
	}
}

// TestSecondSubmit: the form sent twice links once; the second answer says the
// link was used.
func TestSecondSubmit(t *testing.T) {
	e := newEnv(t)
	f := openForm(t, e.newLink(acme))
	require.Equal(t, http.StatusOK, f.post(t, goodToken, acme).status)
	res := f.post(t, goodToken, acme)
	require.Equal(t, http.StatusGone, res.status, res.body)
	assert.Contains(t, res.body, "<h1>Link already used</h1>")
	e.waitLinked()
	select {
	case <-e.linked:
		t.Error("OnLinked called twice")
	case <-time.After(100 * time.Millisecond):
	}
}

// TestOnLinkedInBackground: a slow OnLinked does not hold the page.
func TestOnLinkedInBackground(t *testing.T) {
	release := make(chan struct{})
	e := newEnv(t, func(o *web.Options) {
		o.OnLinkedTimeout = 5 * time.Second
		o.OnLinked = func(ctx context.Context, link accounts.Link, acct accounts.Account) {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
	})
	f := openForm(t, e.newLink(acme))
	start := time.Now()
	res := f.post(t, goodToken, acme)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Less(t, time.Since(start), 2*time.Second, "the page did not wait for OnLinked")
	close(release)
}
