package web_test

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/browser"
)

// The page texts a person finds things by.
const (
	tokenLabel     = "GitScrum API token"
	workspaceLabel = "Workspace"
	connectButton  = "Connect"
)

// open navigates the tab to page and returns the status of its answer.
func open(t *testing.T, ctx context.Context, page string) int64 {
	t.Helper()
	res, err := chromedp.Run(step(t, ctx), chromedp.NavigateResponse(page))
	require.NoError(t, err, "opening %s", page)
	return res.Status
}

// fillAndConnect types token and workspace into the fields their labels name,
// clicks Connect and returns the status of the page that answers.
func fillAndConnect(t *testing.T, ctx context.Context, token, workspace string) int64 {
	t.Helper()
	require.NoError(t, chromedp.Do(step(t, ctx),
		chromedp.SendKeys(browser.ByLabel(tokenLabel), token),
		chromedp.Clear(browser.ByLabel(workspaceLabel)),
		chromedp.SendKeys(browser.ByLabel(workspaceLabel), workspace),
	), "filling the form")
	res, err := chromedp.RunResponse(step(t, ctx), chromedp.Click(browser.ByText(connectButton)))
	require.NoError(t, err, "clicking %s", connectButton)
	return res.Status
}

// stepTimeout bounds one step on a page: finding an element that is not there
// fails after it.
const stepTimeout = 10 * time.Second

// step is ctx bounded by stepTimeout (the tab outlives it).
func step(t *testing.T, ctx context.Context) context.Context {
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	t.Cleanup(cancel)
	return ctx
}

// text is the text of the elements sel finds, joined.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(step(t, ctx), chromedp.Text(chromedp.CSS(sel)))
	require.NoError(t, err, "reading %s", sel)
	return strings.TrimSpace(s)
}

// checkPage checks what every page must be: styled by its stylesheet (the
// Content-Security-Policy let it load) and no wider than the window.
func checkPage(t *testing.T, ctx context.Context) {
	t.Helper()
	maxWidth, err := chromedp.Run(step(t, ctx), chromedp.Evaluate[string](`getComputedStyle(document.querySelector("main")).maxWidth`))
	require.NoError(t, err)
	assert.NotEqual(t, "none", maxWidth, "the stylesheet applies")
	require.NoError(t, chromedp.Do(step(t, ctx), browser.CheckNoHorizontalScroll()))
}

// TestBrowserConnect: a person opens the link, types their token, presses
// Connect and sees Connected.
func TestBrowserConnect(t *testing.T) {
	e := newEnv(t)
	ctx := browser.New(t)
	require.EqualValues(t, http.StatusOK, open(t, ctx, e.newLink(acme)))
	assert.Equal(t, "Connect GitScrum", text(t, ctx, "h1"))
	assert.Contains(t, text(t, ctx, "main"), userName, "the page says who is linked")
	workspace, err := chromedp.Run(step(t, ctx), chromedp.Value(browser.ByLabel(workspaceLabel)))
	require.NoError(t, err)
	assert.Equal(t, acme, workspace, "the workspace is pre-filled")
	kind, err := chromedp.Run(step(t, ctx), chromedp.AttributeValue(browser.ByLabel(tokenLabel), "type"))
	require.NoError(t, err)
	assert.Equal(t, "password", kind.Value)
	checkPage(t, ctx)

	require.EqualValues(t, http.StatusOK, fillAndConnect(t, ctx, goodToken, acme))
	assert.Equal(t, "Connected", text(t, ctx, "h1"))
	assert.Contains(t, text(t, ctx, "main"), acme, "the page names the workspace")
	checkPage(t, ctx)
	location, err := chromedp.Run(step(t, ctx), chromedp.Location())
	require.NoError(t, err)
	assertAbsent(t, location, goodToken, "the URL")
	l := e.waitLinked()
	assert.Equal(t, testIdentity, l.link.Identity)
	client, acct, err := e.svc.Client(t.Context(), testIdentity)
	require.NoError(t, err, "the person is linked")
	assert.Equal(t, acme, acct.Workspace)
	e.emu.ResetRequests()
	require.NoError(t, client.CheckAccess(t.Context(), acme), "the person's client reaches GitScrum")
	require.NotEmpty(t, e.emu.Requests())
	assert.Equal(t, "Bearer "+goodToken, e.emu.Requests()[0].Header.Get("Authorization"), "with the token typed in the page")
}

