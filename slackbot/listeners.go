package slackbot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// Kinds of a paged list, in actionValue.Kind.
const (
	kindList = "list"
	kindFind = "find"
)

// errNotOurs refuses a payload whose value or metadata the bot did not make.
var errNotOurs = errors.New("the payload's value is not one gitscrum-slack made")

// notOursMessage answers a payload whose value the bot cannot read.
func notOursMessage(slash string) *slack.WebhookMessage {
	return errorMessage(slash, blockkit.Ours("This button is not one gitscrum-slack can read."), blockkit.Ours("Run "+code(slash, 40)+" again for a fresh answer."), nil)
}

// claimedWorkspace refuses a payload that names no workspace: the bot always puts
// one in what it makes. Whether the slug is well formed is checked by the core
// operation the listener then calls (and GitScrum answers whether the token sees
// it); a listener that calls none before it acts checks with [checkWorkspace].
func claimedWorkspace(ws string) error {
	if strings.TrimSpace(ws) == "" {
		return fmt.Errorf("%w: no workspace", errNotOurs)
	}
	return nil
}

// checkWorkspace re-checks the workspace a payload claims where no core operation
// will before the listener acts: one the bot serves, that is the configured default
// or another well-formed slug, as workspace= on the command allows.
func checkWorkspace(ws string) error {
	if err := claimedWorkspace(ws); err != nil {
		return err
	}
	return gitscrum.ValidateCompanySlug(ws)
}

// renderingFor is the rendering context of an answer to ia in workspace ws, with the
// interactive parts for the user who clicked (act).
func (b *Bot) renderingFor(ia *interaction, act *actor, ws string) rendering {
	return rendering{slash: b.cfg.Command, workspace: ws, userID: ia.userID(), buttons: true,
		canWrite: b.mayWrite(act) == writeAllowed}
}

// actFor returns who acts for the click ia (a write when write is set). When
// the person may not, it tells them why (with a Connect GitScrum button when
// they must link their account) and returns nil and the outcome.
func (b *Bot) actFor(ctx context.Context, ia *interaction, write bool) (*actor, string, error) {
	act, r := b.acting(ctx, ia.identity(), write)
	if r == nil {
		return act, ResultOK, nil
	}
	a := b.refusedAnswer(ctx, ia.person(), r)
	if err := b.answer(ctx, ia, a.msg, false); err != nil {
		b.log.Warn("cannot tell the user their click was refused", "error", err)
	}
	return nil, a.result, a.err
}

// report answers the user about a failure of a click by act and returns its
// outcome. A linked token GitScrum refused is answered with a prompt to
// connect again.
func (b *Bot) report(ctx context.Context, ia *interaction, act *actor, cmdName, ws, ref string, err error) (string, error) {
	cmd := lookupCommand(cmdName)
	msg, code := failure(b.cfg.Command, &invocation{cmd: cmd, workspace: ws, userID: ia.userID(), arg: ref, actor: act}, err)
	switch {
	case errors.Is(err, errNotOurs):
		msg, code = notOursMessage(b.cfg.Command), ResultInvalid
	case b.tokenRefused(ctx, act, err):
		msg = b.connectPrompt(ctx, ia.person(), blockkit.Ours(warningSign+brokenText))
	}
	if aerr := b.answer(ctx, ia, msg, false); aerr != nil {
		b.log.Warn("cannot tell the user why a click failed", "error", aerr)
	}
	return code, err
}

// freshClient re-checks the claim of a button about a client: the client itself,
// fetched afresh (the core checks the workspace and the id first). A failure is
// answered to the user.
func (b *Bot) freshClient(ctx context.Context, ia *interaction, act *actor, ws, id string) (*gitscrum.ClientCompany, string, error) {
	if err := claimedWorkspace(ws); err != nil {
		code, err := b.report(ctx, ia, act, "show", ws, id, err)
		return nil, code, err
	}
	if strings.TrimSpace(id) == "" {
		code, err := b.report(ctx, ia, act, "show", ws, id, errNotOurs)
		return nil, code, err
	}
	c, err := act.client.GetClient(ctx, ws, id)
	if err != nil {
		code, err := b.report(ctx, ia, act, "show", ws, id, err)
		return nil, code, err
	}
	return c, ResultOK, nil
}

