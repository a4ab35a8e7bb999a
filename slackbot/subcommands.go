package slackbot

import (
	"context"
	"fmt"
	"strings"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// rendering returns the rendering context of inv.
func (b *Bot) rendering(inv *invocation) rendering {
	return rendering{slash: b.cfg.Command, workspace: inv.workspace, userID: inv.userID, share: inv.share,
		buttons: true, canWrite: b.mayWrite(inv.actor) == writeAllowed}
}

// runHelp answers help and help <subcommand>, with the workspace commands here
// use and what the person may do.
func (b *Bot) runHelp(ctx context.Context, inv *invocation) result {
	var topic *command
	if len(inv.words) > 0 {
		if topic = lookupCommand(inv.words[0]); topic == nil {
			return fail(errUsage(nil, "There is no subcommand %q.", gitscrum.Excerpt(inv.words[0])))
		}
	}
	act := b.peek(ctx, inv.person().id)
	ws, err := b.workspaceFor(ctx, inv.teamID, inv.channelID, "", act)
	if err != nil {
		ws = b.cfg.Workspace
	}
	return reply(helpMessage(b.cfg.Command, ws, b.mayWrite(act), topic))
}

// runList answers list [query]: the matching clients, best first; all clients by
// name without a query.
func (b *Bot) runList(ctx context.Context, inv *invocation) result {
	query := strings.TrimSpace(inv.arg)
	clients, snap, err := b.matching(ctx, inv.actor, inv.workspace, query)
	if err != nil {
		return fail(err)
	}
	v := b.rendering(inv)
	switch {
	case clients.Len() == 0 && query == "":
		return reply(blockkit.Message(v.responseType(), "No clients yet in workspace "+blockkit.Clip(inv.workspace, 100)+".",
			blockkit.PlainSection("Workspace "+quote(inv.workspace, 100)+" has no clients yet."), v.footer(blockkit.Ours("Add one with "+code(v.slash+" create <name>", 100)))))
	case clients.Len() == 0:
		return b.notFound(ctx, v, snap.Clients(), query)
	}
	pager := actionValue{Workspace: inv.workspace, Query: query, Kind: kindList}
	return reply(listPage(v, listTitle(inv.workspace, query, clients.Len()), clients, "", 0, &pager, false))
}

// listTitle is the title of a list of n clients of workspace ws matching query.
func listTitle(ws, query string, n int) blockkit.Line {
	switch {
	case query == "":
		return blockkit.Shown(fmt.Sprintf("%s in workspace %s:", plural(n, "client"), quote(ws, 100)))
	case n == 1:
		return blockkit.Shown(fmt.Sprintf("1 client matches %s:", quote(query, 200)))
	}
	return blockkit.Shown(fmt.Sprintf("%s match %s:", plural(n, "client"), quote(query, 200)))
}

// findTitle is the title of the n clients a bare /gitscrum <ref> matches.
func findTitle(ref string, n int) blockkit.Line {
	return blockkit.Shown(fmt.Sprintf("%s matches %s:", quote(ref, 200), plural(n, "client")))
}

// runShow answers show <name|uuid> with the client's card.
func (b *Bot) runShow(ctx context.Context, inv *invocation) result {
	if strings.TrimSpace(inv.arg) == "" {
		msg, err := pickerMessage(b.rendering(inv))
		if err != nil {
			return fail(errUsage(inv.cmd, "show needs <name|uuid> here: %s.", err.Error()))
		}
		return reply(msg)
	}
	c, err := inv.actor.client.ResolveClient(ctx, inv.workspace, inv.arg)
	if err != nil {
		return fail(err)
	}
	return reply(cardMessage(*c, b.rendering(inv), ""))
}

// runFind answers a bare /gitscrum <text>: one match shows the card, several the
// list. A UUID is looked up directly.
func (b *Bot) runFind(ctx context.Context, inv *invocation) result {
	ref := strings.TrimSpace(inv.arg)
	if gitscrum.LooksLikeUUID(ref) {
		return b.runShow(ctx, inv)
	}
	matches, snap, err := inv.actor.client.SearchClients(ctx, inv.workspace, ref)
	if err != nil {
		return fail(err)
	}
	all := snap.Clients()
	v := b.rendering(inv)
	ix := snap.Index()
	switch {
	case matches.Len() == 1:
		return b.freshCard(ctx, inv, *matches.At(0))
	case matches.Len() > 1:
		// A name matched better than all others (the exact name) is the one meant.
		if c, err := gitscrum.ResolveIn(ctx, all, ref); err == nil {
			return b.freshCard(ctx, inv, c)
		}
		pager := actionValue{Workspace: inv.workspace, Query: ref, Kind: kindFind}
		return reply(listPage(v, findTitle(ref, matches.Len()), matches, "", 0, &pager, true))
	}
	// Nothing matched. "delete acme" is more likely a mistyped subcommand than a
	// client's name when its first word matches no client at all.
	if words := strings.Fields(ref); inv.verb != "" && len(words) > 1 {
		first, err := ix.Search(ctx, words[0])
		if err != nil {
			return fail(err)
		}
		if first == nil {
			return result{msg: unknownSubcommandMessage(v.slash, inv.verb, ref), code: ResultInvalid}
		}
	}
	return b.notFound(ctx, v, all, ref)
}

// notFound answers that no client matches ref, with the closest names.
func (b *Bot) notFound(ctx context.Context, v rendering, all []gitscrum.ClientCompany, ref string) result {
	suggestions, err := gitscrum.Suggest(ctx, all, ref, 3)
	if err != nil {
		return fail(err)
	}
	return result{msg: notFoundMessage(v, ref, suggestions), code: ResultNotFound}
}

// freshCard answers with the card of a client found in the cached list, as GitScrum
// has it now.
func (b *Bot) freshCard(ctx context.Context, inv *invocation, found gitscrum.ClientCompany) result {
	c, err := inv.actor.client.FreshRecord(ctx, inv.workspace, found)
	if err != nil {
		return fail(err)
	}
	return reply(cardMessage(*c, b.rendering(inv), ""))
}

// runCreate answers create <name> field=value …: the duplicate guard, the create,
// and the new client's card.
func (b *Bot) runCreate(ctx context.Context, inv *invocation) result {
	name := strings.TrimSpace(inv.arg)
	if v, given := inv.field(gitscrum.FieldName); given {
		if name != "" {
			return fail(errUsage(inv.cmd, "Give the name once: either after create or as name=, not both."))
		}
		name = v
	}
	if strings.TrimSpace(name) == "" && len(inv.fields) == 0 && !inv.force {
		return b.openCreateForm(ctx, inv)
	}
	if strings.TrimSpace(name) == "" {
		return fail(errUsage(inv.cmd, "create needs the new client's name."))
	}
	req := gitscrum.CreateClientRequest{CompanySlug: inv.workspace, Name: name}
	for _, fv := range inv.fields {
		if fv.field != gitscrum.FieldName {
			req.Set(fv.field, fv.value)
		}
	}
	c, err := inv.actor.client.CreateClientIfNew(ctx, req, inv.force)
	b.recordCreate(ctx, inv.writer(), req, c, err)
	if err != nil {
		return fail(err)
	}
	return reply(cardMessage(*c, b.rendering(inv), ":white_check_mark: Created by "+userMention(inv.userID)+"."))
}

// runUpdate answers update <name|uuid> field=value …: the partial update and its
// changes, before → after.
func (b *Bot) runUpdate(ctx context.Context, inv *invocation) result {
	if len(inv.fields) == 0 {
		return fail(errUsage(inv.cmd, "Name at least one field to change, like phone=+1-555-0101 (or phone= to clear it)."))
	}
	req := gitscrum.UpdateClientRequest{CompanySlug: inv.workspace}
	for _, fv := range inv.fields {
		req.Set(fv.field, fv.value)
	}
	res, err := inv.actor.client.UpdateClientByRef(ctx, inv.arg, req)
	b.recordUpdate(ctx, inv.writer(), inv.arg, res, err)
	if err != nil {
		return fail(err)
	}
	return reply(changesMessage(b.rendering(inv), res))
}
