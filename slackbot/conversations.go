package slackbot

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// Conversations: "@GitScrum acme corp" in a channel is answered in a thread under
// the mention, a DM to the bot in the DM, with the slash command's core: the same
// lookups, help and messages. Writes are not made from free text: a mention that
// asks for one is answered with a button that opens the create or edit modal.

// wantsMention reports whether an app_mention is one to answer: a person's, not a
// bot's (this one included), not an edit.
func wantsMention(env *eventEnvelope) (bool, string) {
	return wantsPerson(env)
}

// wantsDirectMessage reports whether a message event is a person's new message in
// a DM with the bot (message.im): not a bot's, not an edit, deletion, join or any
// other subtype, not in a channel.
func wantsDirectMessage(env *eventEnvelope) (bool, string) {
	if env.Event.ChannelType != "im" {
		return false, "not a direct message"
	}
	return wantsPerson(env)
}

// wantsPerson refuses events of bots, subtypes (bot_message, message_changed,
// message_deleted, channel_join, …) and edits.
func wantsPerson(env *eventEnvelope) (bool, string) {
	ev := &env.Event
	switch {
	case ev.Subtype != "":
		return false, "subtype " + ev.Subtype
	case ev.BotID != "":
		return false, "a bot's message"
	case ev.User == "":
		return false, "no author"
	case ev.User == env.botUserID():
		return false, "the bot's own message"
	case len(ev.Edited) > 0 && string(ev.Edited) != "null":
		return false, "an edit"
	case ev.Channel == "":
		return false, "no channel"
	}
	return true, ""
}

// answerConversation answers a mention in a thread under it, or a DM in the DM.
func (b *Bot) answerConversation(ctx context.Context, transport string, env *eventEnvelope) {
	start := time.Now()
	ev := &env.Event
	if _, err := b.webAPI(); err != nil {
		// Nothing can be said without the bot token; say so in the log, once per event.
		b.logEvent(transport, env, ResultUnavailable, time.Since(start), errors.New("cannot answer: "+err.Error()))
		return
	}
	a, name := b.converse(ctx, ev.User, env.TeamID, ev.Channel, conversationText(ev.Text))
	if a.msg == nil { // nothing to post: such as a modal a command would open
		b.logEvent(transport, env, a.result, time.Since(start), a.err, slog.String("subcommand", name))
		return
	}
	if err := b.postConversation(ctx, env, a.msg, a.private); err != nil {
		b.logEvent(transport, env, ResultReplyLost, time.Since(start), err,
			slog.String("subcommand", name), slog.String("command_outcome", a.result))
		return
	}
	b.logEvent(transport, env, a.result, time.Since(start), a.err, slog.String("subcommand", name))
}

// postConversation posts msg where the event's message is answered: in a thread
// under a mention, in the DM. A private answer (a connect link) in a channel is
// shown to its author alone, in the thread.
func (b *Bot) postConversation(ctx context.Context, env *eventEnvelope, msg *slack.WebhookMessage, private bool) error {
	web, err := b.webAPI()
	if err != nil {
		return err
	}
	opts := msgOptions(msg)
	if thread := replyThread(&env.Event); thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	if private && env.Event.ChannelType != "im" {
		_, err = web.PostEphemeralContext(ctx, env.Event.Channel, env.Event.User, opts...)
		return err
	}
	_, _, err = web.PostMessageContext(ctx, env.Event.Channel, opts...)
	return err
}

// replyThread is the thread to answer ev in: a mention's thread (its own when it
// starts none); a DM is answered in the DM itself unless it was written in a thread.
func replyThread(ev *slackEvent) string {
	if ev.ThreadTS != "" {
		return ev.ThreadTS
	}
	if ev.Type == "app_mention" {
		return ev.TS
	}
	return ""
}

// Patterns of a message's text: the leading mention of the bot, and links.
var (
	leadingMention = regexp.MustCompile(`^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*`)
	slackLink      = regexp.MustCompile(`<((?:https?|mailto):[^|>]*)(?:\|([^>]*))?>`)
)

// conversationText returns a message's text as a slash command's: without the
// leading mention of the bot, and with Slack's links (<mailto:a@b.co|a@b.co>,
// <https://acme.co|acme.co>) back to what was typed. It stays escaped as Slack
// escapes it (&amp;, &lt;, &gt;), as a slash command's text is.
func conversationText(text string) string {
	text = leadingMention.ReplaceAllString(text, "")
	text = slackLink.ReplaceAllStringFunc(text, func(link string) string {
		m := slackLink.FindStringSubmatch(link)
		if m[2] != "" {
			return m[2]
		}
		return strings.TrimPrefix(m[1], "mailto:")
	})
	return strings.TrimSpace(text)
}

