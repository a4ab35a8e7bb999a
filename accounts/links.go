package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// secretLen is the length of a link's secret: 32 random bytes, base64url
// without padding.
var secretLen = base64.RawURLEncoding.EncodedLen(32)

// NewLink makes a one-time link for the person id: it returns the link's secret
// (32 random bytes, base64url without padding; the store keeps only its SHA-256)
// and when it expires ([Options.LinkTTL] from now). The secret goes into the
// link's URL and nowhere else.
func (s *Service) NewLink(ctx context.Context, id Identity, r LinkRequest) (string, time.Time, error) {
	if !id.valid() {
		return "", time.Time{}, errors.New("accounts: a link needs a Slack team id and user id")
	}
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	secret := base64.RawURLEncoding.EncodeToString(b[:])
	expires := s.opts.Now().Add(s.opts.LinkTTL).Truncate(time.Microsecond)
	err := s.st.PutLink(ctx, secret, store.LinkToken{
		TeamID: id.TeamID, UserID: id.UserID, UserName: r.UserName, ChannelID: r.ChannelID,
		Workspace: strings.TrimSpace(r.Workspace), Expires: expires,
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("accounts: storing a link for %s/%s: %w", id.TeamID, id.UserID, err)
	}
	return secret, expires, nil
}

// Link returns the link of secret while it can be used: [ErrLinkUnknown] for a
// secret never made (or swept), [ErrLinkUsed] for one used or burned,
// [ErrLinkExpired] for one past its time. A secret of the wrong shape is unknown
// without a look at the store.
func (s *Service) Link(ctx context.Context, secret string) (Link, error) {
	if !secretShape(secret) {
		return Link{}, ErrLinkUnknown
	}
	l, ok, err := s.st.GetLink(ctx, secret)
	switch {
	case err != nil:
		return Link{}, fmt.Errorf("accounts: reading a link: %w", err)
	case !ok:
		return Link{}, ErrLinkUnknown
	case !l.Used.IsZero():
		return Link{}, ErrLinkUsed
	case !s.opts.Now().Before(l.Expires):
		return Link{}, ErrLinkExpired
	}
	return link(l), nil
}

// CompleteLink links the GitScrum API token apiToken, checked on workspace, to
// the person the link of secret was made for, and uses the link up.
//
// The token is taken as pasted, less white space anywhere and invisible
// characters (see [MaxTokenLen]); an empty, over-long or non-printable token, a
// malformed workspace slug, a token GitScrum refuses (401) and a workspace the
// token does not see (404) are each a [*FormError] of field "token" or
// "workspace", and count one failed attempt on the link: at
// [Options.MaxLinkFailures] failures the link is burned, and that attempt's error
// is [ErrLinkUsed]. The token is checked with one cheap GitScrum call; GitScrum
// out of reach is a plain error wrapping the gitscrum error (no failure
// counted). On success the link is used atomically (of two completions of one
// link, one wins; the other gets [ErrLinkUsed]) and the person's identity points
// at a new account holding the token, sealed; the account they had before, if
// any, is deleted.
func (s *Service) CompleteLink(ctx context.Context, secret, apiToken, workspace string) (Link, Account, error) {
	l, err := s.Link(ctx, secret)
	if err != nil {
		return Link{}, Account{}, err
	}
	token, slug, err := s.checkToken(ctx, apiToken, workspace)
	var fe *FormError
	if errors.As(err, &fe) {
		return l, Account{}, s.failed(ctx, secret, fe)
	}
	if err != nil {
		return l, Account{}, err
	}

	used, st, err := s.st.UseLink(ctx, secret, s.opts.Now())
	if err != nil {
		return l, Account{}, fmt.Errorf("accounts: using a link: %w", err)
	}
	switch st {
	case store.LinkUsed:
		return l, Account{}, ErrLinkUsed
	case store.LinkExpired:
		return l, Account{}, ErrLinkExpired
	case store.LinkUnknown:
		return l, Account{}, ErrLinkUnknown
	}
	l = link(used)

	now := s.opts.Now()
	row := store.Account{ID: newAccountID(), Workspace: slug, KeyID: s.keys.KeyID(), Created: now, Updated: now}
	row.Sealed, row.TokenMAC = s.keys.seal(row.ID, token), s.keys.mac(token)
	defer s.cache.invalidate(l.Identity)
	if err := s.st.LinkIdentity(ctx, l.Identity.TeamID, l.Identity.UserID, row); err != nil {
		return l, Account{}, fmt.Errorf("accounts: linking %s/%s: %w", l.Identity.TeamID, l.Identity.UserID, err)
	}
	s.opts.Logger.Info("accounts: linked", "team", l.Identity.TeamID, "user", l.Identity.UserID,
		"account", row.ID, "workspace", slug, "key", row.KeyID)
	row.Created = row.Created.Truncate(time.Microsecond).UTC()
	return l, account(row), nil
}

// checkToken cleans the pasted token and the workspace and asks GitScrum whether
// the token may read the workspace. What the person can fix is a [*FormError].
func (s *Service) checkToken(ctx context.Context, apiToken, workspace string) (token, slug string, err error) {
	token, err = cleanToken(apiToken)
	if err != nil {
		return "", "", err
	}
	slug = strings.TrimSpace(workspace)
	if len(slug) > 200 || gitscrum.ValidateCompanySlug(slug) != nil {
		return "", "", &FormError{Field: "workspace", Message: "Type the workspace's slug, as in its GitScrum address (letters, digits and dashes)."}
	}
	err = s.base.WithToken(token).CheckAccess(ctx, slug)
	var ge *gitscrum.Error
	switch {
	case err == nil:
		return token, slug, nil
	case errors.As(err, &ge) && ge.StatusCode == http.StatusUnauthorized:
		return "", "", &FormError{Field: "token", Err: err,
			Message: "GitScrum refused this token: check that you copied the whole token, or make a new one in GitScrum."}
	case errors.As(err, &ge) && ge.StatusCode == http.StatusNotFound:
		return "", "", &FormError{Field: "workspace", Err: err,
			Message: fmt.Sprintf("This token does not see the workspace %q: check its slug, or that you are a member of it.", slug)}
	case errors.As(err, &ge) && ge.StatusCode == http.StatusForbidden:
		return "", "", &FormError{Field: "workspace", Err: err,
			Message: fmt.Sprintf("This token may not read the clients of the workspace %q.", slug)}
	}
	return "", "", fmt.Errorf("accounts: checking the token with GitScrum: %w", err)
}

// failed counts a failed attempt on the link of secret, and returns the error of
// the attempt: fe, or [ErrLinkUsed] when this failure burned the link.
func (s *Service) failed(ctx context.Context, secret string, fe *FormError) error {
	n, err := s.st.FailLink(ctx, secret, s.opts.MaxLinkFailures, s.opts.Now())
	switch {
	case err != nil:
		return fmt.Errorf("accounts: counting a failed attempt on a link: %w", err)
	case n >= s.opts.MaxLinkFailures:
		return fmt.Errorf("%w: %d failed attempts", ErrLinkUsed, n)
	case n == 0:
		// Used or burned meanwhile.
		return ErrLinkUsed
	}
	return fe
}

// link returns the Link of a stored link.
func link(l store.LinkToken) Link {
	return Link{
		Identity: Identity{TeamID: l.TeamID, UserID: l.UserID}, UserName: l.UserName,
		ChannelID: l.ChannelID, Workspace: l.Workspace, Expires: l.Expires,
	}
}

// secretShape reports whether s can be a link's secret.
func secretShape(s string) bool {
	if len(s) != secretLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
