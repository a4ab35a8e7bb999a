package gitscrum

import (
	"strings"
	"unicode"
)

// NormalizeName folds a company name for duplicate detection: [Normalize], then
// punctuation removed and whitespace collapsed, so "ACME, Corp." and "acme corp" are
// the same.
func NormalizeName(s string) string {
	n := Normalize(s)
	if strings.IndexFunc(n, unicode.IsPunct) < 0 {
		return n
	}
	return collapseSpace(strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) {
			return -1
		}
		return r
	}, n))
}

// FindDuplicates returns the clients that a new client named name with email would
// duplicate: those with the same [NormalizeName] name, or the same email compared
// case-insensitively after trimming. An empty name or email never matches. The
// clients are returned in input order; nil when there is none.
func FindDuplicates(clients []ClientCompany, name, email string) []ClientCompany {
	name = NormalizeName(name)
	email = strings.TrimSpace(email)
	if name == "" && email == "" {
		return nil
	}
	var out []ClientCompany
	for _, c := range clients {
		sameName := name != "" && NormalizeName(c.Name) == name
		sameEmail := email != "" && strings.EqualFold(strings.TrimSpace(c.Email), email)
		if sameName || sameEmail {
			out = append(out, c)
		}
	}
	return out
}
