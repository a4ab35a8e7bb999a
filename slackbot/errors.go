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
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
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
			return errorMessage(slash, blockkit.Shown(blockkit.Clip(ue.msg, 1000)), blockkit.Line{}, ue.cmd)
		case errors.As(err, &gse):
			return validationMessage(slash, inv, gse)
		}
		return errorMessage(slash, blockkit.Shown("Invalid input: "+blockkit.Clip(err.Error(), 500)), blockkit.Line{}, nil)
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
			title := blockkit.Shown(fmt.Sprintf("%s%s matches %s. Which one?", warningSign, quote(gitscrum.Excerpt(re.Ref), 200), plural(len(re.Candidates), "client")))
			if re.Exact {
				title = blockkit.Shown(fmt.Sprintf("%sNothing was changed: %s is not exactly the name of one client. It matches %s:",
					warningSign, quote(gitscrum.Excerpt(re.Ref), 200), plural(len(re.Candidates), "client")))
				hint = "To change a client, give its UUID or its full name exactly as listed: " + code(inv.cmd.usage(slash), 300)
			}
			return listMessage(v, title, re.Candidates, hint)
		}
		return errorMessage(slash, blockkit.Ours("That matches several clients."), blockkit.Ours("Use the client's UUID or its full name."), inv.cmd)
	case ResultNotFound:
		switch {
		case errors.As(err, &re):
			return notFoundMessage(v, re.Ref, re.Suggestions)
		case errors.As(err, &gse) && gse.Code == "WORKSPACE_NOT_FOUND":
			whose := "whether the bot's token can see that workspace"
			if inv.actor.own() {
				whose = "whether your GitScrum account is a member of it"
			}
			return errorMessage(slash, blockkit.Shown("Workspace "+quote(inv.workspace, 100)+" was not found in GitScrum."),
				blockkit.Ours("Check the slug (as in the workspace's GitScrum URL), or "+whose+"."), nil)
		}
		return notFoundMessage(v, inv.arg, nil)
	case ResultDuplicate:
		hint := "To create it anyway, add " + code("force=yes", 20) + " to the command."
		if errors.As(err, &de) {
			return listMessage(v, blockkit.Ours(warningSign+"Not created: a client with the same name or email already exists."), de.Existing, hint)
		}
		return errorMessage(slash, blockkit.Ours("Not created: a client with the same name or email already exists."), blockkit.Ours(hint), nil)
	case ResultUnauthorized:
		reason := "GitScrum refused the bot's API token."
		if errors.As(err, &gse) && gse.TokenExpired() {
			reason = "The bot's GitScrum API token has expired."
		}
		return errorMessage(slash, blockkit.Ours(reason), blockkit.Ours("An admin should set a valid GITSCRUM_TOKEN and restart gitscrum-slack. Nothing was changed."), nil)
	case ResultForbidden:
		if inv.actor.own() {
			return errorMessage(slash, blockkit.Ours("GitScrum does not let your account do this (403 Forbidden)."),
				blockkit.Ours("Your own GitScrum permissions apply here; ask a GitScrum admin of the workspace. Nothing was changed."), nil)
		}
		return errorMessage(slash, blockkit.Ours("GitScrum does not let the bot's token do this (403 Forbidden)."),
			blockkit.Ours("An admin should check the permissions of GITSCRUM_TOKEN in GitScrum. Nothing was changed."), nil)
	case ResultRateLimited:
		wait := "a minute"
		if errors.As(err, &gse) && gse.RetryAfter > 0 {
			wait = gse.RetryAfter.Round(time.Second).String()
		}
		return errorMessage(slash, blockkit.Ours("GitScrum is busy: it asked us to slow down (rate limited)."),
			blockkit.Ours("Try again in "+blockkit.Escape(wait)+"."+afterWrite(inv, err)), nil)
	case ResultUnavailable:
		var sle *stateLookupError
		if errors.As(err, &sle) {
			return stateLookupMessage(slash, err)
		}
		if errors.Is(err, gitscrum.ErrStateStore) {
			return errorMessage(slash, blockkit.Ours("The bot's state store cannot be reached, so nothing was created or changed: nothing was sent to GitScrum."),
				blockkit.Ours("Lookups still work. Try again in a minute; if it keeps failing, tell the admin (the state store is the database in GITSCRUM_DATABASE_URL)."), nil)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return errorMessage(slash, blockkit.Ours("GitScrum took too long to answer."),
				blockkit.Ours("Try again in a minute."+afterWrite(inv, err)), nil)
		}
		what := "GitScrum could not be reached or failed"
		if errors.As(err, &gse) && gse.StatusCode != 0 {
			what = fmt.Sprintf("GitScrum answered %d %s", gse.StatusCode, blockkit.Escape(http.StatusText(gse.StatusCode)))
		}
		return errorMessage(slash, blockkit.Ours(what+"."), blockkit.Ours("Try again in a minute."+afterWrite(inv, err)), nil)
	case ResultCanceled:
		// Close gave up waiting: a shutdown or a restart, not a bug.
		return errorMessage(slash, blockkit.Ours("gitscrum-slack was restarting and stopped waiting for GitScrum."),
			blockkit.Ours("Try again in a moment."+afterWrite(inv, err)), nil)
	case ResultInternal: // a panic: its value is for the log, not for the person
		return errorMessage(slash, blockkit.Ours("Something went wrong inside gitscrum-slack."), blockkit.Ours("Try again; if it keeps failing, tell the admin."), nil)
	}
	return errorMessage(slash, blockkit.Shown("Something went wrong: "+blockkit.Clip(err.Error(), 500)), blockkit.Ours("Try again; if it keeps failing, tell the admin."), nil)
}

