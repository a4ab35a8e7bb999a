package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/ratelimit"
)

// connectPage is the data of the connect page.
type connectPage struct {
	// UserName is the Slack name of the person being linked (the user id when
	// Slack gave none).
	UserName string
	TeamID   string
	UserID   string
	// ExpiresIn says when the link expires, in words ("7 minutes").
	ExpiresIn string
	// CSRF is the form's CSRF token.
	CSRF string
	// Workspace is the value of the Workspace field.
	Workspace string
	// TokenError, WorkspaceError and FormError are what is wrong with the token,
	// the workspace or the form as a whole, shown beside it.
	TokenError, WorkspaceError, FormError string
}

// connectedPage is the data of the page after a link is completed.
type connectedPage struct {
	UserName  string
	Workspace string
}

// connect serves /connect/{secret}.
func (s *Server) connect(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
		s.methodNotAllowed(w, r, "GET, HEAD, POST")
		return
	}
	now := time.Now()
	if wait := s.byAddr.Take(ratelimit.AddrKey(s.clientAddr(r)), now); wait > 0 {
		s.tooMany(w, r, wait)
		return
	}
	secret := r.PathValue("secret")
	if !wellFormedSecret(secret) {
		s.show(w, r, noticeUnknown)
		return
	}
	hash := sha256.Sum256([]byte(secret))
	if wait := s.byLink.Take(hash, now); wait > 0 {
		s.tooMany(w, r, wait)
		return
	}
	if r.Method == http.MethodPost {
		s.submit(w, r, secret, hash)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), LinkerTimeout)
	defer cancel()
	link, err := s.linker.Link(ctx, secret)
	if err != nil {
		s.linkError(w, r, hash, err, noticeUnavailable)
		return
	}
	s.showForm(w, r, link, hash, link.Workspace, nil)
}

// submit handles the form of the link secret (hashing to hash).
func (s *Server) submit(w http.ResponseWriter, r *http.Request, secret string, hash [sha256.Size]byte) {
	if r.ContentLength > MaxBody {
		s.refuseTooLarge(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			s.refuseTooLarge(w, r)
			return
		}
		s.show(w, r, noticeForged)
		return
	}
	if !s.checkCSRF(r, hash) {
		s.forged(w, r)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), LinkerTimeout)
	defer cancel()
	workspace := strings.TrimSpace(r.PostForm.Get("workspace"))
	link, acct, err := s.linker.CompleteLink(ctx, secret, r.PostForm.Get("token"), workspace)
	if fe, ok := errors.AsType[*accounts.FormError](err); ok {
		s.log.Info("web: connect form refused", "link", linkID(hash), "field", fe.Field, "reason", fe.Message)
		link, err := s.linker.Link(ctx, secret)
		if err != nil {
			s.linkError(w, r, hash, err, noticeUnavailable)
			return
		}
		s.showForm(w, r, link, hash, workspace, fe)
		return
	}
	if err != nil {
		s.linkError(w, r, hash, err, noticeGitScrumDown)
		return
	}
	s.log.Info("web: account linked", "link", linkID(hash), "team", link.Identity.TeamID,
		"user", link.Identity.UserID, "workspace", acct.Workspace, "account", acct.ID)
	s.notifyLinked(link, acct)
	s.render(w, r, http.StatusOK, "connected", connectedPage{UserName: displayName(link), Workspace: acct.Workspace})
}

// showForm answers with the connect page of link: 200, or 422 with fe's message
// beside its field. The token field is always empty.
func (s *Server) showForm(w http.ResponseWriter, r *http.Request, link accounts.Link, hash [sha256.Size]byte, workspace string, fe *accounts.FormError) {
	p := connectPage{
		UserName:  displayName(link),
		TeamID:    link.Identity.TeamID,
		UserID:    link.Identity.UserID,
		ExpiresIn: minutesText(time.Until(link.Expires)),
		CSRF:      s.issueCSRF(w, r, hash),
		Workspace: workspace,
	}
	status := http.StatusOK
	if fe != nil {
		status = http.StatusUnprocessableEntity
		switch fe.Field {
		case "token":
			p.TokenError = fe.Message
		case "workspace":
			p.WorkspaceError = fe.Message
		default:
			p.FormError = fe.Message
		}
	}
	s.render(w, r, status, "connect", p)
}

// linkError answers err from the Linker: the link's notice for the link errors,
// otherwise other (logged, never shown).
func (s *Server) linkError(w http.ResponseWriter, r *http.Request, hash [sha256.Size]byte, err error, other notice) {
	switch {
	case errors.Is(err, accounts.ErrLinkUnknown):
		s.show(w, r, noticeUnknown)
	case errors.Is(err, accounts.ErrLinkUsed):
		s.show(w, r, noticeUsed)
	case errors.Is(err, accounts.ErrLinkExpired):
		s.show(w, r, noticeExpired)
	default:
		s.log.Warn("web: connect page failed", "link", linkID(hash), "err", err)
		s.show(w, r, other)
	}
}

// refuseTooLarge answers 413 and closes the connection, so the rest of the body
// is never read.
func (s *Server) refuseTooLarge(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	s.show(w, r, noticeTooLarge)
}

// notifyLinked calls OnLinked in the background, bounded by OnLinkedTimeout.
func (s *Server) notifyLinked(link accounts.Link, acct accounts.Account) {
	if s.onLinked == nil {
		return
	}
	s.background.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), s.onLinkedTimeout)
		defer cancel()
		s.onLinked(ctx, link, acct)
	})
}

// wellFormedSecret reports whether secret can be a link's secret: 16 to 128
// characters of unpadded base64url. Anything else is unknown at once.
func wellFormedSecret(secret string) bool {
	if len(secret) < 16 || len(secret) > 128 {
		return false
	}
	for _, c := range []byte(secret) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// linkID names a link in log lines without its secret: the start of its hash.
func linkID(hash [sha256.Size]byte) string { return hex.EncodeToString(hash[:6]) }

// pathKind names a path in log lines without a link's secret.
func pathKind(path string) string {
	if strings.HasPrefix(path, "/connect/") {
		return "/connect/…"
	}
	return path
}

// displayName is how the page names the person: their Slack name, or their
// Slack user id when there is none.
func displayName(link accounts.Link) string {
	if name := strings.TrimSpace(link.UserName); name != "" {
		return name
	}
	return link.Identity.UserID
}

// minutesText says d in whole minutes, rounded up ("1 minute", "10 minutes").
func minutesText(d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute)
	if m <= 1 {
		return "1 minute"
	}
	return strconv.Itoa(m) + " minutes"
}
