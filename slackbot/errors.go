package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
)

// Outcome results: how a command or request ended, in the one vocabulary that both
// binaries log and that /metrics counts (package internal/outcome). The log line's
// error tells apart the causes that share a word.
const (
	ResultOK           = outcome.OK
	ResultInvalid      = outcome.Invalid       // the request, the command line or a value did not fit
	ResultNotFound     = outcome.NotFound      // no client (or workspace) matched
	ResultAmbiguous    = outcome.Ambiguous     // several clients matched a reference
	ResultDuplicate    = outcome.Duplicate     // create refused: the client exists
	ResultUnauthorized = outcome.Unauthorized  // Slack's signature refused, or GitScrum refused the token (401)
	ResultForbidden    = outcome.Forbidden     // write access refused, or GitScrum's 403
	ResultRateLimited  = outcome.RateLimited   // GitScrum answered 429
	ResultUnavailable  = outcome.Unavailable   // GitScrum failed, could not be reached or was too slow; or shutting down
	ResultCanceled     = outcome.Canceled      // the work was cancelled, as by a shutdown
	ResultReplayed     = outcome.Replayed      // a signed request already received was refused
	ResultReplyLost    = outcome.ReplyLost     // the answer could not be delivered to Slack
	ResultError        = outcome.Error         // anything else: an answer or an error no class names
	ResultInternal     = outcome.InternalError // a listener panicked (recovered, the stack logged): a bug
)

// failure renders an error from running inv as a reply, and returns its outcome:
// [outcome.Of]'s, the one classification both adapters share. This package only
// words it.
func failure(slash string, inv *invocation, err error) (*slack.WebhookMessage, string) {
	word := outcome.Of(err)
	return failureMessage(slash, inv, err, word), word
}

// classify returns the outcome word of a failure, without rendering it.
func classify(err error) string { return outcome.Of(err) }

