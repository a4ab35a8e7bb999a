package tools

import (
	"context"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/auditlog"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// The audit log of the write tools: every create_client and update_client call
// that reaches its work (its arguments, workspace and token accepted) is one row,
// whatever its outcome, recorded after the call's last request to GitScrum and
// before its answer. The actor is the keyed hash of the token the call used (the
// request's own over HTTP, the server's over stdio), never the token.

// recordCreate records a create_client call: created is the client it made (nil
// when it made none), err how it ended.
func recordCreate(ctx context.Context, c *call, req gitscrum.CreateClientRequest, created *gitscrum.ClientCompany, err error) {
	if !c.audit.Enabled() {
		return
	}
	uuid, name, changes := auditlog.Created(req, created)
	recordWrite(ctx, c, uuid, name, changes, err)
}

// recordUpdate records an update_client call of the client ref names: res is its
// result (nil when nothing was written), err how it ended.
func recordUpdate(ctx context.Context, c *call, ref string, res *gitscrum.UpdateResult, err error) {
	if !c.audit.Enabled() {
		return
	}
	uuid, name := "", ref
	switch {
	case res != nil:
		uuid, name = res.After.UUID, res.After.Name
	case gitscrum.LooksLikeUUID(ref):
		uuid, name = ref, ""
	}
	recordWrite(ctx, c, uuid, name, auditlog.Updated(res), err)
}

// recordWrite appends the row of a write of c's call: its outcome is err's, or
// the one the call set when it answered without writing.
func recordWrite(ctx context.Context, c *call, uuid, name string, changes []store.Change, err error) {
	word := outcome.Of(err)
	if err == nil && c.outcome != "" {
		word = c.outcome
	}
	actor := auditlog.TokenActor(c.client)
	if actor == "" {
		return // no token: the call was refused before its work
	}
	c.audit.Record(ctx, store.Entry{
		Surface:    store.SurfaceMCP,
		Actor:      actor,
		Workspace:  c.slug,
		ClientUUID: uuid,
		ClientName: name,
		Changes:    changes,
		Outcome:    word,
	})
}
