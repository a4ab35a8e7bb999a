package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
)

// csrfKey is the key the CSRF tokens are made with (see Options.CSRFKey).
type csrfKey [32]byte

// csrfField is the form field of the CSRF token.
const csrfField = "csrf"

// csrfCookieMaxAge is how long the browser keeps the CSRF cookie, in seconds:
// longer than a link lives.
const csrfCookieMaxAge = 3600

// csrfCookieName is the name of the cookie: with the __Host- prefix when
// Secure, so no other host or path can set it.
func (s *Server) csrfCookieName() string {
	if s.secure {
		return "__Host-gitscrum-csrf"
	}
	return "gitscrum-csrf"
}

// csrfNonce returns the browser's CSRF nonce, from its cookie, and whether it had
// a well-formed one.
func (s *Server) csrfNonce(r *http.Request) (string, bool) {
	c, err := r.Cookie(s.csrfCookieName())
	if err != nil {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(raw) != 32 {
		return "", false
	}
	return c.Value, true
}

// issueCSRF returns the CSRF token of the form of the link whose secret hashes
// to linkHash, setting a new nonce cookie first unless the browser has one (so
// two tabs of one browser both work).
func (s *Server) issueCSRF(w http.ResponseWriter, r *http.Request, linkHash [sha256.Size]byte) string {
	nonce, ok := s.csrfNonce(r)
	if !ok {
		var raw [32]byte
		_, _ = rand.Read(raw[:]) // never fails (crypto/rand documents it)
		nonce = base64.RawURLEncoding.EncodeToString(raw[:])
	}
	http.SetCookie(w, &http.Cookie{
		Name:     s.csrfCookieName(),
		Value:    nonce,
		Path:     "/",
		MaxAge:   csrfCookieMaxAge,
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteStrictMode,
	})
	return s.csrfToken(nonce, linkHash)
}

// checkCSRF reports whether the form of r carries the CSRF token of the
// browser's nonce cookie and of the link whose secret hashes to linkHash.
func (s *Server) checkCSRF(r *http.Request, linkHash [sha256.Size]byte) bool {
	nonce, ok := s.csrfNonce(r)
	if !ok {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(r.PostForm.Get(csrfField))
	if err != nil {
		return false
	}
	want, _ := base64.RawURLEncoding.DecodeString(s.csrfToken(nonce, linkHash))
	return hmac.Equal(got, want)
}

// csrfToken is HMAC-SHA256 under the process's key of the page, the link and the
// nonce.
func (s *Server) csrfToken(nonce string, linkHash [sha256.Size]byte) string {
	m := hmac.New(sha256.New, s.csrf[:])
	m.Write([]byte("connect\x00"))
	m.Write(linkHash[:])
	m.Write([]byte(nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
