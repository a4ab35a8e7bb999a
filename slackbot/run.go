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

// answer is a command's reply and how it ended.
type answer struct {
	msg    *slack.WebhookMessage
	result string
	err    error
	// private marks an answer for the asking person's eyes only (it holds their
	// connect link): never posted where others see it.
	private bool
}

// result is what a command's run returns: a reply, or an error that [failure]
// renders. code overrides ResultOK for a reply that is itself a failure; a reply
// with an error is sent as it is, the error kept for the outcome. No reply and no
// error means the command answered another way (a modal opened).
type result struct {
	msg  *slack.WebhookMessage
	code string
	err  error
	// private: see answer.private.
	private bool
}

func reply(msg *slack.WebhookMessage) result { return result{msg: msg} }
func fail(err error) result                  { return result{err: err} }

// Reply runs a slash command to its end and returns the reply, however long it
// takes, or nil when the command answers another way (a modal opened); it does
// not record an [Outcome]. The HTTP and Socket Mode transports
// instead answer within Config.InlineBudget and post slower replies to the
// response_url; Reply suits other transports and tests.
func (b *Bot) Reply(ctx context.Context, sc slack.SlashCommand) *slack.WebhookMessage {
	inv, _, a := b.prepare(ctx, sc)
	if inv == nil {
		return a.msg
	}
	return b.execute(ctx, inv).msg
}

// slackUnescaper undoes the escaping Slack applies to the text of a slash command.
var slackUnescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// unescapeSlack returns the text of a slash command as the user typed it: Slack
// sends &, < and > as &amp;, &lt; and &gt;.
func unescapeSlack(s string) string { return slackUnescaper.Replace(s) }

// prepare reads and checks a command line. It returns the invocation to run, or nil
// and the answer when nothing is needed from GitScrum or the state store: usage
// errors, refused writes, and the help when there are no people or channels to
// look up (no linking, no store). The command is nil when the line could not be read.
func (b *Bot) prepare(ctx context.Context, sc slack.SlashCommand) (*invocation, *command, answer) {
	slash := b.cfg.Command
	if sc.Command != slash {
		// Another slash command of the same Slack app, pointed at this bot by
		// mistake (or a request forged to look like one): refused, nothing run.
		err := fmt.Errorf("slash command %q is not the configured %s (--command, %s)", clipRunes(sc.Command, 40), slash, EnvCommand)
		return nil, nil, answer{msg: wrongCommandMessage(slash, sc.Command), result: ResultInvalid, err: err}
	}
	text := unescapeSlack(sc.Text)
	toks, err := Tokenize(text)
	if err != nil {
		var cmd *command
		if f := strings.Fields(text); len(f) > 0 {
			cmd = lookupCommand(f[0])
		}
		return nil, cmd, answer{msg: errorMessage(slash, blockkit.Shown(blockkit.Clip(capitalize(err.Error()), 1000)), blockkit.Line{}, cmd), result: ResultInvalid, err: err}
	}
	var cmd *command
	rest, verb := toks, ""
	if len(toks) == 0 {
		cmd = lookupCommand("help")
	} else if first := toks[0]; !first.Quoted && !first.IsField() {
		if cmd = lookupCommand(first.Text); cmd != nil {
			rest = toks[1:]
		} else {
			verb = first.Text
		}
	}
	if cmd == nil {
		cmd = bareCommand()
	}
	if cmd.write && (b.access.readOnly || !b.linking()) { // decided without asking anyone
		if r := b.access.canWrite(sc.UserID, false); r != writeAllowed {
			return nil, cmd, answer{msg: refusalMessage(slash, sc.UserID, r), result: ResultForbidden}
		}
	}
	inv, err := bind(cmd, rest, "")
	if err != nil && verb != "" && !errors.Is(err, gitscrum.ErrValidation) {
		// "upd acme phone=1": options that finding a client does not take mean the
		// first word was meant as a subcommand.
		return nil, cmd, answer{msg: unknownSubcommandMessage(slash, verb, ""), result: ResultInvalid, err: err}
	}
	if err != nil {
		msg, code := failure(slash, &invocation{cmd: cmd, userID: sc.UserID}, err)
		return nil, cmd, answer{msg: msg, result: code, err: err}
	}
	inv.userID, inv.teamID, inv.channelID, inv.triggerID, inv.userName, inv.verb = sc.UserID, sc.TeamID, sc.ChannelID, sc.TriggerID, sc.UserName, verb
	if b.channels == nil && !b.linking() { // nothing to look up: as before people and channels counted
		if cmd.name == "help" { // answered at once, in the transport's own time
			return nil, cmd, b.execute(ctx, inv)
		}
		// Nothing but the configured default can choose the workspace.
		if cmd.workspace && inv.workspace == "" {
			if inv.workspace = b.cfg.Workspace; strings.TrimSpace(inv.workspace) == "" {
				return nil, cmd, answer{msg: noWorkspaceMessage(slash, cmd), result: ResultInvalid}
			}
		}
	}
	return inv, cmd, answer{}
}

