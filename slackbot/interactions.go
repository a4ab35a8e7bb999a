package slackbot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/internal/receiver"
)

// interaction is one interactivity payload (a click, a modal submitted, options
// asked for) as every listener sees it, whatever the transport.
type interaction struct {
	transport string
	cb        *slack.InteractionCallback
	// action is the block action or suggestion the payload is about, nil for a
	// view submission.
	action *slack.BlockAction
	start  time.Time
}

// userID is who clicked or submitted.
func (ia *interaction) userID() string { return ia.cb.User.ID }

// identity is who clicked or submitted, as accounts knows them.
func (ia *interaction) identity() accounts.Identity {
	return accounts.Identity{TeamID: ia.cb.Team.ID, UserID: ia.cb.User.ID}
}

// person is who clicked or submitted, where, for a connect link.
func (ia *interaction) person() person {
	return person{id: ia.identity(), name: ia.cb.User.Name, channel: ia.cb.Channel.ID}
}

// submitResult is how a view submission ended.
type submitResult struct {
	// resp acknowledges the submission: errors on fields, or an updated view; nil
	// closes the modal.
	resp *slack.ViewSubmissionResponse
	// late is the view shown instead when the result came after the modal was
	// already acknowledged with a "Saving…" view (the form with a notice, or a
	// done view). Without it a notice of the failure is shown.
	late *slack.ModalViewRequest
	// then runs after the acknowledgement, such as telling the user.
	then func(ctx context.Context)
	// result and err are the outcome.
	result string
	err    error
}

// interactionAck is the answer to an interactivity payload: nil for an empty
// 200 (Socket Mode: an acknowledgement without payload), else a JSON body.
type interactionAck any

// interact dispatches one payload through the router and returns the
// acknowledgement. Block actions are acknowledged at once and run after; view
// submissions are answered within Config.InlineBudget ("Saving…" beyond it);
// options are answered within it (none beyond it).
func (b *Bot) interact(transport string, cb *slack.InteractionCallback) interactionAck {
	ia := &interaction{transport: transport, cb: cb, start: time.Now()}
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		if len(cb.ActionCallback.BlockActions) == 0 {
			b.recordInteraction(ia, "action:none", ResultInvalid, errors.New("block_actions without an action"))
			return nil
		}
		ia.action = cb.ActionCallback.BlockActions[0]
		l, ok := b.router.actions[ia.action.ActionID]
		if !ok {
			b.recordInteraction(ia, "action:unknown", ResultInvalid, fmt.Errorf("no listener for action %q", clipRunes(ia.action.ActionID, 40)))
			return nil
		}
		b.runAction(ia, l)
		return nil
	case slack.InteractionTypeViewSubmission:
		l, ok := b.router.views[cb.View.CallbackID]
		if !ok {
			b.recordInteraction(ia, "view:unknown", ResultInvalid, fmt.Errorf("no listener for view %q", clipRunes(cb.View.CallbackID, 40)))
			return nil
		}
		return b.runSubmit(ia, l)
	case slack.InteractionTypeBlockSuggestion:
		ia.action = &slack.BlockAction{ActionID: cb.ActionID, BlockID: cb.BlockID, Value: cb.Value}
		l, ok := b.router.options[cb.ActionID]
		if !ok {
			b.recordInteraction(ia, "options:unknown", ResultInvalid, fmt.Errorf("no options for action %q", clipRunes(cb.ActionID, 40)))
			return noOptions()
		}
		return b.runOptions(ia, l)
	case slack.InteractionTypeViewClosed:
		return nil
	}
	b.recordInteraction(ia, "unknown", ResultInvalid, fmt.Errorf("interaction type %q not handled", clipRunes(string(cb.Type), 40)))
	return nil
}

// noOptions is an options answer without options.
func noOptions() *slack.OptionsResponse {
	return &slack.OptionsResponse{Options: []*slack.OptionBlockObject{}}
}

// runAction runs a block action's listener in the background, bounded by
// Config.JobTimeout; a closing bot refuses it. A listener that panics is
// answered with an internal error.
func (b *Bot) runAction(ia *interaction, l actionListener) {
	name := "action:" + ia.action.ActionID
	err := b.jobs.Spawn(name, func(ctx context.Context) {
		result, err := l(ctx, ia)
		b.recordInteraction(ia, name, result, err)
	}, func(ctx context.Context, err error) {
		a := b.notRun(err)
		b.recordInteraction(ia, name, a.result, err)
		if aerr := b.answer(ctx, ia, a.msg, false); aerr != nil {
			b.log.Warn("cannot tell the user a click failed", "error", aerr)
		}
	})
	if err != nil { // busy or shutting down: nothing ran
		b.tellNotRun(ia, name, err)
	}
}