// TestBrowserBadToken: a token GitScrum refuses shows the form again with the
// reason beside the token field, which is empty, and the token nowhere in the
// page.
func TestBrowserBadToken(t *testing.T) {
	e := newEnv(t)
	ctx := browser.New(t)
	open(t, ctx, e.newLink(acme))
	require.EqualValues(t, http.StatusUnprocessableEntity, fillAndConnect(t, ctx, wrongToken, acme))
	assert.NotEmpty(t, text(t, ctx, "#token-error"), "the reason is shown")
	value, err := chromedp.Run(step(t, ctx), chromedp.Value(browser.ByLabel(tokenLabel)))
	require.NoError(t, err)
	assert.Empty(t, value, "the token field is empty")
	page, err := chromedp.Run(step(t, ctx), chromedp.OuterHTML(chromedp.CSS("html")))
	require.NoError(t, err)
	assertAbsent(t, page, wrongToken, "the page")
	checkPage(t, ctx)

	// The form works again from there.
	require.EqualValues(t, http.StatusOK, fillAndConnect(t, ctx, goodToken, acme))
	assert.Equal(t, "Connected", text(t, ctx, "h1"))
}

// TestBrowserExpiredLink: an expired link says so and how to get a new one.
func TestBrowserExpiredLink(t *testing.T) {
	e := newEnv(t)
	ctx := browser.New(t)
	page := e.newLink(acme)
	e.clock.advance(11 * time.Minute)
	require.EqualValues(t, http.StatusGone, open(t, ctx, page))
	assert.Equal(t, "Link expired", text(t, ctx, "h1"))
	assert.Contains(t, text(t, ctx, "main"), "type /gitscrum connect in Slack")
	checkPage(t, ctx)
}

// TestBrowserPhone: on a phone-sized screen (375×667) no page scrolls
// sideways; a screenshot of each is kept (go test -artifacts keeps them).
func TestBrowserPhone(t *testing.T) {
	e := newEnv(t)
	ctx := browser.New(t)
	require.NoError(t, chromedp.Do(step(t, ctx), chromedp.EmulateViewport(375, 667, chromedp.EmulateMobile, chromedp.EmulatePortrait)))
	longName := accounts.LinkRequest{UserName: "Bartholomew-Alexander-Featherstonehaugh-Cholmondeley-Worthington",
		ChannelID: "C0GENERAL", Workspace: acme}
	form := e.newLinkFor(longName)
	pages := []struct {
		name    string
		visit   func() int64
		status  int64
		heading string
	}{
		{name: "form", visit: func() int64 { return open(t, ctx, form) }, status: http.StatusOK, heading: "Connect GitScrum"},
		{name: "bad-token", visit: func() int64 { return fillAndConnect(t, ctx, wrongToken, acme) },
			status: http.StatusUnprocessableEntity, heading: "Connect GitScrum"},
		{name: "connected", visit: func() int64 { return fillAndConnect(t, ctx, goodToken, acme) }, status: http.StatusOK, heading: "Connected"},
		{name: "used", visit: func() int64 { return open(t, ctx, form) }, status: http.StatusGone, heading: "Link already used"},
		{name: "unknown", visit: func() int64 { return open(t, ctx, e.url+"/connect/"+strings.Repeat("A", 43)) },
			status: http.StatusNotFound, heading: "Link not found"},
	}
	for _, p := range pages {
		require.EqualValues(t, p.status, p.visit(), p.name)
		assert.Equal(t, p.heading, text(t, ctx, "h1"), p.name)
		width, err := chromedp.Run(step(t, ctx), chromedp.Evaluate[int](`window.innerWidth`))
		require.NoError(t, err)
		require.Equal(t, 375, width, "the page is as wide as the phone (a wider page makes the phone's browser zoom out)")
		checkPage(t, ctx)
		shot, err := chromedp.Run(step(t, ctx), chromedp.CaptureScreenshot())
		require.NoError(t, err, "screenshot of %s", p.name)
		img, err := png.Decode(bytes.NewReader(shot))
		require.NoError(t, err, "the screenshot is a PNG")
		assert.Equal(t, 375, img.Bounds().Dx(), "the screenshot is phone-wide")
		require.NoError(t, os.WriteFile(filepath.Join(t.ArtifactDir(), "phone-"+p.name+".png"), shot, 0o644))
	}
}
