package blockkit

import (
	"strings"
	"unicode/utf8"
)

// mrkdwnEscaper escapes the three characters that Slack's mrkdwn gives meaning to.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape escapes &, < and > as Slack requires of all text, so that a client named
// "<!channel>" cannot ping a channel and "<script>" shows as text. Every value from
// GitScrum or from the user goes through it, into a plain_text object: escaping
// alone cannot stop mrkdwn's *bold*, _italic_, ~strike~ or `code`.
func Escape(s string) string { return mrkdwnEscaper.Replace(s) }

// Clip escapes s and cuts the result to at most max characters, never inside an
// entity, ending with "…" when it had to cut. Invalid UTF-8 becomes U+FFFD.
func Clip(s string, max int) string {
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

// Truncate cuts s to at most n characters, and reports how many it dropped.
func Truncate(s string, n int) (string, int) {
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

// Fit cuts already-escaped text to max characters without splitting an entity, as
// a last resort for text whose parts were not clipped one by one. Empty text
// becomes a dash ([NonEmpty]).
func Fit(text string, max int) string {
	text = NonEmpty(text)
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	cut, _ := Truncate(text, max-1)
	if amp := strings.LastIndexByte(cut, '&'); amp >= 0 && !strings.Contains(cut[amp:], ";") {
		cut = cut[:amp]
	}
	return cut + "…"
}

// NonEmpty returns s, or a dash when s is empty or blank: Slack refuses empty text.
func NonEmpty(s string) string {
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

// Neutralise returns escaped text that Slack shows without mrkdwn formatting:
// the fallback text of a message is mrkdwn, shown in notifications and read by
// screen readers, and it holds values (a client named "Smith *Bold*"). Its
// formatting characters are neutralised, and so is a quote ("&gt;") starting a
// line.
func Neutralise(text string) string {
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