// failureMessage words err, whose outcome is word, for the person who ran inv.
func failureMessage(slash string, inv *invocation, err error, word string) *slack.WebhookMessage {
	v := rendering{slash: slash, workspace: inv.workspace, userID: inv.userID}
	var (
		ue  *usageError
		re  *gitscrum.ResolveError
		de  *gitscrum.DuplicateError
		gse *gitscrum.Error
	)
	switch word {
	case ResultInvalid:
		switch {
		case errors.As(err, &ue):
			return errorMessage(slash, shown(clip(ue.msg, 1000)), line{}, ue.cmd)
		case errors.As(err, &gse):
			return validationMessage(slash, inv, gse)
		}
		return errorMessage(slash, shown("Invalid input: "+clip(err.Error(), 500)), line{}, nil)
	case ResultAmbiguous:
		if errors.As(err, &re) && !re.Exact {
			v.buttons = true
			return chooserMessage(v, re.Ref, re.Candidates)
		}
		if re != nil {
			hint := "Use the full name or the UUID: " + code(inv.cmd.usage(slash), 300)
			if inv.cmd.bare {
				hint = "Open one with " + code(slash+" show <uuid>", 100)
			}
			title := shown(fmt.Sprintf("%s%s matches %s. Which one?", warningSign, quote(gitscrum.Excerpt(re.Ref), 200), plural(len(re.Candidates), "client")))
			if re.Exact {
				title = shown(fmt.Sprintf("%sNothing was changed: %s is not exactly the name of one client. It matches %s:",
					warningSign, quote(gitscrum.Excerpt(re.Ref), 200), plural(len(re.Candidates), "client")))
				hint = "To change a client, give its UUID or its full name exactly as listed: " + code(inv.cmd.usage(slash), 300)
			}
			return listMessage(v, title, re.Candidates, hint)
		}
		return errorMessage(slash, ours("That matches several clients."), ours("Use the client's UUID or its full name."), inv.cmd)
	case ResultNotFound:
		switch {
		case errors.As(err, &re):
			return notFoundMessage(v, re.Ref, re.Suggestions)
		case errors.As(err, &gse) && gse.Code == "WORKSPACE_NOT_FOUND":
			return errorMessage(slash, shown("Workspace "+quote(inv.workspace, 100)+" was not found in GitScrum."),
				ours("Check the slug (as in the workspace's GitScrum URL), or whether the bot's token can see that workspace."), nil)
		}
		return notFoundMessage(v, inv.arg, nil)
	case ResultDuplicate:
		hint := "To create it anyway, add " + code("force=yes", 20) + " to the command."
		if errors.As(err, &de) {
			return listMessage(v, ours(warningSign+"Not created: a client with the same name or email already exists."), de.Existing, hint)
		}
		return errorMessage(slash, ours("Not created: a client with the same name or email already exists."), ours(hint), nil)
	case ResultUnauthorized:
		reason := "GitScrum refused the bot's API token."
		if errors.As(err, &gse) && gse.TokenExpired() {
			reason = "The bot's GitScrum API token has expired."
		}
		return errorMessage(slash, ours(reason), ours("An admin should set a valid GITSCRUM_TOKEN and restart gitscrum-slack. Nothing was changed."), nil)
	case ResultForbidden:
		return errorMessage(slash, ours("GitScrum does not let the bot's token do this (403 Forbidden)."),
			ours("An admin should check the permissions of GITSCRUM_TOKEN in GitScrum. Nothing was changed."), nil)
	case ResultRateLimited:
		wait := "a minute"
		if errors.As(err, &gse) && gse.RetryAfter > 0 {
			wait = gse.RetryAfter.Round(time.Second).String()
		}
		return errorMessage(slash, ours("GitScrum is busy: it asked us to slow down (rate limited)."),
			ours("Try again in "+Escape(wait)+"."+afterWrite(inv, err)), nil)
	case ResultUnavailable:
		if errors.Is(err, context.DeadlineExceeded) {
			return errorMessage(slash, ours("GitScrum took too long to answer."),
				ours("Try again in a minute."+afterWrite(inv, err)), nil)
		}
		what := "GitScrum could not be reached or failed"
		if errors.As(err, &gse) && gse.StatusCode != 0 {
			what = fmt.Sprintf("GitScrum answered %d %s", gse.StatusCode, Escape(http.StatusText(gse.StatusCode)))
		}
		return errorMessage(slash, ours(what+"."), ours("Try again in a minute."+afterWrite(inv, err)), nil)
	case ResultCanceled:
		// Close gave up waiting: a shutdown or a restart, not a bug.
		return errorMessage(slash, ours("gitscrum-slack was restarting and stopped waiting for GitScrum."),
			ours("Try again in a moment."+afterWrite(inv, err)), nil)
	case ResultInternal: // a panic: its value is for the log, not for the person
		return errorMessage(slash, ours("Something went wrong inside gitscrum-slack."), ours("Try again; if it keeps failing, tell the admin."), nil)
	}
	return errorMessage(slash, shown("Something went wrong: "+clip(err.Error(), 500)), ours("Try again; if it keeps failing, tell the admin."), nil)
}

// afterWrite says what a failed command changed: nothing, when GitScrum's error
// shows no attempt can have been applied (a refused create, a failed lookup before
// any write, an update refused on every attempt), else that it may have. An update
// retried after an attempt whose answer was lost may have been saved even when the
// last attempt was refused; gitscrum.Error.MayHaveChanged knows.
func afterWrite(inv *invocation, err error) string {
	var gse *gitscrum.Error
	if errors.As(err, &gse) && !gse.MayHaveChanged() {
		return nothingChanged(inv)
	}
	return maybeChanged(inv)
}

// nothingChanged is said after a failed write that certainly changed nothing.
func nothingChanged(inv *invocation) string {
	if inv.cmd.write {
		return " Nothing was changed."
	}
	return ""
}

// maybeChanged is said after a write whose outcome is unknown.
func maybeChanged(inv *invocation) string {
	if inv.cmd.write {
		return " The change may or may not have been saved: check with " + code("show", 10) + " before trying again."
	}
	return ""
}

// notFoundMessage says no client matches ref, with the closest names.
func notFoundMessage(v rendering, ref string, suggestions []string) *slack.WebhookMessage {
	title := shown(fmt.Sprintf("No client matches %s in workspace %s.", quote(gitscrum.Excerpt(ref), 200), quote(v.workspace, 100)))
	detail := ours("See them all with " + code(v.slash+" list", 100) + ".")
	if len(suggestions) > 0 {
		names := make([]string, len(suggestions))
		for i, s := range suggestions {
			names[i] = quote(s, 200)
		}
		detail = shown("Did you mean " + strings.Join(names, ", ") + "? See them all with " + Escape(v.slash) + " list.")
	}
	return errorMessage(v.slash, title, detail, nil)
}

