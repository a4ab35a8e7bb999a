package gitscrum

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeName folds a company name for duplicate detection and for the exact match
// a write needs: [Normalize] (case, accents, spacing), then
//
//   - punctuation separates words: "ACME, Corp." and "Globex-Europe" become
//     "acme corp" and "globex europe"; apostrophes join them ("O'Brien" is
//     "obrien");
//   - format characters, which show nothing (zero-width spaces and joiners, the
//     byte-order mark, soft hyphens, direction marks), are removed;
//   - Cyrillic and Greek letters that look like Latin ones become those Latin
//     letters, so "Аcme Corp" with a Cyrillic А is "acme corp";
//
// and white space collapsed. Symbols such as "+" and "$" are kept.
func NormalizeName(s string) string {
	n := Normalize(foldLunateSigma(s))
	if plainName(n) {
		return n
	}
	b := make([]rune, 0, len(n))
	for _, r := range n {
		switch {
		case isApostrophe(r), unicode.Is(unicode.Cf, r):
		case unicode.IsPunct(r):
			b = append(b, ' ')
		default:
			b = append(b, lookalike(r))
		}
	}
	return collapseSpace(string(b))
}

// isApostrophe reports the apostrophes, which join the parts of a word.
func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '‘'
}

// plainName reports whether the normalised n is all ASCII without punctuation, so
// that NormalizeName has nothing more to do.
func plainName(n string) bool {
	for i := 0; i < len(n); i++ {
		if c := n[i]; c >= utf8.RuneSelf || unicode.IsPunct(rune(c)) {
			return false
		}
	}
	return true
}

// FindDuplicates returns the clients that a new client named name with email would
// duplicate: those with the same [NormalizeName] name (names compared up to their
// first 1,020 bytes), or the same email compared case-insensitively after trimming.
// An empty name or email never matches. The clients are returned in input order; nil
// when there is none.
func FindDuplicates(clients []ClientCompany, name, email string) []ClientCompany {
	name = NormalizeName(name)
	email = strings.TrimSpace(email)
	if name == "" && email == "" {
		return nil
	}
	var out []ClientCompany
	for _, c := range clients {
		sameName := name != "" && NormalizeName(head(c.Name, maxComparedBytes)) == name
		sameEmail := email != "" && strings.EqualFold(strings.TrimSpace(c.Email), email)
		if sameName || sameEmail {
			out = append(out, c)
		}
	}
	return out
}