// value decodes the value of the action clicked.
func (b *Bot) value(ctx context.Context, ia *interaction) (actionValue, string, error) {
	v, err := decodeActionValue(ia.action.Value)
	if err != nil {
		code, err := b.report(ctx, ia, nil, "show", "", "", fmt.Errorf("%w: %w", errNotOurs, err))
		return v, code, err
	}
	return v, ResultOK, nil
}

// onShare posts a client's card to the channel for everyone, naming who shared
// it.
func (b *Bot) onShare(ctx context.Context, ia *interaction) (string, error) {
	v, res, err := b.value(ctx, ia)
	if err != nil {
		return res, err
	}
	act, res, err := b.actFor(ctx, ia, false)
	if err != nil {
		return res, err
	}
	c, res, err := b.freshClient(ctx, ia, act, v.Workspace, v.ID)
	if err != nil {
		return res, err
	}
	web, err := b.webAPI()
	if err != nil {
		_ = b.answer(ctx, ia, noBotTokenMessage(b.cfg.Command, "Share"), false)
		return ResultInvalid, err
	}
	channel := ia.cb.Channel.ID
	if channel == "" {
		_ = b.answer(ctx, ia, errorMessage(b.cfg.Command, blockkit.Ours("There is no channel to share this card in."), blockkit.Line{}, nil), false)
		return ResultInvalid, errors.New("share: no channel in the payload")
	}
	msg := cardMessage(*c, rendering{slash: b.cfg.Command, workspace: v.Workspace, userID: ia.userID(), share: true}, "")
	if _, _, err := web.PostMessageContext(ctx, channel, msgOptions(msg)...); err != nil {
		_ = b.answer(ctx, ia, errorMessage(b.cfg.Command, blockkit.Shown("Could not post the card in this channel: Slack answered "+quote(err.Error(), 100)+"."),
			blockkit.Ours("Invite the app to the channel with "+code("/invite", 20)+" and Share again."), nil), false)
		return ResultUnavailable, fmt.Errorf("share: chat.postMessage: %w", err)
	}
	return ResultOK, nil
}

// onPick shows the card of the client picked: from a button of the chooser
// (value: workspace and id) or from the picker (the option's value is the id, the
// block_id the workspace). The card replaces the message picked from.
func (b *Bot) onPick(ctx context.Context, ia *interaction) (string, error) {
	var ws, id string
	if ia.action.ActionID == ActionPicker {
		v, err := decodeActionValue(ia.action.BlockID)
		if err != nil {
			return b.report(ctx, ia, nil, "show", "", "", fmt.Errorf("%w: %w", errNotOurs, err))
		}
		ws, id = v.Workspace, ia.action.SelectedOption.Value
	} else {
		v, code, err := b.value(ctx, ia)
		if err != nil {
			return code, err
		}
		ws, id = v.Workspace, v.ID
	}
	act, code, err := b.actFor(ctx, ia, false)
	if err != nil {
		return code, err
	}
	c, code, err := b.freshClient(ctx, ia, act, ws, id)
	if err != nil {
		return code, err
	}
	msg := cardMessage(*c, b.renderingFor(ia, act, ws), "")
	if err := b.answer(ctx, ia, msg, true); err != nil {
		return ResultReplyLost, err
	}
	return ResultOK, nil
}

