package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"time"
)

// Accounts keeps the GitScrum accounts people linked, and the Slack identities
// that point at them. An account holds a token only sealed (package accounts
// seals and opens it): the store sees the sealed bytes, the id of the key that
// sealed them and a keyed MAC of the token, never the token.
type Accounts interface {
	// LinkIdentity points the Slack identity (teamID, userID) at a, in one
	// transaction: a is stored (replacing the row of the same id), the identity
	// is made or moved to it, and the account it pointed at before is deleted
	// when no identity is left pointing at it.
	LinkIdentity(ctx context.Context, teamID, userID string, a Account) error
	// IdentityAccount returns the account the identity points at, and whether
	// there is one.
	IdentityAccount(ctx context.Context, teamID, userID string) (Account, bool, error)
	// UnlinkIdentity deletes the identity, and the account it pointed at when no
	// other identity points at it, at once; it reports whether there was one.
	UnlinkIdentity(ctx context.Context, teamID, userID string) (bool, error)
	// MarkBroken records that GitScrum refused the account's token at the time
	// at, unless it was marked already; it reports whether this call marked it
	// (false for an account already broken, or gone).
	MarkBroken(ctx context.Context, accountID string, at time.Time) (bool, error)
	// AccountKeyIDs returns the distinct ids of the keys the accounts are sealed
	// under, sorted. It reads nothing else.
	AccountKeyIDs(ctx context.Context) ([]string, error)
	// AccountsUnderKey returns up to limit accounts sealed under keyID, in id
	// order, the first of them after the id after ("" for the first page).
	AccountsUnderKey(ctx context.Context, keyID, after string, limit int) ([]Account, error)
	// ResealAccount stores a.KeyID, a.Sealed and a.TokenMAC in the account a.ID
	// if it is still sealed under fromKeyID (a compare-and-swap, so two replicas
	// resealing one row write it once); it reports whether it did.
	ResealAccount(ctx context.Context, a Account, fromKeyID string) (bool, error)
}

var _ Accounts = (*Store)(nil)

// MaxAccountsPage bounds the limit of [Accounts.AccountsUnderKey].
const MaxAccountsPage = 1000

// Account is a stored account: its token sealed, never in the clear.
type Account struct {
	// ID is the account's id: random, and the additional data of its seal.
	ID string
	// Workspace is the GitScrum workspace (company slug) the token was checked on.
	Workspace string
	// KeyID names the key Sealed is sealed under.
	KeyID string
	// Sealed is the token, sealed.
	Sealed []byte
	// TokenMAC is a keyed MAC of the token, to find an account of the same token.
	TokenMAC []byte
	// Created is when the account was linked; Updated when it was last written
	// (linked or resealed); Broken when GitScrum refused its token (zero while
	// it works). Microsecond precision, UTC when read back.
	Created, Updated, Broken time.Time
}

// validate checks an account before it is stored.
func (a Account) validate() error {
	switch {
	case a.ID == "":
		return invalid("an account needs an id")
	case a.KeyID == "":
		return invalid("an account needs a key id")
	case len(a.Sealed) == 0:
		return invalid("an account needs its sealed token")
	case len(a.TokenMAC) == 0:
		return invalid("an account needs its token MAC")
	}
	return nil
}

// accountColumns are the columns of an account, in [scanAccount]'s order.
const accountColumns = "id, workspace, key_id, sealed, token_mac, created_us, updated_us, broken_us"

// scanAccount reads an account of [accountColumns].
func scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var created, updated, broken int64
	if err := row.Scan(&a.ID, &a.Workspace, &a.KeyID, &a.Sealed, &a.TokenMAC, &created, &updated, &broken); err != nil {
		return Account{}, err
	}
	a.Created, a.Updated = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	if broken != 0 {
		a.Broken = time.UnixMicro(broken).UTC()
	}
	return a, nil
}

