package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"time"
)

// Links keeps the one-time links that open the page where a person links their
// GitScrum account: each bound to one Slack identity, valid until it expires,
// usable once. A link is stored by the SHA-256 digest of its secret, never the
// secret.
type Links interface {
	// PutLink stores the link of secret. A secret already stored is refused
	// with [ErrInvalid] (secrets are random: it is a bug).
	PutLink(ctx context.Context, secret string, l LinkToken) error
	// GetLink returns the link of secret, used or expired ones included, and
	// whether there is one.
	GetLink(ctx context.Context, secret string) (LinkToken, bool, error)
	// UseLink uses the link of secret once, atomically, as of now: of two
	// callers using one link at once, on any replicas, one gets [LinkUsable]
	// with the link, the other [LinkUsed]. An expired link says [LinkExpired],
	// one never stored (or swept) [LinkUnknown].
	UseLink(ctx context.Context, secret string, now time.Time) (LinkToken, LinkState, error)
	// FailLink counts one failed attempt on the unused link of secret and
	// returns the failures counted; at the maxFailures-th failure it burns the link (it
	// is then used, at now). A link used, burned or unknown is left alone and
	// returns 0.
	FailLink(ctx context.Context, secret string, maxFailures int, now time.Time) (int, error)
	// SweepLinks deletes the links that expired by now and returns how many.
	SweepLinks(ctx context.Context, now time.Time) (int64, error)
}

var _ Links = (*Store)(nil)

// LinkToken is a stored one-time link.
type LinkToken struct {
	// TeamID and UserID are the Slack identity the link links, and only it.
	TeamID, UserID string
	// UserName is the person's name in Slack, for the page to show.
	UserName string
	// ChannelID is where the link was asked for.
	ChannelID string
	// Workspace is the workspace the page's form starts with ("" for none).
	Workspace string
	// Expires is when the link stops working.
	Expires time.Time
	// Used is when it was used or burned; zero while it is unused.
	Used time.Time
	// Failures counts the failed attempts on it.
	Failures int
}

// LinkState is what [Links.UseLink] found.
type LinkState int

// The states of a link.
const (
	// LinkUnknown: no such link (never made, or swept after it expired).
	LinkUnknown LinkState = iota
	// LinkUsable: the link was unused and unexpired, and this call used it.
	LinkUsable
	// LinkUsed: the link was used (or burned) before.
	LinkUsed
	// LinkExpired: the link is past its expiry, unused.
	LinkExpired
)

// String names the state.
func (st LinkState) String() string {
	switch st {
	case LinkUsable:
		return "usable"
	case LinkUsed:
		return "used"
	case LinkExpired:
		return "expired"
	}
	return "unknown"
}

// linkHash is the key of a link: the SHA-256 digest of its secret.
func linkHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// linkColumns are the columns of a link, in [scanLink]'s order.
const linkColumns = "team_id, user_id, user_name, channel_id, workspace, expires_us, used_us, failures"

// scanLink reads a link of [linkColumns].
func scanLink(row interface{ Scan(...any) error }) (LinkToken, error) {
	var l LinkToken
	var expires, used int64
	if err := row.Scan(&l.TeamID, &l.UserID, &l.UserName, &l.ChannelID, &l.Workspace, &expires, &used, &l.Failures); err != nil {
		return LinkToken{}, err
	}
	l.Expires = time.UnixMicro(expires).UTC()
	if used != 0 {
		l.Used = time.UnixMicro(used).UTC()
	}
	return l, nil
}

// PutLink implements [Links].
func (s *Store) PutLink(ctx context.Context, secret string, l LinkToken) error {
	switch {
	case secret == "":
		return invalid("a link needs a secret")
	case l.TeamID == "" || l.UserID == "":
		return invalid("a link needs a team id and a user id")
	case l.Expires.IsZero():
		return invalid("a link needs an expiry")
	}
	var n int64
	err := s.do(ctx, "put_link", func(ctx context.Context, db *sql.DB) error {
		res, err := db.ExecContext(ctx, `INSERT INTO link_tokens (hash, `+linkColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0)
ON CONFLICT (hash) DO NOTHING`,
			linkHash(secret), clean(l.TeamID), clean(l.UserID), clean(l.UserName), clean(l.ChannelID), clean(l.Workspace), micros(l.Expires))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err == nil && n == 0 {
		return invalid("a link of this secret is stored already")
	}
	return err
}

// GetLink implements [Links].
func (s *Store) GetLink(ctx context.Context, secret string) (l LinkToken, ok bool, err error) {
	err = s.do(ctx, "get_link", func(ctx context.Context, db *sql.DB) error {
		got, err := scanLink(db.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM link_tokens WHERE hash = $1`, linkHash(secret)))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		l, ok = got, err == nil
		return err
	})
	return l, ok, err
}

// UseLink implements [Links].
func (s *Store) UseLink(ctx context.Context, secret string, now time.Time) (l LinkToken, st LinkState, err error) {
	h := linkHash(secret)
	err = s.do(ctx, "use_link", func(ctx context.Context, db *sql.DB) error {
		got, err := scanLink(db.QueryRowContext(ctx, `UPDATE link_tokens SET used_us = $2
WHERE hash = $1 AND used_us = 0 AND expires_us > $2 RETURNING `+linkColumns, h, micros(now)))
		if err == nil {
			l, st = got, LinkUsable
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// Not used now: say why.
		got, err = scanLink(db.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM link_tokens WHERE hash = $1`, h))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			l, st = LinkToken{}, LinkUnknown
			return nil
		case err != nil:
			return err
		case !got.Used.IsZero():
			l, st = got, LinkUsed
		default:
			l, st = got, LinkExpired
		}
		return nil
	})
	if err != nil {
		return LinkToken{}, LinkUnknown, err
	}
	return l, st, nil
}

// FailLink implements [Links].
func (s *Store) FailLink(ctx context.Context, secret string, maxFailures int, now time.Time) (failures int, err error) {
	if maxFailures < 1 {
		return 0, invalid("a link's failures are bounded by at least 1, not %d", maxFailures)
	}
	err = s.do(ctx, "fail_link", func(ctx context.Context, db *sql.DB) error {
		failures = 0
		err := db.QueryRowContext(ctx, `UPDATE link_tokens SET failures = failures + 1,
used_us = CASE WHEN failures + 1 >= $2 THEN $3 ELSE used_us END
WHERE hash = $1 AND used_us = 0 RETURNING failures`, linkHash(secret), maxFailures, micros(now)).Scan(&failures)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return failures, err
}

// SweepLinks implements [Links].
func (s *Store) SweepLinks(ctx context.Context, now time.Time) (int64, error) {
	return s.execCount(ctx, "sweep_links", `DELETE FROM link_tokens WHERE expires_us <= $1`, micros(now))
}