// onPage replaces a list with its next or previous page, listed again afresh.
func (b *Bot) onPage(ctx context.Context, ia *interaction) (string, error) {
	v, code, err := b.value(ctx, ia)
	if err != nil {
		return code, err
	}
	cmdName := "list"
	if v.Kind == kindFind {
		cmdName = "find"
	}
	if err := claimedWorkspace(v.Workspace); err != nil {
		return b.report(ctx, ia, nil, cmdName, v.Workspace, v.Query, err)
	}
	act, code, err := b.actFor(ctx, ia, false)
	if err != nil {
		return code, err
	}
	clients, _, err := b.matching(ctx, act, v.Workspace, v.Query)
	if err != nil {
		return b.report(ctx, ia, act, cmdName, v.Workspace, v.Query, err)
	}
	vw := b.renderingFor(ia, act, v.Workspace)
	title := listTitle(v.Workspace, v.Query, clients.Len())
	if v.Kind == kindFind {
		title = findTitle(v.Query, clients.Len())
	}
	pager := actionValue{Workspace: v.Workspace, Query: v.Query, Kind: v.Kind}
	msg := listPage(vw, title, clients, "", v.Page, &pager, v.Kind == kindFind)
	if err := b.answer(ctx, ia, msg, true); err != nil {
		return ResultReplyLost, err
	}
	return ResultOK, nil
}

// matching returns the clients of workspace ws matching query, best first, or all
// of them by name without a query, and the workspace's snapshot. Both come from the
// workspace's cached list, whose search index and name order are built once per
// list: a page of the result copies only its own records. list, find, paging and
// the picker all go through it, with the client of act; the core checks ws and
// query before it lists.
func (b *Bot) matching(ctx context.Context, act *actor, ws, query string) (gitscrum.View, *gitscrum.Snapshot, error) {
	found, snap, err := act.client.SearchClients(ctx, ws, query)
	if err != nil {
		return gitscrum.View{}, nil, err
	}
	if gitscrum.Normalize(query) == "" { // every client: by name
		clients, err := snap.ByName(ctx)
		return clients, snap, err
	}
	return found, snap, nil
}

// pickerOptions answers the picker's options as the user types: the best
// matches first (all clients by name before anything is typed), at most 100.
func (b *Bot) pickerOptions(ctx context.Context, ia *interaction) (*slack.OptionsResponse, error) {
	v, err := decodeActionValue(ia.action.BlockID)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNotOurs, err)
	}
	if err := claimedWorkspace(v.Workspace); err != nil {
		return nil, err
	}
	act, r := b.acting(ctx, ia.identity(), false)
	if r != nil { // no options; the person learns why when they run a command
		if r.err != nil {
			return nil, r.err
		}
		return nil, errNeedsAccount
	}
	clients, _, err := b.matching(ctx, act, v.Workspace, ia.action.Value)
	if b.tokenRefused(ctx, act, err) {
		p := ia.person()
		b.later("options:"+ia.action.ActionID, func(ctx context.Context) {
			if terr := b.tell(ctx, p.id.UserID, p.channel, b.connectPrompt(ctx, p, blockkit.Ours(warningSign+brokenText))); terr != nil {
				b.log.Warn("cannot tell the user their linked token was refused", "error", terr)
			}
		})
	}
	if err != nil {
		return nil, err
	}
	opts := make([]*slack.OptionBlockObject, 0, min(clients.Len(), maxOptions))
	for i := 0; i < clients.Len() && len(opts) < maxOptions; i++ {
		if o := clientOption(*clients.At(i)); o != nil {
			opts = append(opts, o)
		}
	}
	return &slack.OptionsResponse{Options: opts}, nil
}

// errWriteRefused is a click that asked for a write the user may not do.
var errWriteRefused = errors.New("the user may not create or update clients")

// onCreateButton opens the "New client" modal from a button (value: workspace,
// optional name to prefill).
func (b *Bot) onCreateButton(ctx context.Context, ia *interaction) (string, error) {
	v, code, err := b.value(ctx, ia)
	if err != nil {
		return code, err
	}
	if _, code, err := b.actFor(ctx, ia, true); err != nil {
		return code, err
	}
	if err := checkWorkspace(v.Workspace); err != nil { // no core call before the form opens
		return b.report(ctx, ia, nil, "create", v.Workspace, "", err)
	}
	web, err := b.webAPI()
	if err != nil {
		_ = b.answer(ctx, ia, noBotTokenMessage(b.cfg.Command, "The New client form"), false)
		return ResultInvalid, err
	}
	meta := viewMeta{Workspace: v.Workspace, Channel: ia.cb.Channel.ID, User: ia.userID()}
	mv, err := createView(meta, formValues{gitscrum.FieldName: v.Name}, "")
	if err != nil {
		return b.report(ctx, ia, nil, "create", v.Workspace, "", err)
	}
	if _, err := web.OpenViewContext(ctx, ia.cb.TriggerID, mv); err != nil {
		_ = b.answer(ctx, ia, openFailedMessage(b.cfg.Command, "the New client form", err), false)
		return ResultUnavailable, fmt.Errorf("views.open: %w", err)
	}
	return ResultOK, nil
}