// runOptions answers an options request with its listener's options when they
// are ready within the inline budget, else with none.
func (b *Bot) runOptions(ia *interaction, l optionListener) interactionAck {
	name := "options:" + ia.action.ActionID
	type options struct {
		resp   *slack.OptionsResponse
		err    error
		result string // set when the listener did not run
	}
	got, inTime, err := receiver.Ack(b.jobs, name, b.cfg.InlineBudget, nil,
		func(ctx context.Context) options {
			ctx, cancel := context.WithTimeout(ctx, b.cfg.InlineBudget)
			defer cancel()
			resp, err := l(ctx, ia)
			return options{resp: resp, err: err}
		},
		func(err error) options { return options{err: err, result: b.notRun(err).result} },
		func(_ context.Context, o options) {
			b.recordInteraction(ia, name, cmp.Or(o.result, classify(o.err)), o.err)
		})
	switch {
	case err != nil: // busy or shutting down: nothing ran
		b.recordInteraction(ia, name, ResultUnavailable, err)
		return noOptions()
	case !inTime:
		return noOptions()
	}
	b.recordInteraction(ia, name, cmp.Or(got.result, classify(got.err)), got.err)
	if got.resp == nil || got.resp.Options == nil {
		return noOptions()
	}
	return got.resp
}

// runSubmit answers a view submission with its listener's acknowledgement when it
// is ready within the inline budget; else with a "Saving…" view that is replaced
// by views.update once the listener is done. A listener that panics is answered
// on the form.
func (b *Bot) runSubmit(ia *interaction, l viewListener) interactionAck {
	name := "view:" + ia.cb.View.CallbackID
	r, inTime, err := receiver.Ack(b.jobs, name, b.cfg.InlineBudget, nil,
		func(ctx context.Context) submitResult {
			r := l(ctx, ia)
			if r.result == "" {
				r.result = ResultOK
			}
			return r
		},
		func(err error) submitResult {
			if a := b.notRun(err); a.result == ResultUnavailable {
				return submitResult{resp: nameErrors(notRunSubmission(err)), result: a.result, err: err}
			}
			return submitResult{resp: nameErrors("Nothing saved: something went wrong inside gitscrum-slack. Try again; if it keeps failing, tell the admin."),
				result: ResultInternal, err: err}
		},
		func(ctx context.Context, r submitResult) {
			b.finishLate(ctx, ia, r)
			if r.then != nil {
				r.then(ctx)
			}
			b.recordInteraction(ia, name, r.result, r.err)
		})
	switch {
	case err != nil: // busy or shutting down: nothing ran
		b.recordInteraction(ia, name, ResultUnavailable, err)
		return nameErrors(notRunSubmission(err))
	case !inTime:
		v := noticeView(viewTitle(ia), "⏳ Saving… GitScrum is slow to answer; this form shows the outcome in a moment.")
		return slack.NewUpdateViewSubmissionResponse(&v)
	}
	b.recordInteraction(ia, name, r.result, r.err)
	if r.then != nil {
		b.later(name, r.then)
	}
	if r.resp == nil {
		return nil // no typed nil in the interface
	}
	return r.resp
}

// viewTitle is the title of the modal submitted.
func viewTitle(ia *interaction) string {
	if ia.cb.View.Title != nil && ia.cb.View.Title.Text != "" {
		return ia.cb.View.Title.Text
	}
	return "GitScrum"
}

// finishLate shows the outcome of a submission answered with "Saving…" in its
// modal, with views.update.
func (b *Bot) finishLate(ctx context.Context, ia *interaction, r submitResult) {
	v := r.late
	if v == nil {
		text := "✅ Saved."
		if r.resp != nil && r.resp.ResponseAction == slack.RAErrors {
			text = lateErrorsText(r.resp.Errors)
		}
		nv := noticeView(viewTitle(ia), text)
		v = &nv
	}
	web, err := b.webAPI()
	if err != nil {
		b.log.Warn("cannot show the outcome of a submission", "error", err)
		return
	}
	if _, err := web.UpdateViewContext(ctx, *v, "", "", ia.cb.View.ID); err != nil {
		b.log.Warn("views.update failed: the outcome of a submission is not shown in its modal", "error", err)
	}
}

// lateErrorsText says in one line the errors a submission would have been
// answered with, in the order of the form's fields, "Not saved" said once.
func lateErrorsText(errs map[string]string) string {
	blocks := make([]string, 0, len(errs))
	for block := range errs {
		blocks = append(blocks, block)
	}
	order := func(block string) int {
		for i, f := range gitscrum.EditableFields {
			if block == fieldBlockID(f) {
				return i
			}
		}
		return len(gitscrum.EditableFields)
	}
	slices.SortFunc(blocks, func(x, y string) int { return cmp.Or(cmp.Compare(order(x), order(y)), strings.Compare(x, y)) })
	msgs := make([]string, 0, len(blocks))
	for _, block := range blocks {
		msgs = append(msgs, errs[block])
	}
	text := strings.Join(msgs, " ")
	if !strings.HasPrefix(text, "Nothing saved") && !strings.HasPrefix(text, "Not created") {
		text = "Not saved: " + text
	}
	return "⚠️ " + text
}

// later runs f in the background, bounded by Config.JobTimeout.
func (b *Bot) later(name string, f func(ctx context.Context)) {
	if err := b.jobs.Spawn(name+" (after)", f, nil); err != nil {
		b.log.Warn("the follow-up of a submission did not run", "listener", name, "error", err)
	}
}

// recordInteraction records how an interaction ended; Subcommand is kind:id,
// such as "action:gitscrum_share".
func (b *Bot) recordInteraction(ia *interaction, name, result string, err error) {
	b.record(Outcome{Transport: ia.transport, UserID: ia.cb.User.ID, TeamID: ia.cb.Team.ID, Subcommand: name,
		Result: result, Err: err, Latency: time.Since(ia.start)})
}