// resolve returns a copy of inv ready to run: who acts (their own linked token,
// or the bot's as the fallback lets it) and, for a command touching GitScrum, in
// which workspace; or the answer refusing it. Commands that touch no GitScrum
// (help, connect, config, …) get no actor: they look for themselves.
func (b *Bot) resolve(ctx context.Context, inv *invocation) (*invocation, *answer) {
	run := *inv
	if !inv.cmd.workspace {
		return &run, nil
	}
	act, r := b.acting(ctx, inv.person().id, inv.cmd.write)
	if r != nil {
		a := b.refusedAnswer(ctx, inv.person(), r)
		return nil, &a
	}
	ws, err := b.workspaceFor(ctx, inv.teamID, inv.channelID, inv.workspace, act)
	switch {
	case err != nil:
		return nil, &answer{msg: stateLookupMessage(b.cfg.Command, err), result: ResultUnavailable, err: err}
	case strings.TrimSpace(ws) == "":
		return nil, &answer{msg: noWorkspaceMessage(b.cfg.Command, inv.cmd), result: ResultInvalid}
	}
	run.actor, run.workspace = act, ws
	return &run, nil
}

// capitalize upper-cases the first letter of an ASCII sentence.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// execute runs inv and renders its reply or failure. A reply outside Slack's limits
// is replaced by its fallback text. A panic is left to the job running it (see
// [receiver.Jobs.Spawn]).
func (b *Bot) execute(ctx context.Context, inv *invocation) (a answer) {
	run, refused := b.resolve(ctx, inv)
	if refused != nil {
		return *refused
	}
	res := b.router.commands[run.cmd.name](ctx, run)
	switch {
	case b.tokenRefused(ctx, run.actor, res.err):
		a = answer{msg: b.connectPrompt(ctx, run.person(), blockkit.Ours(warningSign+brokenText)), result: ResultUnauthorized, err: res.err, private: true}
	case res.err != nil && res.msg == nil:
		msg, code := failure(b.cfg.Command, run, res.err)
		a = answer{msg: msg, result: code, err: res.err}
	default:
		a = answer{msg: res.msg, result: res.code, err: res.err, private: res.private}
		if a.result == "" {
			a.result = ResultOK
		}
	}
	if a.msg == nil { // answered another way, such as a modal opened
		return a
	}
	if err := blockkit.CheckLimits(a.msg); err != nil {
		b.log.Error("reply outside Slack's limits; sending its text only", "subcommand", inv.cmd.name, "error", err)
		a.msg = &slack.WebhookMessage{ResponseType: a.msg.ResponseType, Text: blockkit.Fit(a.msg.Text, blockkit.MaxFallbackLen)}
	}
	return a
}

// internalError is the answer to a request whose work panicked (err).
func (b *Bot) internalError(err error) answer {
	return answer{msg: errorMessage(b.cfg.Command, blockkit.Ours("Something went wrong inside gitscrum-slack."), blockkit.Ours("Try again; if it keeps failing, tell the admin."), nil),
		result: ResultInternal, err: err}
}