// writeVerbs are words that ask for a write in a conversation, beside the
// subcommands' own names, and the subcommand they mean. Words that often start a
// client's name ("new", "change") are not among them.
var writeVerbs = map[string]string{"add": "create", "edit": "update"}

// converse answers text from userID as the slash command would, except that
// writes are answered with a button opening the modal that makes them. It returns
// the answer and the subcommand's name ("" when the text could not be read).
func (b *Bot) converse(ctx context.Context, userID, teamID, channelID, text string) (answer, string) {
	if first, rest, _ := strings.Cut(text, " "); writeVerbs[strings.ToLower(first)] != "" {
		text = writeVerbs[strings.ToLower(first)] + " " + rest
	}
	sc := slack.SlashCommand{Command: b.cfg.Command, Text: text, UserID: userID, TeamID: teamID, ChannelID: channelID}
	inv, cmd, a := b.prepare(ctx, sc)
	name := ""
	if cmd != nil {
		name = cmd.name
	}
	switch {
	case inv == nil:
		// A usage error, or a write refused to this user: no button.
		return a, name
	case cmd.write:
		run, refused := b.resolve(ctx, inv)
		if refused != nil {
			return *refused, name
		}
		return b.writeOffer(ctx, run), name
	}
	return b.execute(ctx, inv), name
}

// writeOffer answers a write asked for in a conversation, to a user allowed to
// write: a button that opens the create modal (with the name given) or the edit
// modal of the client named, which must exist. Nothing is written.
func (b *Bot) writeOffer(ctx context.Context, inv *invocation) answer {
	v := b.rendering(inv)
	if inv.cmd.name == "create" {
		name := strings.TrimSpace(inv.arg)
		if n, given := inv.field(gitscrum.FieldName); given && name == "" {
			name = n
		}
		what := "a new client"
		if name != "" {
			what = quote(name, 200)
		}
		val := actionValue{Workspace: inv.workspace, Name: clipName(name)}
		return b.offer(v, "Clients are created in a form, not from a message. Open it to add "+what+".",
			"New client", ActionCreate, val, "Open the form: New client")
	}
	c, err := inv.actor.client.ResolveClient(ctx, inv.workspace, inv.arg)
	if b.tokenRefused(ctx, inv.actor, err) {
		return answer{msg: b.connectPrompt(ctx, inv.person(), blockkit.Ours(warningSign+brokenText)), result: ResultUnauthorized, err: err, private: true}
	}
	if err != nil {
		msg, code := failure(b.cfg.Command, inv, err)
		return answer{msg: msg, result: code, err: err}
	}
	val := actionValue{Workspace: inv.workspace, ID: c.UUID}
	return b.offer(v, "Clients are changed in a form, not from a message. Open it to edit "+quote(c.Name, 200)+", filled in with its current details.",
		"Edit", ActionEdit, val, "Edit "+blockkit.Clip(c.Name, 200))
}

// offer renders text (plain, escaped), a button labelled label for actionID with
// value val, and the workspace.
func (b *Bot) offer(v rendering, text, label, actionID string, val actionValue, fallback string) answer {
	raw, err := val.encode()
	if err != nil {
		return answer{msg: errorMessage(b.cfg.Command, blockkit.Ours("Something went wrong inside gitscrum-slack."), blockkit.Ours("Try again with a shorter name."), nil), result: ResultError, err: err}
	}
	btn := slack.NewButtonBlockElement(actionID, raw, blockkit.Plain(label))
	btn.Style = slack.StylePrimary
	msg := blockkit.Message(slack.ResponseTypeEphemeral, fallback,
		blockkit.PlainSection(text),
		slack.NewActionBlock("", btn),
		v.footer(v.inWorkspace()),
	)
	return answer{msg: msg, result: ResultOK}
}

// clipName bounds the name carried to the create modal, so that the button's
// value stays within Slack's limit.
func clipName(name string) string {
	if n, ok := gitscrum.MaxLength(string(gitscrum.FieldName)); ok {
		name, _ = blockkit.Truncate(name, n)
	}
	return name
}