// openFailedMessage says a modal could not be opened.
func openFailedMessage(slash, what string, err error) *slack.WebhookMessage {
	return errorMessage(slash, blockkit.Shown("Could not open "+what+": Slack answered "+quote(err.Error(), 100)+"."),
		blockkit.Ours("Try again: Slack lets a form open only within 3 seconds of the click or command."), nil)
}

// onEdit opens the edit modal of a client: a loading view at once (a trigger_id
// lives 3 s and works once), filled with views.update after a fresh GET. A user
// who may not write gets nothing opened.
func (b *Bot) onEdit(ctx context.Context, ia *interaction) (string, error) {
	v, code, err := b.value(ctx, ia)
	if err != nil {
		return code, err
	}
	act, code, err := b.actFor(ctx, ia, true)
	if err != nil {
		return code, err
	}
	if err := claimedWorkspace(v.Workspace); err != nil {
		return b.report(ctx, ia, act, "update", v.Workspace, v.ID, err)
	}
	if strings.TrimSpace(v.ID) == "" {
		return b.report(ctx, ia, act, "update", v.Workspace, v.ID, errNotOurs)
	}
	web, err := b.webAPI()
	if err != nil {
		_ = b.answer(ctx, ia, noBotTokenMessage(b.cfg.Command, "Edit"), false)
		return ResultInvalid, err
	}
	opened, err := web.OpenViewContext(ctx, ia.cb.TriggerID, noticeView("Edit client", "⏳ Loading the client from GitScrum…"))
	if err != nil {
		_ = b.answer(ctx, ia, openFailedMessage(b.cfg.Command, "the edit form", err), false)
		return ResultUnavailable, fmt.Errorf("views.open: %w", err)
	}
	show := func(mv slack.ModalViewRequest) error {
		if _, err := web.UpdateViewContext(ctx, mv, "", "", opened.ID); err != nil {
			return fmt.Errorf("views.update: %w", err)
		}
		return nil
	}
	c, err := act.client.GetClient(ctx, v.Workspace, v.ID)
	if err != nil {
		msg, code := failure(b.cfg.Command, &invocation{cmd: lookupCommand("update"), workspace: v.Workspace, userID: ia.userID(), arg: v.ID, actor: act}, err)
		text := strings.TrimPrefix(msg.Text, warningSign)
		refused := b.tokenRefused(ctx, act, err)
		if refused {
			text = brokenText
		}
		if uerr := show(noticeView("Edit client", text)); uerr != nil {
			b.log.Warn("cannot show a failure in the edit form", "error", uerr)
		}
		if refused {
			if aerr := b.answer(ctx, ia, b.connectPrompt(ctx, ia.person(), blockkit.Ours(warningSign+brokenText)), false); aerr != nil {
				b.log.Warn("cannot tell the user their linked token was refused", "error", aerr)
			}
		}
		return code, err
	}
	meta := viewMeta{Workspace: v.Workspace, Channel: ia.cb.Channel.ID, User: ia.userID()}
	mv, err := editView(meta, *c, nil, "")
	if err != nil {
		_ = show(noticeView("Edit client", "⚠️ This client cannot be edited in a form: "+blockkit.Clip(err.Error(), 200)))
		return ResultInvalid, err
	}
	if err := show(mv); err != nil {
		return ResultUnavailable, err
	}
	return ResultOK, nil
}
