package slackbot

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// Rendering choices.
const (
	// maxListed is the most clients a list reply shows.
	maxListed = 10
	// maxNotes is how many characters of a client's notes a card shows.
	maxNotes = 500
	// maxListValue bounds each value of a list entry.
	maxListValue = 200
	// maxChangeValue bounds each side of a change.
	maxChangeValue = 1400
	// shortChange is the longest one-line value shown as "before → after" on one line.
	shortChange = 80
)

// rendering is what every reply needs to know about the request: its rendering
// context. ("view" means a Slack modal only.)
type rendering struct {
	slash     string // the slash command, e.g. "/gitscrum"
	workspace string
	userID    string
	share     bool // post in the channel, "shared by"
	// buttons adds the interactive parts: Edit and Share on a card (Edit only
	// when canWrite), Next and Previous on a long list, a button per candidate.
	buttons  bool
	canWrite bool
}

// responseType is in_channel for a shared reply, else ephemeral.
func (v rendering) responseType() string {
	if v.share {
		return slack.ResponseTypeInChannel
	}
	return slack.ResponseTypeEphemeral
}

// code returns our own text (a command, an environment variable) escaped and
// clipped in a code span, for mrkdwn. Never for a value: see [quote].
func code(s string, max int) string {
	return "`" + blockkit.Clip(strings.ReplaceAll(s, "`", "'"), max) + "`"
}

// quote returns a value escaped and clipped in quotation marks, for plain text: the
// marks show where the value starts and ends, and the value shows exactly.
func quote(s string, max int) string { return "“" + blockkit.Clip(s, max) + "”" }

// userMention returns <@id> for a well-formed user ID, for mrkdwn; anything else is
// no ID Slack gave and is not shown.
func userMention(id string) string {
	if userIDPattern.MatchString(id) {
		return "<@" + id + ">"
	}
	return "an unknown user"
}

// footer returns the context line common to replies: texts (plain, such as the
// workspace) and, when shared, who shared it.
func (v rendering) footer(texts ...blockkit.Line) slack.Block {
	if v.share {
		texts = append(texts, blockkit.Ours("shared by "+userMention(v.userID)))
	}
	return blockkit.Context(texts...)
}

// where is the plain footer text naming a client's UUID and the workspace.
func (v rendering) where(uuid string) blockkit.Line {
	return blockkit.Shown("UUID " + blockkit.Clip(uuid, 100) + "  ·  workspace " + blockkit.Clip(v.workspace, 100))
}

// inWorkspace is the plain footer text naming the workspace.
func (v rendering) inWorkspace() blockkit.Line {
	return blockkit.Shown("workspace " + blockkit.Clip(v.workspace, 100))
}

// orDash returns the escaped, clipped value, or a dash when it is empty.
func orDash(s string, max int) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return blockkit.Clip(s, max)
}

// FormatMoney formats an amount with thousands separators and two decimals, as
// "125,000.00". GitScrum does not say which currency, so none is shown.
func FormatMoney(m gitscrum.Money) string {
	f := float64(m)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "—"
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', 2, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if f < 0 && s != "0.00" {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteByte('.')
	b.WriteString(frac)
	return b.String()
}

// formatDate returns Slack date markup that each reader sees in their own time zone,
// with the UTC date as fallback, or a dash for no date.
func formatDate(t gitscrum.Timestamp) string {
	if t.IsZero() {
		return "—"
	}
	day := t.UTC().Format("2006-01-02")
	if t.Unix() < 0 {
		return day
	}
	return fmt.Sprintf("<!date^%d^{date_short}|%s>", t.Unix(), day)
}

