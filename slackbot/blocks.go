package slackbot

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's limits for a message, see https://docs.slack.dev/reference/block-kit/blocks.
const (
	// MaxBlocks is the most blocks a message may have.
	MaxBlocks = 50
	// MaxTextLen is the most characters of a text object.
	MaxTextLen = 3000
	// MaxFields is the most fields of a section block.
	MaxFields = 10
	// maxFieldLen is the most characters of one field of a section.
	maxFieldLen = 2000
	// maxHeaderLen is the most characters of a header block's text.
	maxHeaderLen = 150
	// maxContextElements is the most elements of a context block.
	maxContextElements = 10
	// maxFallbackLen bounds the plain-text fallback of a message.
	maxFallbackLen = 3000
)

// mrkdwnEscaper escapes the three characters that Slack's mrkdwn gives meaning to.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape escapes &, < and > as Slack requires of all text, so that a client named
// "<!channel>" cannot ping a channel and "<script>" shows as text. Every value from
// GitScrum or from the user goes through it, into a plain_text object: escaping
// alone cannot stop mrkdwn's *bold*, _italic_, ~strike~ or `code`.
func Escape(s string) string { return mrkdwnEscaper.Replace(s) }

// slackUnescaper undoes the escaping Slack applies to the text of a slash command.
var slackUnescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// unescapeSlack returns the text of a slash command as the user typed it: Slack
// sends &, < and > as &amp;, &lt; and &gt;.
func unescapeSlack(s string) string { return slackUnescaper.Replace(s) }

// clip escapes s and cuts the result to at most max characters, never inside an
// entity, ending with "…" when it had to cut. Invalid UTF-8 becomes U+FFFD.
func clip(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= max && !strings.ContainsAny(s, "&<>") {
		return s
	}
	esc := Escape(s)
	if utf8.RuneCountInString(esc) <= max {
		return esc
	}
	if max < 1 {
		return ""
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		piece := string(r)
		switch r {
		case '&':
			piece = "&amp;"
		case '<':
			piece = "&lt;"
		case '>':
			piece = "&gt;"
		}
		w := utf8.RuneCountInString(piece)
		if n+w > max-1 {
			break
		}
		b.WriteString(piece)
		n += w
	}
	b.WriteString("…")
	return b.String()
}

// truncateRunes cuts s to at most n characters, and reports how many it dropped.
func truncateRunes(s string, n int) (string, int) {
	total := utf8.RuneCountInString(s)
	if total <= n {
		return s, 0
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos], total - n
		}
		i++
	}
	return s, 0
}

// Text objects come in two kinds, never mixed, so that every value from GitScrum
// or a user appears in Slack exactly as typed. Slack's mrkdwn has no escape for
// its formatting characters (*bold*, _italic_, ~strike~, `code`, > quotes), so a
// value never goes into mrkdwn:
//
//   - md: mrkdwn of our own words and markup only: bold labels, code spans of our
//     own commands, mentions of validated user IDs, dates.
//   - plain: plain_text, which Slack shows as it is: no formatting, links,
//     mentions or emoji codes. Values go here, escaped only for &, < and >, as
//     Slack requires of all text; the words around them are ours.

// md returns a mrkdwn text object of our own text, which must hold no value. It is
// verbatim, so Slack does not turn our words into links either.
func md(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, text, false, true)
}

// plain returns a plain_text text object; its text must already be escaped (see
// [clip]). Emoji codes such as :tada: stay as typed.
func plain(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, text, false, false)
}

// line is one line of a reply: mrkdwn of our own, or plain text that may hold
// values (already escaped).
type line struct {
	text    string
	isPlain bool
}

// ours returns a line of our own mrkdwn.
func ours(text string) line { return line{text: text} }

// shown returns a line of plain text, values included, already escaped.
func shown(text string) line { return line{text: text, isPlain: true} }

