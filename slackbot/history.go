package slackbot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/auditlog"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// historyLimit is how many changes /gitscrum history shows.
const historyLimit = store.DefaultHistoryLimit

// maxHistoryValue bounds each side of a change in the history: up to six changes
// of two values each share one section of 3,000 characters.
const maxHistoryValue = 200

// runHistory answers history <name|uuid>: the last changes made to the client
// through the bridge, newest first. The client is found first (a GET with the
// client of whoever asks, as show finds it), so the history of a client they
// cannot read is never shown.
func (b *Bot) runHistory(ctx context.Context, inv *invocation) result {
	if b.cfg.Store == nil {
		return result{msg: blockkit.Message(slack.ResponseTypeEphemeral, auditlog.NoStoreText, blockkit.Section(noStoreHelp())), code: ResultUnavailable}
	}
	c, err := inv.actor.client.ResolveClient(ctx, inv.workspace, inv.arg)
	if err != nil {
		return fail(err)
	}
	entries, err := b.cfg.Store.History(ctx, inv.workspace, c.UUID, historyLimit)
	if err != nil {
		b.log.Error("could not read the history of a client", "workspace", inv.workspace, "client_uuid", c.UUID, "error", err)
		text := "⚠️ The history of " + quote(c.Name, 200) + " could not be read: the state store did not answer. " +
			"Looking clients up still works; try the history again in a moment."
		return result{msg: blockkit.Message(slack.ResponseTypeEphemeral, text, blockkit.PlainSection(text)), code: ResultUnavailable, err: err}
	}
	return reply(historyMessage(b.rendering(inv), *c, entries))
}

// noStoreHelp says, in our own mrkdwn, that history needs the state store and
// how to configure one.
func noStoreHelp() string { return blockkit.Escape(auditlog.NoStoreText) }

// historyMessage renders the history of client c: for each entry, when (in the
// reader's time zone), who and how it ended, then each field before → after, in
// plain text exactly as typed.
func historyMessage(v rendering, c gitscrum.ClientCompany, entries []store.Entry) *slack.WebhookMessage {
	name := blockkit.Clip(c.Name, 200)
	footer := v.footer(v.where(c.UUID))
	if len(entries) == 0 {
		text := "No changes to “" + name + "” were made through this bridge yet."
		return blockkit.Message(slack.ResponseTypeEphemeral, text, blockkit.PlainSection("🕘 "+text), footer)
	}
	title := fmt.Sprintf("🕘 History of “%s”: the last %s made through this bridge, newest first", name, plural(len(entries), "change"))
	blocks := []slack.Block{blockkit.PlainSection(title)}
	for _, e := range entries {
		blocks = append(blocks, blockkit.Context(blockkit.Ours(entryHeading(e))), blockkit.PlainSection(entryChanges(e)))
	}
	blocks = append(blocks, footer)
	return blockkit.Message(slack.ResponseTypeEphemeral, fmt.Sprintf("History of %s: %s", name, plural(len(entries), "change")), blocks...)
}

// entryHeading is the mrkdwn heading of one entry: when, who, through what, and
// the outcome when the write did not succeed.
func entryHeading(e store.Entry) string {
	parts := []string{slackDate(e.When), actorMention(e.Actor)}
	switch e.Surface {
	case store.SurfaceSlack:
		parts = append(parts, "in Slack")
	case store.SurfaceMCP:
		parts = append(parts, "through MCP")
	}
	if e.Outcome != "ok" {
		parts = append(parts, "*not saved* ("+blockkit.Escape(e.Outcome)+")")
	}
	return strings.Join(parts, "  ·  ")
}

// entryChanges is the plain text of an entry's changes, one field a line.
func entryChanges(e store.Entry) string {
	if len(e.Changes) == 0 {
		return "No field changed."
	}
	show := func(s string) string {
		if s == "" {
			return "(empty)"
		}
		return quote(strings.Join(strings.Fields(s), " "), maxHistoryValue)
	}
	lines := make([]string, len(e.Changes))
	for i, ch := range e.Changes {
		lines[i] = blockkit.Clip(fieldLabel(gitscrum.Field(ch.Field)), 40) + ": " + show(ch.Before) + " → " + show(ch.After)
	}
	return strings.Join(lines, "\n")
}

// slackDate formats t with Slack's date formatting, shown in the reader's time
// zone, with a UTC fallback.
func slackDate(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), t.UTC().Format("2006-01-02 15:04 UTC"))
}

// actorMention words the actor of an entry for mrkdwn: the Slack user's mention,
// else who it was in words.
func actorMention(actor string) string {
	if u := auditlog.SlackUser(actor); u != "" {
		return userMention(u)
	}
	if strings.HasPrefix(actor, "token:") {
		return "an MCP client"
	}
	return "someone"
}
