package gitscrum

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Normalize folds s for matching: Unicode NFKD, combining marks removed ("Zürich" →
// "zurich"), case-folded ("Straße" → "strasse"), and runs of whitespace collapsed to
// one space, trimmed. Invalid UTF-8 bytes become U+FFFD, so the result is always valid
// UTF-8, and Normalize(Normalize(s)) == Normalize(s).
//
// An all-ASCII s that is already normalised is returned as it is, without
// allocating. Other ASCII, and text whose other characters are all Latin (up to
// U+02FF), take fast paths that skip the general x/text transformation.
func Normalize(s string) string {
	clean, ascii := scanASCII(s)
	switch {
	case ascii && clean:
		return s
	case ascii:
		return string(appendASCII(make([]byte, 0, len(s)), s))
	}
	if b, ok := appendLatin(make([]byte, 0, len(s)+8), s); ok {
		return string(b)
	}
	return normalizeUnicode(s)
}

// appendNormalized appends Normalize(s) to dst.
func appendNormalized(dst []byte, s string) []byte {
	clean, ascii := scanASCII(s)
	switch {
	case ascii && clean:
		return append(dst, s...)
	case ascii:
		return appendASCII(dst, s)
	}
	b, ok := appendLatin(dst, s)
	if ok {
		return b
	}
	return append(b, normalizeUnicode(s)...)
}

// Byte classes for the ASCII fast path.
const (
	classPlain      = iota // kept as it is
	classUpper             // lower-cased
	classSpace             // ' '
	classOtherSpace        // other ASCII whitespace, becomes ' '
	classNonASCII          // needs another path
)

// byteClass is the class of each byte.
var byteClass = func() (t [256]uint8) {
	for b := range 256 {
		switch {
		case b >= utf8.RuneSelf:
			t[b] = classNonASCII
		case 'A' <= b && b <= 'Z':
			t[b] = classUpper
		case b == ' ':
			t[b] = classSpace
		case isASCIISpace(byte(b)):
			t[b] = classOtherSpace
		}
	}
	return t
}()

// scanASCII reports whether s is all ASCII and, if so, whether it is already
// normalised: no upper case, no whitespace but single inner spaces.
func scanASCII(s string) (clean, ascii bool) {
	prevSpace := true // a leading space is not clean
	for i := 0; i < len(s); i++ {
		switch byteClass[s[i]] {
		case classPlain:
			prevSpace = false
			continue
		case classSpace:
			if !prevSpace {
				prevSpace = true
				continue
			}
		}
		// Not clean: say whether it is ASCII.
		for ; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return false, false
			}
		}
		return false, true
	}
	return !prevSpace || len(s) == 0, true
}

// appendASCII appends the normalised form of the all-ASCII s to dst.
func appendASCII(dst []byte, s string) []byte {
	pendingSpace := false
	start := len(dst)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch byteClass[c] {
		case classSpace, classOtherSpace:
			pendingSpace = len(dst) > start
			continue
		case classUpper:
			c += 'a' - 'A'
		}
		if pendingSpace {
			dst = append(dst, ' ')
			pendingSpace = false
		}
		dst = append(dst, c)
	}
	return dst
}

// isASCIISpace reports whether c is one of the ASCII bytes unicode.IsSpace accepts.
func isASCIISpace(c byte) bool {
	return c == ' ' || ('\t' <= c && c <= '\r')
}

// isMn is the set of nonspacing marks, removed by Normalize.
var isMn = runes.In(unicode.Mn)

// foldPool holds the (stateful) transformer chain of the non-ASCII path.
var foldPool = sync.Pool{New: func() any {
	// Decompose, drop the marks, fold case ("ß" → "ss"); lower-case what folding
	// leaves in upper case (Cherokee folds to upper case, which x/text's Fold then
	// folds back: lowering makes the result stable); then decompose and drop marks
	// again, since case mappings may produce composed characters.
	return transform.Chain(
		norm.NFKD, runes.Remove(isMn),
		cases.Fold(), runes.Map(unicode.ToLower),
		norm.NFKD, runes.Remove(isMn),
	)
}}

// normalizeUnicode is Normalize for any string: the general path.
func normalizeUnicode(s string) string {
	return collapseSpace(foldString(strings.ToValidUTF8(s, string(utf8.RuneError))))
}

// foldString decomposes, removes marks and folds case of the valid UTF-8 s.
func foldString(s string) string {
	t := foldPool.Get().(transform.Transformer)
	out, _, err := transform.String(t, s)
	foldPool.Put(t)
	if err != nil {
		// Not expected from these transformers; fall back to a plain lower-casing.
		out = strings.ToLower(s)
	}
	return out
}

// The Latin table covers Latin-1 Supplement, Latin Extended-A and -B, IPA
// extensions and spacing modifier letters: most accented names.
const latinFirst, latinEnd = 0x80, 0x300

// latinEntry is the normalised form of one rune; ok is false for a rune that the
// table may not handle alone.
type latinEntry struct {
	s  string
	ok bool
}

// latinTable maps each rune of the Latin range to foldString of it, computed once
// with the general path. A rune is left out (ok false) when its output could depend
// on its neighbours or needs whitespace handling: when it is not a starter, or its
// output holds a non-starter or non-ASCII whitespace.
var latinTable = sync.OnceValue(func() *[latinEnd - latinFirst]latinEntry {
	var t [latinEnd - latinFirst]latinEntry
	for r := rune(latinFirst); r < latinEnd; r++ {
		in := string(r)
		p := norm.NFKD.PropertiesString(in)
		out := foldString(in)
		ok := p.CCC() == 0 && p.LeadCCC() == 0
		for _, o := range out {
			if norm.NFKD.PropertiesString(string(o)).CCC() != 0 || o >= utf8.RuneSelf && unicode.IsSpace(o) {
				ok = false
			}
		}
		t[r-latinFirst] = latinEntry{s: out, ok: ok}
	}
	return &t
})

// appendLatin appends Normalize(s) to dst when every non-ASCII rune of s is in the
// Latin table, and reports whether it did. When it did not, it returns dst as it was
// (perhaps moved to a larger array).
func appendLatin(dst []byte, s string) ([]byte, bool) {
	table := latinTable()
	start := len(dst)
	pending := false // a space is due before the next non-space byte
	put := func(c byte) {
		if isASCIISpace(c) {
			pending = len(dst) > start
			return
		}
		if pending {
			dst = append(dst, ' ')
			pending = false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			put(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r < latinFirst || r >= latinEnd || !table[r-latinFirst].ok {
			return dst[:start], false
		}
		for _, c := range []byte(table[r-latinFirst].s) {
			put(c)
		}
		i += n
	}
	return dst, true
}

// collapseSpace replaces every run of Unicode whitespace in s by one space and trims
// both ends. It returns s itself when there is nothing to change.
func collapseSpace(s string) string {
	if !needsCollapse(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			pending = b.Len() > 0
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// needsCollapse reports whether collapseSpace would change s.
func needsCollapse(s string) bool {
	prevSpace := true
	for _, r := range s {
		if unicode.IsSpace(r) {
			if r != ' ' || prevSpace {
				return true
			}
			prevSpace = true
			continue
		}
		prevSpace = false
	}
	return prevSpace && len(s) > 0
}
