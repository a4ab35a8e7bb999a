package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// Audit records every write attempted through an adapter, to answer "who changed
// this client, when, and how".
type Audit interface {
	// Append records one write. Its When defaults to now; its surface, actor,
	// workspace and outcome are required. No field may hold a token or a secret:
	// an actor is an id ([SlackActor]) or a keyed hash ([TokenActor]).
	Append(ctx context.Context, e Entry) error
	// History returns the entries of one client of a workspace, newest first, at
	// most limit of them (limit <= 0 means [DefaultHistoryLimit], and at most
	// [MaxHistoryLimit] are returned).
	History(ctx context.Context, workspace, clientUUID string, limit int) ([]Entry, error)
}

var _ Audit = (*Store)(nil)

// The limits of [Audit.History].
const (
	DefaultHistoryLimit = 20
	MaxHistoryLimit     = 1000
)

// The surfaces a write comes through.
const (
	SurfaceMCP   = "mcp"
	SurfaceSlack = "slack"
)

// Entry is one write attempted through the bridge.
type Entry struct {
	// When is when it was attempted (microsecond precision, UTC when read back).
	When time.Time `json:"when"`
	// Surface is [SurfaceMCP] or [SurfaceSlack].
	Surface string `json:"surface"`
	// Actor is who attempted it: [SlackActor] or [TokenActor].
	Actor string `json:"actor"`
	// Account is the id of the linked account whose token the write used, ""
	// when it used no linked account (the bot's token, a request's own).
	Account string `json:"account,omitempty"`
	// Workspace is the company slug.
	Workspace string `json:"workspace"`
	// ClientUUID and ClientName are the client's, as known when it was written
	// (the uuid is empty for a create that made nothing).
	ClientUUID string `json:"client_uuid"`
	ClientName string `json:"client_name"`
	// Changes are the fields written, before → after.
	Changes []Change `json:"changes"`
	// Outcome is how it ended, one word of the bridge's outcome vocabulary ("ok",
	// "duplicate", "unavailable", …).
	Outcome string `json:"outcome"`
}

// Change is one field of a write, as gitscrum.Change has it.
type Change struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// SlackActor is the actor of a Slack user: "slack:TEAM:USER".
func SlackActor(teamID, userID string) string { return "slack:" + teamID + ":" + userID }

// TokenActor is the actor of whoever holds an API token, when no person is known:
// "token:" and the first 16 bytes of HMAC-SHA256(key, token) in hex. The same
// token and key give the same actor on every replica; the token cannot be read
// back from it.
func TokenActor(key []byte, token string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(token))
	return "token:" + hex.EncodeToString(m.Sum(nil)[:16])
}

var (
	// actorShape: a kind, a colon, then letters, digits and . _ : - only (no
	// spaces: a token pasted with its "Bearer " prefix is refused).
	actorShape = regexp.MustCompile(`^[a-z]+:[A-Za-z0-9._:-]{1,200}$`)
	// accountShape: an account id, letters, digits and . _ - only.
	accountShape = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
	// outcomeShape: one lower-case word (with underscores).
	outcomeShape = regexp.MustCompile(`^[a-z][a-z_]{0,31}$`)
)

// validate checks an entry before it is stored.
func (e Entry) validate() error {
	switch {
	case e.Surface != SurfaceMCP && e.Surface != SurfaceSlack:
		return invalid("audit surface %q is neither %q nor %q", e.Surface, SurfaceMCP, SurfaceSlack)
	case !actorShape.MatchString(e.Actor):
		return invalid("audit actor is not KIND:ID (SlackActor or TokenActor)")
	case e.Workspace == "":
		return invalid("audit entry without a workspace")
	case !outcomeShape.MatchString(e.Outcome):
		return invalid("audit outcome %q is not one word", e.Outcome)
	case e.Account != "" && !accountShape.MatchString(e.Account):
		return invalid("audit account is not an account id")
	}
	return nil
}

// Append implements [Audit].
func (s *Store) Append(ctx context.Context, e Entry) error {
	if err := e.validate(); err != nil {
		return err
	}
	if e.When.IsZero() {
		e.When = time.Now()
	}
	changes := make([]Change, len(e.Changes))
	for i, c := range e.Changes {
		changes[i] = Change{Field: clean(c.Field), Before: clean(c.Before), After: clean(c.After)}
	}
	js, err := json.Marshal(changes)
	if err != nil {
		return fmt.Errorf("state store: audit changes: %w", err)
	}
	return s.do(ctx, "append_audit", func(ctx context.Context, db *sql.DB) error {
		_, err := db.ExecContext(ctx, `INSERT INTO audit_log
(at_us, surface, actor, account, workspace, client_uuid, client_name, changes, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			micros(e.When), e.Surface, e.Actor, clean(e.Account), clean(e.Workspace), clean(e.ClientUUID), clean(e.ClientName), string(js), e.Outcome)
		return err
	})
}

// History implements [Audit].
func (s *Store) History(ctx context.Context, workspace, clientUUID string, limit int) ([]Entry, error) {
	if limit <= 0 {
		limit = DefaultHistoryLimit
	}
	limit = min(limit, MaxHistoryLimit)
	var out []Entry
	err := s.do(ctx, "history", func(ctx context.Context, db *sql.DB) error {
		out = out[:0]
		rows, err := db.QueryContext(ctx, `SELECT at_us, surface, actor, account, workspace, client_uuid, client_name, changes, outcome
FROM audit_log WHERE workspace = $1 AND client_uuid = $2 ORDER BY at_us DESC, id DESC LIMIT $3`,
			clean(workspace), clean(clientUUID), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e Entry
			var at int64
			var js string
			if err := rows.Scan(&at, &e.Surface, &e.Actor, &e.Account, &e.Workspace, &e.ClientUUID, &e.ClientName, &js, &e.Outcome); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(js), &e.Changes); err != nil {
				return fmt.Errorf("audit entry of %s: changes: %w", time.UnixMicro(at).UTC(), err)
			}
			e.When = time.UnixMicro(at).UTC()
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SweepAudit deletes the audit entries older than olderThan and returns how many
// it deleted.
func (s *Store) SweepAudit(ctx context.Context, olderThan time.Time) (int64, error) {
	return s.execCount(ctx, "sweep_audit", `DELETE FROM audit_log WHERE at_us < $1`, micros(olderThan))
}