// cardMessage renders one client as a card: the name as header, each field as a
// bold label beside its value, the notes (truncated), and the UUID in a context
// line. Values are plain text, shown exactly. note, when set, is a line of our own
// mrkdwn shown above the card, such as "Created by …".
func cardMessage(c gitscrum.ClientCompany, v rendering, note string) *slack.WebhookMessage {
	var blocks []slack.Block
	if note != "" {
		blocks = append(blocks, blockkit.Section(note))
	}
	label := func(name string) blockkit.Line { return blockkit.Ours("*" + name + "*") }
	value := func(s string) blockkit.Line { return blockkit.Shown(orDash(s, blockkit.MaxFieldLen-20)) }
	blocks = append(blocks,
		blockkit.Header(c.Name),
		blockkit.Fields(
			label("Email"), value(c.Email),
			label("Phone"), value(c.Phone),
			label("Website"), value(c.Website),
			label("Address"), value(c.Address),
			label("Projects"), blockkit.Shown(strconv.Itoa(c.ProjectsCount)),
		),
		blockkit.Fields(
			label("Invoiced"), blockkit.Shown(FormatMoney(c.InvoicesTotal)),
			label("Created"), blockkit.Ours(formatDate(c.CreatedAt)),
		),
	)
	if strings.TrimSpace(c.Notes) != "" {
		notes, dropped := blockkit.Truncate(c.Notes, maxNotes)
		text := blockkit.Clip(notes, blockkit.MaxTextLen-200)
		if dropped > 0 {
			text += "…"
		}
		blocks = append(blocks, blockkit.Section("*Notes*"), blockkit.PlainSection(text))
		if dropped > 0 {
			blocks = append(blocks, blockkit.Context(blockkit.Ours(fmt.Sprintf("_%d more characters; the full notes are in GitScrum._", dropped))))
		}
	}
	if blk := cardActions(c, v); blk != nil {
		blocks = append(blocks, blk)
	}
	blocks = append(blocks, v.footer(v.where(c.UUID)))
	fallback := fmt.Sprintf("%s · %s · %s · UUID %s", blockkit.Clip(c.Name, 300), orDash(c.Email, 300), orDash(c.Phone, 100), blockkit.Clip(c.UUID, 100))
	return blockkit.Message(v.responseType(), fallback, blocks...)
}

// listEntry is one client of a compact list, in plain text: the name on its own
// line, its contacts, and its UUID.
func listEntry(c gitscrum.ClientCompany) slack.Block {
	var contacts []string
	for _, s := range []string{c.Email, c.Phone, c.Website} {
		if strings.TrimSpace(s) != "" {
			contacts = append(contacts, blockkit.Clip(s, maxListValue))
		}
	}
	text := orDash(c.Name, maxListValue)
	if len(contacts) > 0 {
		text += "\n" + strings.Join(contacts, "  ·  ")
	}
	return blockkit.PlainSection(text + "\nUUID " + blockkit.Clip(c.UUID, 100))
}

// plural returns "1 client" or "n clients".
func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + one + "s"
}

// listMessage renders matching clients as a compact list: a title line, at most
// maxListed entries, the total, and how to narrow the search or open one. hint, when
// set, replaces the last line's advice (our own mrkdwn).
func listMessage(v rendering, title blockkit.Line, clients []gitscrum.ClientCompany, hint string) *slack.WebhookMessage {
	return listPage(v, title, gitscrum.ViewOf(clients), hint, 0, nil, false)
}

// listPage renders page (from 0) of a list. With pager set (and v.buttons), a
// list longer than maxListed gets Next and Previous buttons carrying pager with
// the page they lead to; with pick, each client shown gets a button of its name
// that opens its card.
func listPage(v rendering, title blockkit.Line, clients gitscrum.View, hint string, page int, pager *actionValue, pick bool) *slack.WebhookMessage {
	total := clients.Len()
	pages := max(1, (total+maxListed-1)/maxListed)
	page = min(max(page, 0), pages-1)
	from := page * maxListed
	shown := clients.Page(from, from+maxListed)
	blocks := []slack.Block{title.Block()}
	for _, c := range shown {
		blocks = append(blocks, listEntry(c))
	}
	paged := pager != nil && v.buttons && total > maxListed
	if pick && v.buttons {
		if blk := chooserBlock(v, shown); blk != nil {
			blocks = append(blocks, blk)
		}
	}
	if paged {
		if blk := pagerBlock(*pager, page, pages); blk != nil {
			blocks = append(blocks, blk)
		}
	}
	var tail []string
	switch {
	case paged:
		tail = append(tail, fmt.Sprintf("Showing %d–%d of %d.", from+1, from+len(shown), total))
	case total > len(shown):
		tail = append(tail, fmt.Sprintf("Showing %d of %d. Narrow the search with more text: %s",
			len(shown), total, code(v.slash+" list <more words>", 100)))
	}
	if hint == "" {
		hint = "Open one with " + code(v.slash+" show <name|uuid>", 100)
	}
	tail = append(tail, hint)
	blocks = append(blocks, v.footer(blockkit.Ours(strings.Join(tail, "  ·  ")), v.inWorkspace()))
	names := make([]string, len(shown))
	for i, c := range shown {
		names[i] = blockkit.Clip(c.Name, 100)
	}
	fallback := fmt.Sprintf("%s: %s", plural(total, "client"), strings.Join(names, ", "))
	if total > len(shown) {
		fallback += fmt.Sprintf(" (%d–%d of %d)", from+1, from+len(shown), total)
	}
	return blockkit.Message(v.responseType(), fallback, blocks...)
}

