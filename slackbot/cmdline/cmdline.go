// Package cmdline reads the command line of a slash command: it splits it into
// words the way a shell would, with the quotes Slack clients type, and tells
// field=value words apart. It is pure: no I/O, no state.
package cmdline

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is one word of a command line, with its quotes removed and its escapes
// resolved.
type Token struct {
	// Text is the whole word, e.g. `notes=Renewed for 2026` for the input
	// `notes="Renewed for 2026"`.
	Text string
	// Key is the lower-cased field name of a field=value word, or "" for any other
	// word. A word is a field only when its name is unquoted, unescaped and made of
	// letters, digits, '_' and '-', starting with a letter or '_'.
	Key string
	// Value is the part after the '=' of a field=value word.
	Value string
	// Quoted reports whether any part of the word was quoted or escaped, so that a
	// quoted "share" is a name and not the share flag.
	Quoted bool
}

// IsField reports whether the token is a field=value word.
func (t Token) IsField() bool { return t.Key != "" }

// ParseError is a command line that cannot be split into words: a quote that is
// never closed.
type ParseError struct {
	// Quote is the opening quote character.
	Quote rune
	// Pos is the position of the opening quote, in characters from 1.
	Pos int
}

// Error describes the unbalanced quote and how to fix it.
func (e *ParseError) Error() string {
	return fmt.Sprintf("unbalanced quote: the %c at character %d is never closed (close it, or write \\%c for a literal quote)", e.Quote, e.Pos, e.Quote)
}

// Quote characters. Slack clients replace straight quotes by curly ones as people
// type, so every form is accepted.
const (
	straightDouble = '"'
	leftDouble     = '“'
	rightDouble    = '”'
	lowDouble      = '„'
	straightSingle = '\''
	leftSingle     = '‘'
	rightSingle    = '’'
)

func isDoubleQuote(r rune) bool {
	return r == straightDouble || r == leftDouble || r == rightDouble || r == lowDouble
}

func isSingleQuote(r rune) bool {
	return r == straightSingle || r == leftSingle || r == rightSingle
}

// escapable reports the characters that a backslash makes literal: the backslash
// itself and every quote.
func escapable(r rune) bool { return r == '\\' || isDoubleQuote(r) || isSingleQuote(r) }

// closesDouble reports whether r closes a double-quoted part opened by open: a straight
// quote closes only at a straight quote; a curly or low quote at any double quote
// but the low one, since clients pair them inconsistently.
func closesDouble(open, r rune) bool {
	if open == straightDouble {
		return r == straightDouble
	}
	return r == straightDouble || r == leftDouble || r == rightDouble
}

func isKeyChar(r rune, first bool) bool {
	switch {
	case r == '_', 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
		return true
	case '0' <= r && r <= '9', r == '-':
		return !first
	}
	return false
}

// Tokenize splits a command line into words, the way a shell would, with these
// rules:
//
//   - Words are separated by white space (any Unicode space, such as the no-break
//     space some clients insert).
//   - Double quotes (" “ ” „) group words and may appear anywhere in a word:
//     `address="1 Main St"` is one word.
//   - Single quotes (' ‘ ’) group words only at the start of a word or of a field's
//     value, and close only before white space or the end, so that apostrophes in
//     names (O'Brien, Smith’s) need no quoting: `'Smith's Bakery'` is one word.
//   - A backslash before a quote or a backslash makes it literal, inside or outside
//     quotes; any other backslash is kept as it is.
//   - A word whose unquoted start is a field name followed by '=' is a field, see
//     [Token].
//
// A quote that is never closed is a [*ParseError]. Invalid UTF-8 is kept byte for
// byte.
func Tokenize(line string) ([]Token, error) {
	var (
		toks []Token
		tz   tokenizer
	)
	pos := 0 // characters read so far
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		raw := line[i : i+size]
		pos++
		switch {
		case unicode.IsSpace(r):
			if tz.active {
				toks = append(toks, tz.token())
			}
			i += size
			continue
		case r == '\\':
			if next, nsize := utf8.DecodeRuneInString(line[i+size:]); i+size < len(line) && escapable(next) {
				tz.writeEscaped(next)
				i += size + nsize
				pos++
				continue
			}
			tz.writeRaw(r, raw)
		case isDoubleQuote(r):
			n, chars, ok := tz.readDouble(line[i+size:], r)
			if !ok {
				return nil, &ParseError{Quote: r, Pos: pos}
			}
			i += size + n
			pos += chars
			continue
		case isSingleQuote(r) && tz.atValueStart():
			n, chars, ok := tz.readSingle(line[i+size:])
			if !ok {
				return nil, &ParseError{Quote: r, Pos: pos}
			}
			i += size + n
			pos += chars
			continue
		case r == '=' && tz.keyCandidate():
			tz.startValue()
		default:
			tz.writeRaw(r, raw)
		}
		i += size
	}
	if tz.active {
		toks = append(toks, tz.token())
	}
	return toks, nil
}

