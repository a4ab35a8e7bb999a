package slackbot

import (
	"context"
	"errors"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/internal/receiver"
)

// EnvMaxJobs names the environment variable that sets Config.MaxJobs.
const EnvMaxJobs = "GITSCRUM_SLACK_MAX_JOBS"

// Defaults of the bound on background work (see Config.MaxJobs).
const (
	// DefaultMaxJobs is how many pieces of background work (commands past the
	// inline budget, clicks, submissions, events) run at once by default; as
	// many more may wait up to [JobWait] for a place.
	DefaultMaxJobs = receiver.DefaultMaxJobs
	// JobWait is how long a piece of background work may wait for a place before
	// the person is told the bot is busy.
	JobWait = receiver.DefaultJobWait
	// BusyNoticeTimeout bounds the one post that tells a person whose click was
	// refused at once that the bot is busy: it is made before the click is
	// acknowledged, and never retried.
	BusyNoticeTimeout = time.Second
)

// busyMessage tells a person the bot is too busy to take what they asked now.
func (b *Bot) busyMessage() *slack.WebhookMessage {
	return errorMessage(b.cfg.Command, blockkit.Ours("gitscrum-slack is too busy to take this right now."), blockkit.Ours("Try again in a minute."), nil)
}

// restartingMessage tells a person the bot is shutting down.
func (b *Bot) restartingMessage() *slack.WebhookMessage {
	return errorMessage(b.cfg.Command, blockkit.Ours("gitscrum-slack is restarting."), blockkit.Ours("Try again in a moment."), nil)
}

// notRun is the answer to work that [receiver.Jobs] did not run (busy: it waited
// for a place in vain; or shutting down), or that panicked (err a
// [*receiver.PanicError]). It is the rescue of every job that answers a person.
func (b *Bot) notRun(err error) answer {
	switch {
	case errors.Is(err, receiver.ErrBusy):
		return answer{msg: b.busyMessage(), result: ResultUnavailable, err: err}
	case errors.Is(err, receiver.ErrClosed):
		return answer{msg: b.restartingMessage(), result: ResultUnavailable, err: err}
	}
	return b.internalError(err)
}

// tellNotRun tells the person who clicked that their click was not run, with
// one post to the payload's response_url (else chat.postEphemeral) bounded by
// BusyNoticeTimeout, and records the outcome. It runs before the click is
// acknowledged, so that a flood of refused clicks holds no background work: it
// is bounded by the transport's own bound on requests in flight.
func (b *Bot) tellNotRun(ia *interaction, name string, err error) {
	a := b.notRun(err)
	b.recordInteraction(ia, name, a.result, err)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.ctx), BusyNoticeTimeout)
	defer cancel()
	var perr error
	if url := ia.cb.ResponseURL; url != "" && b.responseURLs.check(url) == nil {
		perr = slack.PostWebhookCustomHTTPContext(ctx, url, b.cfg.HTTPClient, a.msg)
	} else {
		perr = b.tell(ctx, ia.userID(), ia.cb.Channel.ID, a.msg)
	}
	if perr != nil {
		b.log.Warn("cannot tell the user their click was not run", "error", redactURL(perr))
	}
}

// notRunSubmission says, on the form, that a submission was not run: the bot is
// busy, or restarting (err from [receiver.Jobs]).
func notRunSubmission(err error) string {
	if errors.Is(err, receiver.ErrClosed) {
		return "gitscrum-slack is restarting. Submit again in a moment."
	}
	return "Nothing saved: gitscrum-slack is too busy right now. Submit again in a minute."
}
