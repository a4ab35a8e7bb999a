package slackbot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
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

// The listener tables, Bolt-style: block actions by action_id, view submissions
// by callback_id, options by action_id. Every listener checks again what the
// payload claims (who may write, which client, which workspace).
var (
	actionListeners map[string]actionListener
	viewListeners   map[string]viewListener
	optionListeners map[string]optionListener
)

// actionListener handles a block action after it was acknowledged; it answers
// through the response_url or the Web API, and returns how it ended.
type actionListener func(b *Bot, ctx context.Context, ia *interaction) (string, error)

// viewListener handles a view submission within the inline budget; see
// [submitResult].
type viewListener func(b *Bot, ctx context.Context, ia *interaction) submitResult

// optionListener returns the options of an external select as the user types.
type optionListener func(b *Bot, ctx context.Context, ia *interaction) (*slack.OptionsResponse, error)

func init() {
	actionListeners = map[string]actionListener{
		ActionCreate:   (*Bot).onCreateButton,
		ActionEdit:     (*Bot).onEdit,
		ActionShare:    (*Bot).onShare,
		ActionNext:     (*Bot).onPage,
		ActionPrevious: (*Bot).onPage,
		ActionPick:     (*Bot).onPick,
		ActionPicker:   (*Bot).onPick,
	}
	viewListeners = map[string]viewListener{
		ViewCreate: (*Bot).onCreateSubmit,
		ViewEdit:   (*Bot).onEditSubmit,
	}
	optionListeners = map[string]optionListener{
		ActionPicker: (*Bot).pickerOptions,
	}
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

// interact dispatches one payload through the listener tables and returns the
// acknowledgement. Block actions are acknowledged at once and run after; view
// submissions are answered within Config.InlineBudget ("Saving…" beyond it);
// options are answered within it.
func (b *Bot) interact(transport string, cb *slack.InteractionCallback) interactionAck {
	ia := &interaction{transport: transport, cb: cb, start: time.Now()}
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		if len(cb.ActionCallback.BlockActions) == 0 {
			b.recordInteraction(ia, "action:none", ResultInvalid, errors.New("block_actions without an action"))
			return nil
		}
		ia.action = cb.ActionCallback.BlockActions[0]
		l, ok := actionListeners[ia.action.ActionID]
		if !ok {
			b.recordInteraction(ia, "action:unknown", ResultInvalid, fmt.Errorf("no listener for action %q", clipRunes(ia.action.ActionID, 40)))
			return nil
		}
		b.runAction(ia, l)
		return nil
	case slack.InteractionTypeViewSubmission:
		l, ok := viewListeners[cb.View.CallbackID]
		if !ok {
			b.recordInteraction(ia, "view:unknown", ResultInvalid, fmt.Errorf("no listener for view %q", clipRunes(cb.View.CallbackID, 40)))
			return nil
		}
		return b.runSubmit(ia, l)
	case slack.InteractionTypeBlockSuggestion:
		ia.action = &slack.BlockAction{ActionID: cb.ActionID, BlockID: cb.BlockID, Value: cb.Value}
		l, ok := optionListeners[cb.ActionID]
		if !ok {
			b.recordInteraction(ia, "options:unknown", ResultInvalid, fmt.Errorf("no options for action %q", clipRunes(cb.ActionID, 40)))
			return &slack.OptionsResponse{Options: []*slack.OptionBlockObject{}}
		}
		ctx, cancel := context.WithTimeout(b.ctx, b.cfg.InlineBudget)
		defer cancel()
		resp, err := l(b, ctx, ia)
		result := ResultOK
		if err != nil {
			result = classify(err)
		}
		b.recordInteraction(ia, "options:"+cb.ActionID, result, err)
		if resp == nil {
			resp = &slack.OptionsResponse{}
		}
		if resp.Options == nil {
			resp.Options = []*slack.OptionBlockObject{}
		}
		return resp
	case slack.InteractionTypeViewClosed:
		return nil
	}
	b.recordInteraction(ia, "unknown", ResultInvalid, fmt.Errorf("interaction type %q not handled", clipRunes(string(cb.Type), 40)))
	return nil
}

