// Package auditlog turns the writes of both adapters into rows of the state
// store's audit log ([store.Entry]): the fields a create set, the changes of an
// update, the outcome word, and who wrote (a Slack user, or the keyed hash of an
// MCP client's token, never the token). [Recorder] appends a row; the adapters
// read the rows back for their history answers with [store.Store.History].
package auditlog

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// appendTimeout bounds the append of one row. It runs on a context detached from
// the request's, so that a write whose caller gave up is recorded all the same.
const appendTimeout = 5 * time.Second

// tokenKey is the key of [store.TokenActor] for the tokens of MCP clients. It is
// the same in every process, so that one token is one actor on every replica and
// after a restart; the token cannot be read back from its hash either way (API
// tokens are long random strings, not guessable words).
var tokenKey = []byte("gitscrum-bridge audit actor v1")

// TokenActor is the actor of whoever holds client's token, "" when it has none.
func TokenActor(client *gitscrum.Client) string {
	return client.NameToken(func(token string) string { return store.TokenActor(tokenKey, token) })
}

// Recorder appends the rows of one adapter. The zero Recorder (no store) records
// nothing.
type Recorder struct {
	// Store is the state store; nil records nothing.
	Store *store.Store
	// Log receives, at error level, a row that could not be appended (the write
	// itself happened); nil discards it.
	Log *slog.Logger
}

// Enabled reports whether rows are recorded.
func (r Recorder) Enabled() bool { return r.Store != nil }

// Record appends e. A failure is logged, not returned: the write it describes has
// already happened (or failed) and its answer is due.
func (r Recorder) Record(ctx context.Context, e store.Entry) {
	if r.Store == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), appendTimeout)
	defer cancel()
	if err := r.Store.Append(ctx, e); err != nil && r.Log != nil {
		r.Log.Error("a write was not recorded in the audit log", "surface", e.Surface, "workspace", e.Workspace,
			"client_uuid", e.ClientUUID, "outcome", e.Outcome, "error", err)
	}
}

// Created returns the client and changes of a create: every field the created
// client has set, "" → its value. Without a client (nothing was created) the
// name is the one asked for and there are no changes.
func Created(req gitscrum.CreateClientRequest, c *gitscrum.ClientCompany) (uuid, name string, changes []store.Change) {
	if c == nil {
		return "", req.Name, nil
	}
	for _, f := range gitscrum.EditableFields {
		if v := c.Get(f); v != "" {
			changes = append(changes, store.Change{Field: string(f), After: v})
		}
	}
	return c.UUID, c.Name, changes
}

// Updated returns the changes of an update, before → after; nil when nothing
// changed.
func Updated(res *gitscrum.UpdateResult) []store.Change {
	if res == nil {
		return nil
	}
	var out []store.Change
	for _, ch := range res.Changes {
		out = append(out, store.Change{Field: string(ch.Field), Before: ch.Before, After: ch.After})
	}
	return out
}

// NoStoreText says that history needs the state store, and how to configure one.
const NoStoreText = "History needs the state store, and this bridge runs without one: " +
	"set GITSCRUM_DATABASE_URL (or --database) to a SQLite file or a postgres:// URL, then restart it. " +
	"Only the writes made through the bridge from then on are recorded."

// SlackUser returns the Slack user id of an actor made by [store.SlackActor], ""
// for any other actor.
func SlackUser(actor string) string {
	rest, ok := strings.CutPrefix(actor, "slack:")
	if !ok {
		return ""
	}
	_, user, ok := strings.Cut(rest, ":")
	if !ok {
		return ""
	}
	return user
}

// Who words an actor for people: "Slack user U123", "an MCP client (token
// 0123abcd)" for a token's hash, else "someone".
func Who(actor string) string {
	if u := SlackUser(actor); u != "" {
		return "Slack user " + u
	}
	if h, ok := strings.CutPrefix(actor, "token:"); ok && h != "" {
		return "an MCP client (token " + h[:min(len(h), 8)] + ")"
	}
	return "someone"
}