// changeBlock renders one change of an update: the field's name in bold beside
// "before → after" in plain text, or, for long values, before and after side by
// side.
func changeBlock(ch gitscrum.Change) slack.Block {
	show := func(s string) string {
		if s == "" {
			return "(empty)"
		}
		return blockkit.Clip(s, maxChangeValue)
	}
	name := blockkit.Ours("*" + fieldLabel(ch.Field) + "*")
	short := func(s string) bool { return utf8.RuneCountInString(s) <= shortChange && !strings.Contains(s, "\n") }
	if short(ch.Before) && short(ch.After) {
		return blockkit.Fields(name, blockkit.Shown(show(ch.Before)+"  →  "+show(ch.After)))
	}
	return slack.NewSectionBlock(name.Object(blockkit.MaxTextLen),
		[]*slack.TextBlockObject{blockkit.Shown("Before:\n" + show(ch.Before)).Object(blockkit.MaxFieldLen), blockkit.Shown("After:\n" + show(ch.After)).Object(blockkit.MaxFieldLen)}, nil)
}

// fieldLabel is the display name of a field: "Email" for email.
func fieldLabel(f gitscrum.Field) string {
	s := string(f)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// changesMessage renders the outcome of an update: each changed field, before →
// after.
func changesMessage(v rendering, res *gitscrum.UpdateResult) *slack.WebhookMessage {
	name := blockkit.Clip(res.After.Name, 200)
	footer := v.footer(v.where(res.After.UUID), blockkit.Ours("updated by "+userMention(v.userID)))
	if len(res.Changes) == 0 {
		return blockkit.Message(v.responseType(), "Nothing changed: "+name+" already had those values.",
			blockkit.PlainSection("✅ Nothing changed: “"+name+"” already had those values."), footer)
	}
	blocks := []slack.Block{blockkit.PlainSection("✏️ Updated “" + name + "”")}
	fields := make([]string, len(res.Changes))
	for i, ch := range res.Changes {
		blocks = append(blocks, changeBlock(ch))
		fields[i] = string(ch.Field)
	}
	blocks = append(blocks, footer)
	return blockkit.Message(v.responseType(), fmt.Sprintf("Updated %s: %s", name, strings.Join(fields, ", ")), blocks...)
}

// commandHelp renders the help of one command: synopsis, aliases, summary,
// examples.
func commandHelp(c *command, slash string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*", code(c.usage(slash), 300))
	if len(c.aliases) > 0 {
		fmt.Fprintf(&b, "  _(also %s)_", blockkit.Escape(strings.Join(c.aliases, ", ")))
	}
	if c.write {
		b.WriteString("  _needs write access_")
	}
	b.WriteString("\n" + blockkit.Escape(c.summary))
	for _, ex := range c.examples {
		b.WriteString("\n• " + code(slash+" "+ex, 300))
	}
	return b.String()
}

// optionsHelp explains the words every command accepts.
func optionsHelp(slash string) string {
	return strings.Join([]string{
		"*Options*",
		"• " + code("workspace=<slug>", 100) + " on any command uses another GitScrum workspace than the default one (" + code(slash+" config", 100) + " shows which that is here).",
		"• " + code("share", 100) + " on list, show and find posts the answer in the channel, shared by you. Other answers are visible only to you.",
		"• Quote values with spaces: " + code(`address="1 Main St"`, 100) + "; straight and curly quotes both work, and " + code(`\"`, 10) + " is a literal quote.",
		"• " + code("field=", 100) + " with nothing after it clears that field in an update.",
		"• " + code(slash+" help <subcommand>", 100) + " shows one subcommand.",
	}, "\n")
}

// accessHelp tells the user what they may do.
func accessHelp(r writeRefusal) string {
	switch r {
	case writeAllowed:
		return "You may create and update clients."
	case writeReadOnly:
		return "This bot is read-only: nobody can create or update clients from Slack."
	case writeUnconfigured:
		return "Creating and updating clients is off until an admin lists Slack user IDs in " + EnvWriteUsers + "."
	case writeNeedsAccount:
		return "You may look clients up; creating and updating needs your own GitScrum account (connect it)."
	}
	return "You may look clients up; creating and updating needs your user ID in " + EnvWriteUsers + "."
}

// helpMessage renders the help: every command of the table, or only topic.
func helpMessage(slash, workspace string, r writeRefusal, topic *command) *slack.WebhookMessage {
	if topic != nil {
		return blockkit.Message(slack.ResponseTypeEphemeral, "Usage: "+blockkit.Clip(topic.usage(slash), 500),
			blockkit.Header(slash+" "+topic.name),
			blockkit.Section(commandHelp(topic, slash)),
			blockkit.Section(optionsHelp(slash)),
			blockkit.Context(blockkit.Ours(accessHelp(r))),
		)
	}
	blocks := []slack.Block{
		blockkit.Header(slash + " — GitScrum clients in Slack"),
		blockkit.PlainSection("Look up, create and update the clients of GitScrum workspace " + defaultWorkspace(workspace) + "."),
	}
	for _, c := range commands {
		blocks = append(blocks, blockkit.Section(commandHelp(c, slash)))
	}
	blocks = append(blocks, blockkit.Section(optionsHelp(slash)), blockkit.Context(blockkit.Ours(accessHelp(r))))
	names := make([]string, 0, len(commands))
	for _, c := range commands {
		names = append(names, c.name)
	}
	return blockkit.Message(slack.ResponseTypeEphemeral, blockkit.Escape(slash)+" subcommands: "+strings.Join(names, ", "), blocks...)
}

// defaultWorkspace returns the default workspace quoted, for plain text, or
// "(none set …)".
func defaultWorkspace(workspace string) string {
	if workspace == "" {
		return blockkit.Escape("(none set: add workspace=<slug>)")
	}
	return quote(workspace, 100)
}

// warningSign starts the title of every error.
const warningSign = "⚠️ "

// errorMessage renders a failure: a warning line, an optional detail (a zero
// line for none), and the usage of cmd when set. Errors are always ephemeral.
func errorMessage(slash string, title, detail blockkit.Line, cmd *command) *slack.WebhookMessage {
	title = title.Prefixed(warningSign)
	blocks := []slack.Block{title.Block()}
	if detail.Text() != "" {
		blocks = append(blocks, detail.Block())
	}
	if cmd != nil {
		usage := "Usage: " + code(cmd.usage(slash), 300)
		if len(cmd.examples) > 0 {
			usage += "  e.g. " + code(slash+" "+cmd.examples[0], 300)
		}
		blocks = append(blocks, blockkit.Context(blockkit.Ours(usage), blockkit.Ours("More: "+code(slash+" help "+cmd.name, 100))))
	} else {
		blocks = append(blocks, blockkit.Context(blockkit.Ours("Subcommands: "+subcommandList()+". More: "+code(slash+" help", 100))))
	}
	return blockkit.Message(slack.ResponseTypeEphemeral, title.Text(), blocks...)
}

// subcommandList names the visible subcommands, for an error.
func subcommandList() string {
	names := make([]string, 0, len(commands))
	for _, c := range commands {
		names = append(names, code(c.name, 20))
	}
	return strings.Join(names, ", ")
}

// ackMessage is the acknowledgement sent when the answer takes longer than the
// inline budget. deliverable is false when the command's response_url is not one
// the bot posts to: the answer cannot follow, and the acknowledgement says so.
func ackMessage(inv *invocation, deliverable bool) *slack.WebhookMessage {
	what := quote(inv.arg, 200)
	switch {
	case strings.TrimSpace(inv.arg) != "":
	case inv.workspace != "":
		what = "workspace " + quote(inv.workspace, 100)
	default:
		what = "your workspace"
	}
	text := inv.cmd.working
	if strings.Contains(text, "%s") {
		text = fmt.Sprintf(text, what)
	}
	if !deliverable {
		text += " The answer cannot be posted here: this Slack's response_url is not in " + EnvResponseURLPrefixes + " (tell the admin)."
		if inv.cmd.write {
			text += " Check with show in a minute whether it was saved."
		}
	}
	return blockkit.Message(slack.ResponseTypeEphemeral, text, blockkit.Context(blockkit.Ours(":hourglass_flowing_sand:"), blockkit.Shown(text)))
}