// afterWrite says what a failed command changed: nothing, when GitScrum's error
// shows no attempt can have been applied (a refused create, a failed lookup before
// any write, an update refused on every attempt) or the write was refused for want
// of the state store, else that it may have. An update
// retried after an attempt whose answer was lost may have been saved even when the
// last attempt was refused; gitscrum.Error.MayHaveChanged knows.
func afterWrite(inv *invocation, err error) string {
	var gse *gitscrum.Error
	if errors.Is(err, gitscrum.ErrStateStore) || errors.As(err, &gse) && !gse.MayHaveChanged() {
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
	title := blockkit.Shown(fmt.Sprintf("No client matches %s in workspace %s.", quote(gitscrum.Excerpt(ref), 200), quote(v.workspace, 100)))
	detail := blockkit.Ours("See them all with " + code(v.slash+" list", 100) + ".")
	if len(suggestions) > 0 {
		names := make([]string, len(suggestions))
		for i, s := range suggestions {
			names[i] = quote(s, 200)
		}
		detail = blockkit.Shown("Did you mean " + strings.Join(names, ", ") + "? See them all with " + blockkit.Escape(v.slash) + " list.")
	}
	return errorMessage(v.slash, title, detail, nil)
}

// validationMessage lists the fields GitScrum (or our check before sending) refused.
func validationMessage(slash string, inv *invocation, e *gitscrum.Error) *slack.WebhookMessage {
	if msgs, ok := e.Fields["company_slug"]; ok && len(e.Fields) == 1 {
		if strings.TrimSpace(inv.workspace) == "" {
			return noWorkspaceMessage(slash, inv.cmd)
		}
		return errorMessage(slash, blockkit.Shown("Invalid workspace "+quote(inv.workspace, 100)+": "+blockkit.Clip(strings.Join(msgs, "; "), 500)+"."), blockkit.Line{}, inv.cmd)
	}
	var lines []string
	for _, name := range orderedFields(e.Fields) {
		lines = append(lines, fmt.Sprintf("• %s: %s", blockkit.Clip(name, 50), blockkit.Clip(strings.Join(e.Fields[name], "; "), 500)))
	}
	title := "Not saved: some values are invalid."
	if !inv.cmd.write {
		title = "Some values are invalid."
	}
	if len(lines) == 0 {
		lines = append(lines, blockkit.Clip(e.Message, 500))
	}
	return errorMessage(slash, blockkit.Ours(title), blockkit.Shown(strings.Join(lines, "\n")), inv.cmd)
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
	return errorMessage(slash, blockkit.Ours("No workspace: GitScrum needs to know which workspace to use."),
		blockkit.Ours("Add "+code("workspace=<slug>", 50)+" to the command, or ask the admin to set GITSCRUM_COMPANY_SLUG."), cmd)
}

// refusalMessage says why the user may not write.
func refusalMessage(slash, userID string, r writeRefusal) *slack.WebhookMessage {
	switch r {
	case writeReadOnly:
		return errorMessage(slash, blockkit.Ours("This bot is read-only: creating and updating clients is turned off."),
			blockkit.Ours("An admin started gitscrum-slack with --read-only (or GITSCRUM_READ_ONLY=1). Lookups still work."), nil)
	case writeUnconfigured:
		return errorMessage(slash, blockkit.Ours("Creating and updating clients from Slack is not enabled."),
			blockkit.Ours("An admin must list the Slack user IDs allowed to write in "+code(EnvWriteUsers, 40)+
				" (e.g. "+code(EnvWriteUsers+"=U012ABCDEF,U034GHIJKL", 80)+") and restart gitscrum-slack. Lookups work for everyone."), nil)
	case writeNeedsAccount:
		return errorMessage(slash, blockkit.Ours(connectWriteText), blockkit.Ours("Connect it with "+code(slash+" connect", 60)+"."), nil)
	}
	detail := blockkit.Ours("Ask an admin to add your Slack user ID " + code(userID, 40) + " to " + code(EnvWriteUsers, 40) + ". Lookups work for everyone.")
	if !userIDPattern.MatchString(userID) {
		detail = blockkit.Shown("Ask an admin to add your Slack user ID " + quote(userID, 40) + " to " + EnvWriteUsers + ". Lookups work for everyone.")
	}
	return errorMessage(slash, blockkit.Ours("You may not create or update clients."), detail, nil)
}

// unknownSubcommandMessage says verb is no subcommand (and, when ref is set, that
// no client matches ref either), with the closest subcommand.
func unknownSubcommandMessage(slash, verb, ref string) *slack.WebhookMessage {
	title := blockkit.Shown(quote(gitscrum.Excerpt(verb), 100) + " is not a subcommand.")
	if ref != "" {
		title = blockkit.Shown(fmt.Sprintf("%s is not a subcommand, and no client matches %s.", quote(gitscrum.Excerpt(verb), 100), quote(gitscrum.Excerpt(ref), 200)))
	}
	var detail blockkit.Line
	if c := similarCommand(verb); c != nil {
		detail = blockkit.Ours("Did you mean " + code(c.usage(slash), 300) + "?")
	}
	return errorMessage(slash, title, detail, nil)
}

// wrongCommandMessage says the bot answers another slash command than got.
func wrongCommandMessage(slash, got string) *slack.WebhookMessage {
	return errorMessage(slash, blockkit.Shown("This app answers "+blockkit.Escape(slash)+", not "+quote(got, 40)+". Nothing was run."),
		blockkit.Shown("An admin should point "+quote(got, 40)+" at the right app in the Slack app's settings, or start gitscrum-slack with --command (or "+
			EnvCommand+") set to it."), nil)
}
