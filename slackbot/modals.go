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

// openCreateForm answers /gitscrum create without arguments: the "New client"
// modal opened with the command's trigger_id, and no reply (nil).
func (b *Bot) openCreateForm(ctx context.Context, inv *invocation) result {
	web, err := b.webAPI()
	if err != nil {
		return result{msg: noBotTokenMessage(b.cfg.Command, "The New client form"), code: ResultInvalid, err: err}
	}
	meta := viewMeta{Workspace: inv.workspace, Channel: inv.channelID, User: inv.userID}
	mv, err := createView(meta, nil, "")
	if err != nil {
		return fail(err)
	}
	if _, err := web.OpenViewContext(ctx, inv.triggerID, mv); err != nil {
		return result{msg: openFailedMessage(b.cfg.Command, "the New client form", err), code: ResultUnavailable, err: fmt.Errorf("views.open: %w", err)}
	}
	return result{}
}

// nameErrors returns a submission answer with msg on the Name field.
func nameErrors(msg string) *slack.ViewSubmissionResponse {
	return slack.NewErrorsViewSubmissionResponse(map[string]string{fieldBlockID(gitscrum.FieldName): blockkit.Fit(msg, 500)})
}

// refusalText says in one line why the user may not write.
func refusalText(r writeRefusal) string {
	switch r {
	case writeReadOnly:
		return "Nothing saved: this bot is read-only."
	case writeUnconfigured:
		return "Nothing saved: creating and updating clients from Slack is not enabled (" + EnvWriteUsers + " is empty)."
	case writeNeedsAccount:
		return "Nothing saved: creating and changing clients needs your own GitScrum account. Connect it (the message sent to you has the button), then submit again."
	}
	return "Nothing saved: you may not create or update clients; ask an admin to add your user ID to " + EnvWriteUsers + "."
}

// submitCheck re-checks a submission's claims: its metadata, that the user who
// submitted may write, that it names a workspace. It returns the metadata and who
// acts, or the answer. The core checks the workspace's slug with the values
// ([workspaceRefused]).
func (b *Bot) submitCheck(ctx context.Context, ia *interaction) (viewMeta, *actor, *submitResult) {
	meta, err := decodeViewMeta(ia.cb.View.PrivateMetadata)
	if err != nil {
		return meta, nil, &submitResult{resp: nameErrors("This form is not one gitscrum-slack can read; close it and start again."), result: ResultInvalid, err: fmt.Errorf("%w: %w", errNotOurs, err)}
	}
	act, r := b.acting(ctx, ia.identity(), true)
	if r != nil {
		return meta, nil, b.submitRefused(ia, meta, r)
	}
	if err := claimedWorkspace(meta.Workspace); err != nil {
		return meta, nil, &submitResult{resp: nameErrors("Nothing saved: invalid workspace " + quote(meta.Workspace, 100) + "."), result: ResultInvalid, err: err}
	}
	return meta, act, nil
}

// submitRefused answers a submission by someone who may not write (r says why):
// the reason on the form, which stays open, and, when they must connect their
// account, the prompt with its button sent to them.
func (b *Bot) submitRefused(ia *interaction, meta viewMeta, r *refusal) *submitResult {
	switch {
	case r.err != nil:
		return &submitResult{resp: nameErrors("Nothing saved: the bridge's state store did not answer, so your GitScrum account could not be looked up. Try again in a minute."),
			result: ResultUnavailable, err: r.err}
	case !r.connect:
		return &submitResult{resp: nameErrors(refusalText(r.denied)), result: ResultForbidden, err: errWriteRefused}
	}
	text := refusalText(writeNeedsAccount)
	if r.state == linkBroken {
		text = "Nothing saved: " + brokenText + " The message sent to you has the button; then submit again."
	}
	return &submitResult{resp: nameErrors(text), result: ResultUnauthorized, err: errNeedsAccount, then: b.promptLater(ia, meta, r)}
}

// promptLater returns the follow-up that sends the person who submitted ia the
// connect prompt answering r, where the form was opened.
func (b *Bot) promptLater(ia *interaction, meta viewMeta, r *refusal) func(context.Context) {
	p := ia.person()
	p.channel = meta.Channel
	return func(ctx context.Context) {
		if err := b.tell(ctx, p.id.UserID, p.channel, b.connectPrompt(ctx, p, connectTitle(r))); err != nil {
			b.log.Warn("cannot send the connect prompt", "error", err)
		}
	}
}