// tokenizer holds the word being read.
type tokenizer struct {
	buf    strings.Builder
	active bool // a word has started (possibly an empty quoted one)
	quoted bool
	// plainKey: every character so far was unquoted and a key character, so an '='
	// now makes the word a field.
	plainKey bool
	key      string
	hasKey   bool
	valueAt  int  // offset in buf where the value starts
	valueUse bool // something was written to the value (or the word, without a key)
}

// start begins a word at its first character.
func (t *tokenizer) start() {
	if !t.active {
		t.active = true
		t.plainKey = true
	}
}

func (t *tokenizer) writeRaw(r rune, raw string) {
	t.start()
	if !t.hasKey && !isKeyChar(r, t.buf.Len() == 0) {
		t.plainKey = false
	}
	t.buf.WriteString(raw)
	t.valueUse = true
}

func (t *tokenizer) writeEscaped(r rune) {
	t.start()
	t.quoted = true
	t.plainKey = false
	t.buf.WriteRune(r)
	t.valueUse = true
}

// keyCandidate reports whether an '=' read now ends a field name.
func (t *tokenizer) keyCandidate() bool {
	return t.active && !t.hasKey && t.plainKey && t.buf.Len() > 0
}

func (t *tokenizer) startValue() {
	t.key = strings.ToLower(t.buf.String())
	t.hasKey = true
	t.buf.WriteByte('=')
	t.valueAt = t.buf.Len()
	t.valueUse = false
}

// atValueStart reports whether a single quote read now opens a quoted part: at the
// start of a word or of a field's value.
func (t *tokenizer) atValueStart() bool {
	if !t.active {
		return true
	}
	return t.hasKey && !t.valueUse
}

// readDouble reads a double-quoted part after its opening quote open, and returns
// the bytes and characters consumed (closing quote included) and whether it was
// closed.
func (t *tokenizer) readDouble(rest string, open rune) (n, chars int, ok bool) {
	return t.readQuoted(rest, func(r rune, _ string) bool { return closesDouble(open, r) })
}

// readSingle reads a single-quoted part after its opening quote: it ends at a
// single quote followed by white space or the end of the line.
func (t *tokenizer) readSingle(rest string) (n, chars int, ok bool) {
	return t.readQuoted(rest, func(r rune, after string) bool {
		if !isSingleQuote(r) {
			return false
		}
		next, _ := utf8.DecodeRuneInString(after)
		return after == "" || unicode.IsSpace(next)
	})
}

// readQuoted reads a quoted part after its opening quote until closes(r, after)
// accepts a rune r followed by the text after; a backslash escapes a quote or a
// backslash. It returns the bytes and characters consumed (closing quote included)
// and whether the part was closed.
func (t *tokenizer) readQuoted(rest string, closes func(r rune, after string) bool) (n, chars int, ok bool) {
	t.start()
	t.quoted = true
	t.plainKey = false
	t.valueUse = true
	for n < len(rest) {
		r, size := utf8.DecodeRuneInString(rest[n:])
		chars++
		switch {
		case r == '\\':
			if next, nsize := utf8.DecodeRuneInString(rest[n+size:]); n+size < len(rest) && escapable(next) {
				t.buf.WriteRune(next)
				n += size + nsize
				chars++
				continue
			}
			t.buf.WriteByte('\\')
		case closes(r, rest[n+size:]):
			return n + size, chars, true
		default:
			t.buf.WriteString(rest[n : n+size])
		}
		n += size
	}
	return n, chars, false
}

// token returns the word read and resets the tokenizer.
func (t *tokenizer) token() Token {
	tok := Token{Text: t.buf.String(), Quoted: t.quoted}
	if t.hasKey {
		tok.Key = t.key
		tok.Value = tok.Text[t.valueAt:]
	}
	*t = tokenizer{}
	return tok
}

// quoteEscaper escapes what is special inside double quotes.
var quoteEscaper = strings.NewReplacer(
	`\`, `\\`,
	`"`, `\"`, `“`, `\“`, `”`, `\”`, `„`, `\„`,
)

// Quote returns s in double quotes, escaped so that [Tokenize] reads it back as one
// word whose Text is s, also after "field=". Help examples and tests use it.
func Quote(s string) string {
	return `"` + quoteEscaper.Replace(s) + `"`
}
