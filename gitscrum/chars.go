package gitscrum

import (
	"fmt"
	"unicode"
)

// The characters user input may hold. Every text input refuses the bidirectional
// overrides and isolates (U+202A–U+202E, U+2066–U+2069), which reorder the text
// around them on screen and so can make a name or a note read as something else
// ("Trojan Source"); the left-to-right and right-to-left marks (U+200E, U+200F,
// U+061C) are allowed, since right-to-left names need them and they move nothing but
// neutral characters next to them. Control characters (Unicode category Cc) are
// refused by kind of input:
//
//   - name, email, phone and website are one line: no control character at all, and
//     no line or paragraph separator (U+2028, U+2029);
//   - address and notes may span lines: line feeds, tabs and carriage returns that
//     start a CRLF line break, no other control character;
//   - a reference, a query and a workspace slug may hold white space of any kind
//     (it is folded before matching), no other control character.
//
// A name must also show something: a name made only of white space and invisible
// characters (zero-width spaces and joiners, the byte-order mark, soft hyphens,
// fillers, lone combining marks…) is refused.

// textKind is how an input's characters are checked.
type textKind uint8

const (
	singleLine textKind = iota // name, email, phone, website
	multiLine                  // address, notes
	lookup                     // client reference, query, workspace slug
)

// kindOf returns the kind of the input named input.
func kindOf(input string) textKind {
	switch input {
	case string(FieldAddress), string(FieldNotes):
		return multiLine
	case InputClient, InputQuery, InputCompanySlug:
		return lookup
	}
	return singleLine
}

// isBidiControl reports the bidirectional embeddings, overrides and isolates.
func isBidiControl(r rune) bool {
	return 0x202A <= r && r <= 0x202E || 0x2066 <= r && r <= 0x2069
}

// charsMessage returns why value may not be the input named input, or "" when its
// characters are all allowed. Call it on valid UTF-8 within the input's length cap.
func charsMessage(input, value string) string {
	kind := kindOf(input)
	pos := 0
	prevCR := false
	for _, r := range value {
		pos++
		if prevCR && r != '\n' {
			return badChar("may break lines only with line feeds or CRLF, not a lone carriage return", '\r', pos-1)
		}
		prevCR = false
		switch {
		case isBidiControl(r):
			return badChar("must not hold bidirectional override or isolate characters, which reorder the text on screen", r, pos)
		case r == '\u2028' || r == '\u2029':
			if kind == singleLine {
				return badChar("must be one line, without line or paragraph separators", r, pos)
			}
		case unicode.IsControl(r):
			switch kind {
			case singleLine:
				return badChar("must be one line, without control characters such as tabs or line breaks", r, pos)
			case multiLine:
				if r == '\r' {
					prevCR = true
					continue
				}
				if r != '\n' && r != '\t' {
					return badChar("may hold line breaks and tabs but no other control character", r, pos)
				}
			case lookup:
				if !unicode.IsSpace(r) {
					return badChar("must not hold control characters", r, pos)
				}
			}
		}
	}
	if prevCR {
		return badChar("may break lines only with line feeds or CRLF, not a lone carriage return", '\r', pos)
	}
	if input == string(FieldName) && value != "" && !hasVisible(value) {
		return "must hold a visible character: it is only white space and invisible characters (such as zero-width spaces)"
	}
	return ""
}

// badChar is a message naming the character at fault and where it is.
func badChar(rule string, r rune, pos int) string {
	return fmt.Sprintf("%s (found U+%04X at character %d)", rule, r, pos)
}

// hasVisible reports whether s holds a character that shows: not white space, a
// format character (category Cf: zero-width spaces and joiners, marks, the BOM, the
// soft hyphen…), a combining mark, a variation selector, or one of the blank
// fillers that Unicode classes as letters or symbols.
func hasVisible(s string) bool {
	for _, r := range s {
		if !invisible(r) {
			return true
		}
	}
	return false
}

// invisible reports a character that shows nothing by itself.
func invisible(r rune) bool {
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0', // Hangul fillers
		'\u2800', // Braille pattern blank
		'\u180E': // Mongolian vowel separator
		return true
	}
	return unicode.IsSpace(r) || unicode.IsControl(r) ||
		unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me, unicode.Zs, unicode.Zl, unicode.Zp, unicode.Variation_Selector)
}