// linkedTokenRefused answers a submission whose write GitScrum refused because
// of the linked token act used (401): the link is marked broken, the form says
// so and the person is sent the prompt to connect again. Nil for any other error.
func (b *Bot) linkedTokenRefused(ctx context.Context, ia *interaction, meta viewMeta, act *actor, err error) *submitResult {
	if !b.tokenRefused(ctx, act, err) {
		return nil
	}
	r := &refusal{connect: true, state: linkBroken, write: true}
	return &submitResult{resp: nameErrors("Nothing saved: " + brokenText + " The message sent to you has the button; then submit again."),
		result: ResultUnauthorized, err: err, then: b.promptLater(ia, meta, r)}
}

// workspaceRefused answers a submission whose workspace slug the core refused (the
// metadata is the bot's, so only a stale or forged form names a malformed one),
// or returns nil for any other error.
func workspaceRefused(ws string, err error) *submitResult {
	var gse *gitscrum.Error
	if !errors.Is(err, gitscrum.ErrValidation) || !errors.As(err, &gse) || len(gse.Fields[gitscrum.InputCompanySlug]) == 0 {
		return nil
	}
	return &submitResult{resp: nameErrors("Nothing saved: invalid workspace " + quote(ws, 100) + "."), result: ResultInvalid, err: err}
}

// problemText says in words, for the Name field, why a write failed.
func problemText(slash string, cmd *command, err error) string {
	var re *gitscrum.ResolveError
	if errors.Is(err, gitscrum.ErrNotFound) && !errors.As(err, &re) {
		var gse *gitscrum.Error
		if errors.As(err, &gse) && gse.Code == "WORKSPACE_NOT_FOUND" {
			return "Nothing saved: the workspace was not found in GitScrum."
		}
		return "Nothing saved: this client no longer exists in GitScrum."
	}
	inv := &invocation{cmd: cmd}
	msg, _ := failure(slash, inv, err)
	text := strings.TrimPrefix(msg.Text, warningSign)
	return strings.ReplaceAll(text+afterWrite(inv, err), "`", "")
}

// failedWrite turns a failed create or update into the submission's answer: the
// fields at fault, or the problem on Name; late is the form again, with a notice.
func failedWrite(slash string, cmd *command, err error, present formValues, form func(notice string) (slack.ModalViewRequest, error)) submitResult {
	var gse *gitscrum.Error
	r := submitResult{err: err, result: classify(err)}
	var notice string
	if errors.Is(err, gitscrum.ErrValidation) && errors.As(err, &gse) && len(gse.Fields) > 0 {
		errs := fieldErrorsOf(gse, present)
		r.resp = slack.NewErrorsViewSubmissionResponse(errs)
		notice = "⚠️ Nothing saved: some values are invalid: " + blockkit.Clip(gse.FieldSummary(), 1000)
	} else {
		text := problemText(slash, cmd, err)
		r.resp = nameErrors(text)
		notice = "⚠️ " + text
	}
	if mv, ferr := form(notice); ferr == nil {
		r.late = &mv
	}
	return r
}

// trimmedValues returns the submitted values without surrounding spaces.
func trimmedValues(values formValues) formValues {
	out := make(formValues, len(values))
	for f, v := range values {
		out[f] = strings.TrimSpace(v)
	}
	return out
}

// onCreateSubmit creates the client of a submitted "New client" modal: invalid
// input or a duplicate is answered on the field at fault and nothing is created
// (Create anyway overrides a duplicate); a success closes the modal and tells the
// user where they started with the new card.
func (b *Bot) onCreateSubmit(ctx context.Context, ia *interaction) submitResult {
	meta, act, refused := b.submitCheck(ctx, ia)
	if refused != nil {
		return *refused
	}
	raw, force := submitted(ia.cb.View.State)
	values := trimmedValues(raw)
	req := gitscrum.CreateClientRequest{CompanySlug: meta.Workspace}
	for f, v := range values {
		req.Set(f, v)
	}
	form := func(notice string) (slack.ModalViewRequest, error) { return createView(meta, raw, notice) }
	c, err := act.client.CreateClientIfNew(ctx, req, force)
	b.recordCreate(ctx, ia.writer(act, meta.Workspace), req, c, err)
	if r := b.linkedTokenRefused(ctx, ia, meta, act, err); r != nil {
		return *r
	}
	if r := workspaceRefused(meta.Workspace, err); r != nil {
		return *r
	}
	var de *gitscrum.DuplicateError
	switch {
	case errors.As(err, &de):
		text := duplicateText(de.Existing)
		r := submitResult{resp: nameErrors(text), result: ResultDuplicate, err: err}
		if mv, ferr := form("⚠️ " + text); ferr == nil {
			r.late = &mv
		}
		return r
	case err != nil:
		return failedWrite(b.cfg.Command, lookupCommand("create"), err, values, form)
	}
	user := ia.userID()
	done := noticeView("New client", "✅ Created "+quote(c.Name, 200)+". Its card was sent to you.")
	v := rendering{slash: b.cfg.Command, workspace: meta.Workspace, userID: user, buttons: true, canWrite: true}
	card := cardMessage(*c, v, ":white_check_mark: Created by "+userMention(user)+".")
	return submitResult{late: &done, then: func(ctx context.Context) {
		if err := b.tell(ctx, user, meta.Channel, card); err != nil {
			b.log.Warn("created a client but could not tell the user", "error", err)
		}
	}}
}