// object returns the text object of l, cut to max characters.
func (l line) object(max int) *slack.TextBlockObject {
	if l.isPlain {
		return plain(fitText(l.text, max))
	}
	return md(fitText(l.text, max))
}

// block returns a section block showing l.
func (l line) block() slack.Block { return slack.NewSectionBlock(l.object(MaxTextLen), nil, nil) }

// header returns a header block showing s (escaped and clipped here).
func header(s string) slack.Block {
	return slack.NewHeaderBlock(plain(nonEmpty(clip(s, maxHeaderLen))))
}

// section returns a section block of our own mrkdwn; it is clipped to the limit as
// a last resort.
func section(text string) slack.Block { return ours(text).block() }

// plainSection returns a section block of plain text, already escaped.
func plainSection(text string) slack.Block { return shown(text).block() }

// fieldsSection returns a section of fields (at most MaxFields are kept), each cut
// to the limit of a field.
func fieldsSection(fields ...line) slack.Block {
	objs := make([]*slack.TextBlockObject, 0, min(len(fields), MaxFields))
	for _, f := range fields[:min(len(fields), MaxFields)] {
		objs = append(objs, f.object(maxFieldLen))
	}
	return slack.NewSectionBlock(nil, objs, nil)
}

// contextBlock returns a context block of lines (at most maxContextElements).
func contextBlock(lines ...line) slack.Block {
	elems := make([]slack.MixedElement, 0, min(len(lines), maxContextElements))
	for _, l := range lines[:min(len(lines), maxContextElements)] {
		elems = append(elems, l.object(MaxTextLen))
	}
	return slack.NewContextBlock("", elems...)
}

// fitText cuts already-escaped text to max characters without splitting an entity,
// as a last resort for text whose parts were not clipped one by one.
func fitText(text string, max int) string {
	text = nonEmpty(text)
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	cut, _ := truncateRunes(text, max-1)
	if amp := strings.LastIndexByte(cut, '&'); amp >= 0 && !strings.Contains(cut[amp:], ";") {
		cut = cut[:amp]
	}
	return cut + "…"
}

// nonEmpty returns s, or a dash when s is empty or blank: Slack refuses empty text.
func nonEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// zwsp is the zero-width space that keeps a character from being mrkdwn markup.
const zwsp = "\u200B"

// markupNeutraliser sets each of mrkdwn's formatting characters between
// zero-width spaces: a marker then neither starts nor ends a word, so it
// formats nothing, and it still reads (and is read aloud) as itself.
var markupNeutraliser = strings.NewReplacer("*", zwsp+"*"+zwsp, "_", zwsp+"_"+zwsp, "~", zwsp+"~"+zwsp, "`", zwsp+"`"+zwsp)

// neutralise returns escaped text that Slack shows without mrkdwn formatting:
// the fallback text of a message is mrkdwn, shown in notifications and read by
// screen readers, and it holds values (a client named "Smith *Bold*"). Its
// formatting characters are neutralised, and so is a quote ("&gt;") starting a
// line.
func neutralise(text string) string {
	text = markupNeutraliser.Replace(text)
	if !strings.Contains(text, "&gt;") {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimLeft(l, " "), "&gt;") {
			lines[i] = zwsp + l
		}
	}
	return strings.Join(lines, "\n")
}

// message builds a reply of blocks with a fallback text (escaped, clipped, its
// mrkdwn neutralised: see [neutralise]).
func message(responseType, fallback string, blocks ...slack.Block) *slack.WebhookMessage {
	if len(blocks) > MaxBlocks {
		blocks = append(blocks[:MaxBlocks-1], contextBlock(ours("… more was cut: Slack shows at most 50 blocks.")))
	}
	return &slack.WebhookMessage{
		ResponseType: responseType,
		Text:         neutralise(fitText(fallback, maxFallbackLen)),
		Blocks:       &slack.Blocks{BlockSet: blocks},
	}
}

// errLimit is a message outside Slack's limits.
var errLimit = errors.New("message outside Slack's limits")