// runAction runs a block action's listener in the background, bounded by
// Config.JobTimeout; a closing bot refuses it.
func (b *Bot) runAction(ia *interaction, l actionListener) {
	name := "action:" + ia.action.ActionID
	if !b.startJob() {
		b.recordInteraction(ia, name, ResultUnavailable, errClosing)
		return
	}
	go func() {
		defer b.jobs.Done()
		ctx, cancel := context.WithTimeout(b.ctx, b.cfg.JobTimeout)
		defer cancel()
		result, err := safely(b, name, func() (string, error) { return l(b, ctx, ia) })
		b.recordInteraction(ia, name, result, err)
	}()
}

// safely runs f, turning a panic into an internal error.
func safely(b *Bot, name string, f func() (string, error)) (result string, err error) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("interaction panicked", "listener", name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			result, err = ResultInternal, fmt.Errorf("slackbot: %s panicked: %v", name, p)
		}
	}()
	return f()
}

// runSubmit answers a view submission with its listener's acknowledgement when it
// is ready within the inline budget; else with a "Saving…" view that is replaced
// by views.update once the listener is done.
func (b *Bot) runSubmit(ia *interaction, l viewListener) interactionAck {
	name := "view:" + ia.cb.View.CallbackID
	if !b.startJob() {
		b.recordInteraction(ia, name, ResultUnavailable, errClosing)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{fieldBlockID("name"): "gitscrum-slack is restarting. Submit again in a moment."})
	}
	type done struct{ r submitResult }
	ch := make(chan done, 1)
	var (
		mu   sync.Mutex // guards late
		late bool       // set when acknowledged with "Saving…"
	)
	go func() {
		defer b.jobs.Done()
		ctx, cancel := context.WithTimeout(b.ctx, b.cfg.JobTimeout)
		defer cancel()
		var r submitResult
		result, err := safely(b, name, func() (string, error) {
			r = l(b, ctx, ia)
			return r.result, r.err
		})
		r.result, r.err = result, err
		if r.result == "" {
			r.result = ResultOK
		}
		mu.Lock()
		if !late {
			mu.Unlock()
			ch <- done{r}
			return
		}
		mu.Unlock()
		b.finishLate(ctx, ia, r)
		if r.then != nil {
			r.then(ctx)
		}
		b.recordInteraction(ia, name, r.result, r.err)
	}()
	// inTime acknowledges a submission whose listener finished within the budget.
	inTime := func(r submitResult) interactionAck {
		b.recordInteraction(ia, name, r.result, r.err)
		if r.then != nil {
			b.later(r.then)
		}
		if r.resp == nil {
			return nil // no typed nil in the interface
		}
		return r.resp
	}
	timer := time.NewTimer(b.cfg.InlineBudget)
	defer timer.Stop()
	select {
	case d := <-ch:
		return inTime(d.r)
	case <-timer.C:
	}
	mu.Lock()
	defer mu.Unlock()
	select {
	case d := <-ch: // finished while the timer fired
		return inTime(d.r)
	default:
	}
	late = true
	v := noticeView(viewTitle(ia), "⏳ Saving… GitScrum is slow to answer; this form shows the outcome in a moment.")
	return slack.NewUpdateViewSubmissionResponse(&v)
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
func (b *Bot) later(f func(ctx context.Context)) {
	if !b.startJob() {
		return
	}
	go func() {
		defer b.jobs.Done()
		ctx, cancel := context.WithTimeout(b.ctx, b.cfg.JobTimeout)
		defer cancel()
		f(ctx)
	}()
}

// recordInteraction logs how an interaction ended and tells Config.OnOutcome;
// Subcommand is kind:id, such as "action:gitscrum_share".
func (b *Bot) recordInteraction(ia *interaction, name, result string, err error) {
	if result == "" {
		result = ResultOK
	}
	b.record(Outcome{Transport: ia.transport, UserID: ia.cb.User.ID, TeamID: ia.cb.Team.ID, Subcommand: name,
		Result: result, Err: err, Latency: time.Since(ia.start)})
}
