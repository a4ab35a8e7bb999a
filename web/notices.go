package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/ratelimit"
)

// notice is a page that says one thing: a refusal, an error.
type notice struct {
	// Status is the HTTP status it is answered with.
	Status int
	// Heading is the page's title and heading.
	Heading string
	// Text says what happened and what to do.
	Text string
	// NewLink adds how to get a new link: /gitscrum connect in Slack.
	NewLink bool
	// Retry adds a "Try again" link to the page's own address.
	Retry bool
}

// The notices of the connect page.
var (
	noticeUnknown = notice{Status: http.StatusNotFound, Heading: "Link not found",
		Text:    "This link is not one this bridge gave out: it may have been cut short or mistyped.",
		NewLink: true}
	noticeUsed = notice{Status: http.StatusGone, Heading: "Link already used",
		Text:    "This link has been used already. Each link works once, and stops working after too many wrong attempts.",
		NewLink: true}
	noticeExpired = notice{Status: http.StatusGone, Heading: "Link expired",
		Text:    "This link has expired: a link works only for a few minutes.",
		NewLink: true}
	noticeForged = notice{Status: http.StatusForbidden, Heading: "Open the link again",
		Text: "This form could not be checked: it was sent from another page, or this browser did not keep this page's cookie. " +
			"Nothing was changed. Open the link from Slack again and send the form from there.",
		NewLink: true}
	noticeTooLarge = notice{Status: http.StatusRequestEntityTooLarge, Heading: "Form too large",
		Text: fmt.Sprintf("The form sent was larger than this page accepts (%d KiB). Nothing was changed. "+
			"Open the page again and send only your token and workspace.", MaxBody>>10),
		Retry: true}
	noticeGitScrumDown = notice{Status: http.StatusServiceUnavailable, Heading: "GitScrum did not answer",
		Text:  "GitScrum did not answer, try again in a moment. Nothing was saved.",
		Retry: true}
	noticeUnavailable = notice{Status: http.StatusServiceUnavailable, Heading: "Not available just now",
		Text:  "This page could not read its link just now. Try again in a moment.",
		Retry: true}
	noticeNoPage = notice{Status: http.StatusNotFound, Heading: "Page not found",
		Text:    "There is no page at this address.",
		NewLink: true}
)

// show answers with the page of n.
func (s *Server) show(w http.ResponseWriter, r *http.Request, n notice) {
	s.render(w, r, n.Status, "notice", n)
}

// tooMany answers 429 with Retry-After: the request was over a rate limit.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := ratelimit.RetryAfter(wait)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.show(w, r, notice{Status: http.StatusTooManyRequests, Heading: "Too many attempts",
		Text: fmt.Sprintf("Too many requests for this page came from your address or for this link. "+
			"Nothing was changed. Wait %d seconds, then try again.", secs),
		Retry: true})
}

// methodNotAllowed answers 405 with Allow: allow.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	s.show(w, r, notice{Status: http.StatusMethodNotAllowed, Heading: "Method not allowed",
		Text: "This page answers only " + allow + "."})
}

// notFound answers 404 to any address that is not a page.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, noticeNoPage)
}

// forged answers 403 to a form post that could not be checked: refused by
// CrossOriginProtection (a cross-site POST) or by the CSRF token.
func (s *Server) forged(w http.ResponseWriter, r *http.Request) {
	s.log.Info("web: form refused, cross-site or without a valid CSRF token", "path_kind", pathKind(r.URL.Path))
	s.show(w, r, noticeForged)
}