// CheckLimits reports whether msg stays inside Slack's limits: at most 50 blocks,
// 3000 characters per text object (150 for a header, 2000 per section field), 10
// fields per section and 10 elements per context, no empty text, and a fallback
// text. Every reply is checked before it is sent.
func CheckLimits(msg *slack.WebhookMessage) error {
	if msg == nil {
		return fmt.Errorf("%w: no message", errLimit)
	}
	if strings.TrimSpace(msg.Text) == "" {
		return fmt.Errorf("%w: no fallback text", errLimit)
	}
	if msg.Blocks == nil {
		return nil
	}
	set := msg.Blocks.BlockSet
	if len(set) > MaxBlocks {
		return fmt.Errorf("%w: %d blocks, at most %d", errLimit, len(set), MaxBlocks)
	}
	for i, blk := range set {
		if err := checkBlock(blk); err != nil {
			return fmt.Errorf("%w: block %d (%s): %w", errLimit, i, blk.BlockType(), err)
		}
	}
	return nil
}

func checkBlock(blk slack.Block) error {
	switch b := blk.(type) {
	case *slack.HeaderBlock:
		return checkText(b.Text, maxHeaderLen)
	case *slack.SectionBlock:
		if b.Text == nil && len(b.Fields) == 0 {
			return errors.New("section without text or fields")
		}
		if b.Text != nil {
			if err := checkText(b.Text, MaxTextLen); err != nil {
				return err
			}
		}
		if len(b.Fields) > MaxFields {
			return fmt.Errorf("%d fields, at most %d", len(b.Fields), MaxFields)
		}
		for _, f := range b.Fields {
			if err := checkText(f, maxFieldLen); err != nil {
				return err
			}
		}
	case *slack.ContextBlock:
		els := b.ContextElements.Elements
		if len(els) == 0 || len(els) > maxContextElements {
			return fmt.Errorf("%d context elements, 1 to %d allowed", len(els), maxContextElements)
		}
		for _, el := range els {
			t, ok := el.(*slack.TextBlockObject)
			if !ok {
				continue
			}
			if err := checkText(t, MaxTextLen); err != nil {
				return err
			}
		}
	case *slack.DividerBlock:
	case *slack.ActionBlock:
		return checkActions(b)
	default:
		return fmt.Errorf("unexpected block type %T", blk)
	}
	return nil
}

func checkText(t *slack.TextBlockObject, max int) error {
	if t == nil {
		return errors.New("missing text")
	}
	if err := t.Validate(); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(t.Text); n > max {
		return fmt.Errorf("text of %d characters, at most %d", n, max)
	}
	return nil
}

// Slack's limits for an actions block.
const (
	// maxActionElements is the most elements of an actions block.
	maxActionElements = 25
	// maxButtonText is the most characters of a button's label.
	maxButtonText = 75
)

// checkActions checks an actions block of buttons: 1 to 25 of them, each with a
// plain-text label of at most 75 characters, an action_id and a value within
// Slack's limit.
func checkActions(b *slack.ActionBlock) error {
	if b.Elements == nil || len(b.Elements.ElementSet) == 0 || len(b.Elements.ElementSet) > maxActionElements {
		return fmt.Errorf("actions block needs 1 to %d elements", maxActionElements)
	}
	for _, el := range b.Elements.ElementSet {
		btn, ok := el.(*slack.ButtonBlockElement)
		if !ok {
			continue
		}
		if btn.Text == nil || btn.Text.Type != slack.PlainTextType {
			return errors.New("button without a plain-text label")
		}
		if err := checkText(btn.Text, maxButtonText); err != nil {
			return err
		}
		if btn.ActionID == "" {
			return errors.New("button without an action_id")
		}
		if n := utf8.RuneCountInString(btn.Value); n > maxActionValue {
			return fmt.Errorf("button value of %d characters, at most %d", n, maxActionValue)
		}
	}
	return nil
}