// duplicateText names the clients a create would duplicate, and the override.
func duplicateText(existing []gitscrum.ClientCompany) string {
	names := make([]string, 0, min(len(existing), 3))
	for _, c := range existing[:min(len(existing), 3)] {
		names = append(names, quote(c.Name, 80)+" (UUID "+blockkit.Clip(c.UUID, 40)+")")
	}
	more := ""
	if len(existing) > 3 {
		more = fmt.Sprintf(" and %d more", len(existing)-3)
	}
	return "Not created: " + strings.Join(names, ", ") + more + " already has this name or email. Tick " + createAnywayLabel + " to create a second client."
}

// onEditSubmit saves a submitted edit modal in one trip into the core
// ([gitscrum.Client.EditClient]): a record changed since the form opened is not
// overwritten (the form comes back with what changed, to submit again on
// purpose); else only the fields that differ are sent (an emptied field is
// cleared), and the user is told before → after.
func (b *Bot) onEditSubmit(ctx context.Context, ia *interaction) submitResult {
	meta, act, refused := b.submitCheck(ctx, ia)
	if refused != nil {
		return *refused
	}
	if strings.TrimSpace(meta.ID) == "" {
		return submitResult{resp: nameErrors("This form names no client; close it and click Edit again."), result: ResultInvalid, err: errNotOurs}
	}
	raw, _ := submitted(ia.cb.View.State)
	values := trimmedValues(raw)
	req := gitscrum.UpdateClientRequest{CompanySlug: meta.Workspace}
	for f, v := range values {
		req.Set(f, v)
	}
	res, err := act.client.EditClient(ctx, meta.Workspace, meta.ID, meta.Fingerprint, req)
	b.recordUpdate(ctx, ia.writer(act, meta.Workspace), meta.ID, res, err)
	if r := b.linkedTokenRefused(ctx, ia, meta, act, err); r != nil {
		return *r
	}
	if r := workspaceRefused(meta.Workspace, err); r != nil {
		return *r
	}
	var conflict *gitscrum.ConflictError
	switch {
	case errors.As(err, &conflict):
		return conflictResult(meta, conflict.Current, raw, values, err)
	case err != nil && res == nil: // the client could not be fetched
		return submitResult{resp: nameErrors(problemText(b.cfg.Command, lookupCommand("update"), err)), result: classify(err), err: err}
	case err != nil:
		return failedWrite(b.cfg.Command, lookupCommand("update"), err, values, func(notice string) (slack.ModalViewRequest, error) {
			return editView(meta, res.Before, raw, notice)
		})
	}
	user := ia.userID()
	v := rendering{slash: b.cfg.Command, workspace: meta.Workspace, userID: user}
	tell := func(ctx context.Context) {
		if err := b.tell(ctx, user, meta.Channel, changesMessage(v, res)); err != nil {
			b.log.Warn("could not tell the user the outcome of an edit", "error", err)
		}
	}
	done := noticeView("Edit client", "✅ Saved "+quote(res.After.Name, 200)+". The changes were sent to you.")
	if len(res.Changes) == 0 {
		done = noticeView("Edit client", "✅ Nothing changed.")
	}
	return submitResult{late: &done, then: tell}
}

// conflictResult answers an edit made on values someone changed meanwhile: the
// form again, against the client as it is now, naming what changed; nothing saved.
func conflictResult(meta viewMeta, now gitscrum.ClientCompany, raw, values formValues, err error) submitResult {
	var changed []string
	for _, f := range gitscrum.EditableFields {
		if v, ok := values[f]; ok && v != strings.TrimSpace(now.Get(f)) {
			changed = append(changed, fieldLabel(f)+" "+quote(orEmpty(now.Get(f)), 200))
		}
	}
	notice := "⚠️ Someone changed this client in GitScrum since this form opened. Nothing was saved."
	if len(changed) > 0 {
		notice += " Now in GitScrum: " + strings.Join(changed, ", ") + "."
	}
	notice += " Submit again to save your values over theirs, or Cancel."
	mv, ferr := editView(meta, now, raw, notice)
	if ferr != nil {
		return submitResult{resp: nameErrors(notice), result: ResultInvalid, err: err}
	}
	return submitResult{resp: slack.NewUpdateViewSubmissionResponse(&mv), late: &mv, result: ResultInvalid, err: err}
}

// orEmpty returns s, or "(empty)".
func orEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(empty)"
	}
	return s
}