// LinkIdentity implements [Accounts].
func (s *Store) LinkIdentity(ctx context.Context, teamID, userID string, a Account) error {
	if teamID == "" || userID == "" {
		return invalid("an identity needs a team id and a user id")
	}
	if err := a.validate(); err != nil {
		return err
	}
	now := time.Now()
	if a.Created.IsZero() {
		a.Created = now
	}
	if a.Updated.IsZero() {
		a.Updated = a.Created
	}
	var broken int64
	if !a.Broken.IsZero() {
		broken = micros(a.Broken)
	}
	return s.do(ctx, "link_identity", func(ctx context.Context, db *sql.DB) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback() }()
		if err := s.lockIdentity(ctx, tx, teamID, userID); err != nil {
			return err
		}
		var before string
		err = tx.QueryRowContext(ctx, `SELECT account_id FROM slack_identities WHERE team_id = $1 AND user_id = $2`,
			clean(teamID), clean(userID)).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO accounts (`+accountColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (id) DO UPDATE SET workspace = excluded.workspace, key_id = excluded.key_id, sealed = excluded.sealed,
token_mac = excluded.token_mac, updated_us = excluded.updated_us, broken_us = excluded.broken_us`,
			clean(a.ID), clean(a.Workspace), clean(a.KeyID), a.Sealed, a.TokenMAC, micros(a.Created), micros(a.Updated), broken); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO slack_identities (team_id, user_id, account_id, linked_us) VALUES ($1, $2, $3, $4)
ON CONFLICT (team_id, user_id) DO UPDATE SET account_id = excluded.account_id, linked_us = excluded.linked_us`,
			clean(teamID), clean(userID), clean(a.ID), micros(now)); err != nil {
			return err
		}
		if before != "" && before != clean(a.ID) {
			if err := deleteOrphan(ctx, tx, before); err != nil {
				return err
			}
		}
		return tx.Commit()
	})
}

// lockIdentity serialises the transactions that link one identity, until tx
// ends, so that two links of one identity at once leave no orphaned account. On
// SQLite every writing transaction holds the file's write lock already; on
// PostgreSQL it takes an advisory transaction lock of the identity.
func (s *Store) lockIdentity(ctx context.Context, tx *sql.Tx, teamID, userID string) error {
	if s.kind != postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(binary.BigEndian.Uint64(digest("identity", teamID, userID))))
	return err
}

// deleteOrphan deletes the account id if no identity points at it.
func deleteOrphan(ctx context.Context, tx *sql.Tx, id string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE id = $1
AND NOT EXISTS (SELECT 1 FROM slack_identities WHERE account_id = $1)`, id)
	return err
}

// IdentityAccount implements [Accounts].
func (s *Store) IdentityAccount(ctx context.Context, teamID, userID string) (a Account, ok bool, err error) {
	err = s.do(ctx, "identity_account", func(ctx context.Context, db *sql.DB) error {
		got, err := scanAccount(db.QueryRowContext(ctx, `SELECT a.id, a.workspace, a.key_id, a.sealed, a.token_mac, a.created_us, a.updated_us, a.broken_us
FROM slack_identities i JOIN accounts a ON a.id = i.account_id WHERE i.team_id = $1 AND i.user_id = $2`,
			clean(teamID), clean(userID)))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		a, ok = got, err == nil
		return err
	})
	return a, ok, err
}

// UnlinkIdentity implements [Accounts].
func (s *Store) UnlinkIdentity(ctx context.Context, teamID, userID string) (found bool, err error) {
	err = s.do(ctx, "unlink_identity", func(ctx context.Context, db *sql.DB) error {
		found = false
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback() }()
		var id string
		err = tx.QueryRowContext(ctx, `DELETE FROM slack_identities WHERE team_id = $1 AND user_id = $2 RETURNING account_id`,
			clean(teamID), clean(userID)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := deleteOrphan(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		found = true
		return nil
	})
	return found, err
}

// MarkBroken implements [Accounts].
func (s *Store) MarkBroken(ctx context.Context, accountID string, at time.Time) (bool, error) {
	if at.IsZero() {
		at = time.Now()
	}
	n, err := s.execCount(ctx, "mark_broken", `UPDATE accounts SET broken_us = $2 WHERE id = $1 AND broken_us = 0`,
		clean(accountID), micros(at))
	return n == 1, err
}

// AccountKeyIDs implements [Accounts].
func (s *Store) AccountKeyIDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.do(ctx, "account_key_ids", func(ctx context.Context, db *sql.DB) error {
		ids = ids[:0]
		rows, err := db.QueryContext(ctx, `SELECT DISTINCT key_id FROM accounts ORDER BY key_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// AccountsUnderKey implements [Accounts].
func (s *Store) AccountsUnderKey(ctx context.Context, keyID, after string, limit int) ([]Account, error) {
	if limit <= 0 || limit > MaxAccountsPage {
		limit = MaxAccountsPage
	}
	var out []Account
	err := s.do(ctx, "accounts_under_key", func(ctx context.Context, db *sql.DB) error {
		out = out[:0]
		rows, err := db.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE key_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
			clean(keyID), clean(after), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanAccount(rows)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ResealAccount implements [Accounts].
func (s *Store) ResealAccount(ctx context.Context, a Account, fromKeyID string) (bool, error) {
	if err := a.validate(); err != nil {
		return false, err
	}
	if a.Updated.IsZero() {
		a.Updated = time.Now()
	}
	n, err := s.execCount(ctx, "reseal_account", `UPDATE accounts SET key_id = $2, sealed = $3, token_mac = $4, updated_us = $5
WHERE id = $1 AND key_id = $6`, clean(a.ID), clean(a.KeyID), a.Sealed, a.TokenMAC, micros(a.Updated), clean(fromKeyID))
	return n == 1, err
}
