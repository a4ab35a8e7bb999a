package slackbot

import (
	"context"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/auditlog"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// The audit log of Slack's writes: every create and update that reaches the core
// (the create and update commands, the New client and Edit modal submissions) is
// one row, whatever its outcome, recorded after the write and before its answer.
// The actor is the Slack team and user (store.SlackActor); the account is the
// linked account whose token made the write, "" when the bot's token did.

// writer is who made a write from Slack, in which workspace, and with which
// linked account ("" when with the bot's token).
type writer struct {
	teamID, userID, workspace, account string
}

// recordCreate records a create: created is the client made (nil when none was),
// err how it ended.
func (b *Bot) recordCreate(ctx context.Context, w writer, req gitscrum.CreateClientRequest, created *gitscrum.ClientCompany, err error) {
	if b.cfg.Store == nil {
		return
	}
	uuid, name, changes := auditlog.Created(req, created)
	b.recordWrite(ctx, w, uuid, name, changes, err)
}

// recordUpdate records an update of the client ref names: res is its result (nil
// when the client was not found; its Before only when the write failed), err how
// it ended.
func (b *Bot) recordUpdate(ctx context.Context, w writer, ref string, res *gitscrum.UpdateResult, err error) {
	if b.cfg.Store == nil {
		return
	}
	uuid, name := "", ref
	var changes []store.Change
	switch {
	case res != nil && err == nil:
		uuid, name, changes = res.After.UUID, res.After.Name, auditlog.Updated(res)
	case res != nil && res.Before.UUID != "":
		uuid, name = res.Before.UUID, res.Before.Name
	case gitscrum.LooksLikeUUID(ref):
		uuid, name = ref, ""
	}
	b.recordWrite(ctx, w, uuid, name, changes, err)
}

// recordWrite appends the row of one write.
func (b *Bot) recordWrite(ctx context.Context, w writer, uuid, name string, changes []store.Change, err error) {
	rec := auditlog.Recorder{Store: b.cfg.Store, Log: b.log}
	rec.Record(ctx, store.Entry{
		Surface:    store.SurfaceSlack,
		Actor:      store.SlackActor(w.teamID, w.userID),
		Account:    w.account,
		Workspace:  w.workspace,
		ClientUUID: uuid,
		ClientName: name,
		Changes:    changes,
		Outcome:    outcome.Of(err),
	})
}

// writer returns who runs inv, for the audit log.
func (inv *invocation) writer() writer {
	return writer{teamID: inv.teamID, userID: inv.userID, workspace: inv.workspace, account: inv.actor.accountID()}
}

// writer returns who submitted ia, acting as act, in workspace, for the audit log.
func (ia *interaction) writer(act *actor, workspace string) writer {
	return writer{teamID: ia.cb.Team.ID, userID: ia.cb.User.ID, workspace: workspace, account: act.accountID()}
}
