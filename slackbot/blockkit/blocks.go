package blockkit

import "github.com/slack-go/slack"

// Md returns a mrkdwn text object of our own text, which must hold no value. It is
// verbatim, so Slack does not turn our words into links either.
func Md(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, text, false, true)
}

// Plain returns a plain_text text object; its text must already be escaped (see
// [Clip]). Emoji codes such as :tada: stay as typed.
func Plain(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, text, false, false)
}

// Line is one line of a reply: mrkdwn of our own, or plain text that may hold
// values (already escaped). The zero Line is an absent one.
type Line struct {
	text    string
	isPlain bool
}

// Ours returns a line of our own mrkdwn.
func Ours(text string) Line { return Line{text: text} }

// Shown returns a line of plain text, values included, already escaped.
func Shown(text string) Line { return Line{text: text, isPlain: true} }

// Text returns the line's text, as given to [Ours] or [Shown].
func (l Line) Text() string { return l.text }

// Prefixed returns l with prefix (of its kind: mrkdwn of our own, or escaped text)
// before its text.
func (l Line) Prefixed(prefix string) Line { return Line{text: prefix + l.text, isPlain: l.isPlain} }

// Object returns the text object of l, cut to max characters.
func (l Line) Object(max int) *slack.TextBlockObject {
	if l.isPlain {
		return Plain(Fit(l.text, max))
	}
	return Md(Fit(l.text, max))
}

// Block returns a section block showing l.
func (l Line) Block() slack.Block { return slack.NewSectionBlock(l.Object(MaxTextLen), nil, nil) }

// Header returns a header block showing s (escaped and clipped here).
func Header(s string) slack.Block {
	return slack.NewHeaderBlock(Plain(NonEmpty(Clip(s, MaxHeaderLen))))
}

// Section returns a section block of our own mrkdwn; it is clipped to the limit as
// a last resort.
func Section(text string) slack.Block { return Ours(text).Block() }

// PlainSection returns a section block of plain text, already escaped.
func PlainSection(text string) slack.Block { return Shown(text).Block() }

// Fields returns a section of fields (at most MaxFields are kept), each cut to the
// limit of a field.
func Fields(fields ...Line) slack.Block {
	objs := make([]*slack.TextBlockObject, 0, min(len(fields), MaxFields))
	for _, f := range fields[:min(len(fields), MaxFields)] {
		objs = append(objs, f.Object(MaxFieldLen))
	}
	return slack.NewSectionBlock(nil, objs, nil)
}

// Context returns a context block of lines (at most MaxContextElements).
func Context(lines ...Line) slack.Block {
	elems := make([]slack.MixedElement, 0, min(len(lines), MaxContextElements))
	for _, l := range lines[:min(len(lines), MaxContextElements)] {
		elems = append(elems, l.Object(MaxTextLen))
	}
	return slack.NewContextBlock("", elems...)
}

// Message builds a reply of blocks with a fallback text (escaped, clipped, its
// mrkdwn neutralised: see [Neutralise]). Over MaxBlocks blocks, the last kept one
// says that more was cut.
func Message(responseType, fallback string, blocks ...slack.Block) *slack.WebhookMessage {
	if len(blocks) > MaxBlocks {
		blocks = append(blocks[:MaxBlocks-1], Context(Ours("… more was cut: Slack shows at most 50 blocks.")))
	}
	return &slack.WebhookMessage{
		ResponseType: responseType,
		Text:         Neutralise(Fit(fallback, MaxFallbackLen)),
		Blocks:       &slack.Blocks{BlockSet: blocks},
	}
}