// validationMessage lists the fields GitScrum (or our check before sending) refused.
func validationMessage(slash string, inv *invocation, e *gitscrum.Error) *slack.WebhookMessage {
	if msgs, ok := e.Fields["company_slug"]; ok && len(e.Fields) == 1 {
		if strings.TrimSpace(inv.workspace) == "" {
			return noWorkspaceMessage(slash, inv.cmd)
		}
		return errorMessage(slash, shown("Invalid workspace "+quote(inv.workspace, 100)+": "+clip(strings.Join(msgs, "; "), 500)+"."), line{}, inv.cmd)
	}
	var lines []string
	for _, name := range orderedFields(e.Fields) {
		lines = append(lines, fmt.Sprintf("• %s: %s", clip(name, 50), clip(strings.Join(e.Fields[name], "; "), 500)))
	}
	title := "Not saved: some values are invalid."
	if !inv.cmd.write {
		title = "Some values are invalid."
	}
	if len(lines) == 0 {
		lines = append(lines, clip(e.Message, 500))
	}
	return errorMessage(slash, ours(title), shown(strings.Join(lines, "\n")), inv.cmd)
}

// orderedFields lists the keys of fields: the client's fields in display order,
// then the others alphabetically.
func orderedFields(fields map[string][]string) []string {
	var out []string
	for _, f := range gitscrum.EditableFields {
		if _, ok := fields[string(f)]; ok {
			out = append(out, string(f))
		}
	}
	var rest []string
	for k := range fields {
		if _, ok := gitscrum.ParseField(k); !ok {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// noWorkspaceMessage says no workspace is configured or given.
func noWorkspaceMessage(slash string, cmd *command) *slack.WebhookMessage {
	return errorMessage(slash, ours("No workspace: GitScrum needs to know which workspace to use."),
		ours("Add "+code("workspace=<slug>", 50)+" to the command, or ask the admin to set GITSCRUM_COMPANY_SLUG."), cmd)
}

// refusalMessage says why the user may not write.
func refusalMessage(slash, userID string, r writeRefusal) *slack.WebhookMessage {
	switch r {
	case writeReadOnly:
		return errorMessage(slash, ours("This bot is read-only: creating and updating clients is turned off."),
			ours("An admin started gitscrum-slack with --read-only (or GITSCRUM_READ_ONLY=1). Lookups still work."), nil)
	case writeUnconfigured:
		return errorMessage(slash, ours("Creating and updating clients from Slack is not enabled."),
			ours("An admin must list the Slack user IDs allowed to write in "+code(EnvWriteUsers, 40)+
				" (e.g. "+code(EnvWriteUsers+"=U012ABCDEF,U034GHIJKL", 80)+") and restart gitscrum-slack. Lookups work for everyone."), nil)
	}
	detail := ours("Ask an admin to add your Slack user ID " + code(userID, 40) + " to " + code(EnvWriteUsers, 40) + ". Lookups work for everyone.")
	if !userIDPattern.MatchString(userID) {
		detail = shown("Ask an admin to add your Slack user ID " + quote(userID, 40) + " to " + EnvWriteUsers + ". Lookups work for everyone.")
	}
	return errorMessage(slash, ours("You may not create or update clients."), detail, nil)
}

// unknownSubcommandMessage says verb is no subcommand (and, when ref is set, that
// no client matches ref either), with the closest subcommand.
func unknownSubcommandMessage(slash, verb, ref string) *slack.WebhookMessage {
	title := shown(quote(gitscrum.Excerpt(verb), 100) + " is not a subcommand.")
	if ref != "" {
		title = shown(fmt.Sprintf("%s is not a subcommand, and no client matches %s.", quote(gitscrum.Excerpt(verb), 100), quote(gitscrum.Excerpt(ref), 200)))
	}
	var detail line
	if c := similarCommand(verb); c != nil {
		detail = ours("Did you mean " + code(c.usage(slash), 300) + "?")
	}
	return errorMessage(slash, title, detail, nil)
}

// wrongCommandMessage says the bot answers another slash command than got.
func wrongCommandMessage(slash, got string) *slack.WebhookMessage {
	return errorMessage(slash, shown("This app answers "+Escape(slash)+", not "+quote(got, 40)+". Nothing was run."),
		shown("An admin should point "+quote(got, 40)+" at the right app in the Slack app's settings, or start gitscrum-slack with --command (or "+
			EnvCommand+") set to it."), nil)
}
