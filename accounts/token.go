package accounts

import (
	"strings"
	"unicode"
)

// The bounds of a pasted token.
const (
	// MaxTokenLen is the longest token kept, once white space is taken out.
	MaxTokenLen = 512
	// maxTokenInput bounds what is looked at, white space included: anything
	// longer is refused before it is scanned.
	maxTokenInput = 8 * MaxTokenLen
)

// cleanToken returns the token a person pasted without what a copy and paste
// adds to it: white space anywhere (spaces, tabs, new lines), zero-width
// characters and a byte-order mark, and a leading "Bearer ". It refuses, with a
// [*FormError] of field "token", an empty token, one over [MaxTokenLen] bytes and
// one with a character no token has (only printable ASCII is).
func cleanToken(pasted string) (string, error) {
	if len(pasted) > maxTokenInput {
		return "", tokenError("That is far too long for a GitScrum API token: copy the token alone.")
	}
	t := strings.TrimFunc(pasted, dropped)
	if len(t) > len("bearer ") && strings.EqualFold(t[:len("bearer ")], "bearer ") {
		t = t[len("bearer "):]
	}
	t = strings.Map(func(r rune) rune {
		if dropped(r) {
			return -1
		}
		return r
	}, t)
	switch {
	case t == "":
		return "", tokenError("Paste your GitScrum API token.")
	case len(t) > MaxTokenLen:
		return "", tokenError("That is too long for a GitScrum API token: copy the token alone.")
	case strings.ContainsFunc(t, func(r rune) bool { return r < 0x21 || r > 0x7e }):
		return "", tokenError("That holds characters a GitScrum API token never has: copy the token again.")
	}
	return t, nil
}

// dropped reports the characters a paste adds: white space and the invisible
// formatting characters (zero-width space and joiners, word joiner, byte-order
// mark, soft hyphen).
func dropped(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return unicode.IsSpace(r)
}

// tokenError is a [*FormError] of the token field.
func tokenError(msg string) *FormError { return &FormError{Field: "token", Message: msg} }
