package gitscrum

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Length caps on user input, in characters (Unicode code points, as GitScrum's
// Laravel validation counts them). Every entry point of this package that takes user
// input checks them before any other work, and both adapters check their arguments
// against them as they parse, with [CheckLength]. A value over its cap is an
// ErrValidation [*Error] naming the input and the cap.
//
// The field caps are those GitScrum enforces itself (its columns are 255 characters,
// address 1,000 and notes 5,000), tightened where a standard sets a smaller bound, so
// a value we accept is never refused upstream for its length. A reference or a query
// names a client by its UUID (36 characters) or its name, so it needs no more than
// a name; a workspace slug is derived from a company name.
const (
	// MaxReferenceLength caps a client reference: a UUID or a name.
	MaxReferenceLength = 255
	// MaxQueryLength caps a search query.
	MaxQueryLength = 255
	// MaxCompanySlugLength caps a workspace slug.
	MaxCompanySlugLength = 255
	// MaxNameLength caps a client's name (GitScrum's column is 255 characters).
	MaxNameLength = 255
	// MaxEmailLength caps an email address: 254 is the longest address SMTP can
	// carry (RFC 5321's 256-octet path, less its angle brackets).
	MaxEmailLength = 254
	// MaxPhoneLength caps a phone number: E.164 numbers have at most 15 digits; 64
	// leaves room for spaces, punctuation, a prefix and an extension.
	MaxPhoneLength = 64
	// MaxWebsiteLength caps a website URL (GitScrum's column is 255 characters).
	MaxWebsiteLength = 255
	// MaxAddressLength caps a postal address, lines included (GitScrum's cap).
	MaxAddressLength = 1000
	// MaxNotesLength caps the notes, lines included (GitScrum's cap).
	MaxNotesLength = 5000
)

// Names of the inputs that are not client fields, as used in validation errors and
// by [CheckLength]. The client fields are named by their [Field].
const (
	// InputClient is a client reference (a UUID or a name), e.g. of get or update.
	InputClient = "client"
	// InputQuery is a search query.
	InputQuery = "query"
	// InputCompanySlug is a workspace slug.
	InputCompanySlug = "company_slug"
)

// inputLimits is the cap of every input, by name: the one table of caps.
var inputLimits = map[string]int{
	InputClient:          MaxReferenceLength,
	InputQuery:           MaxQueryLength,
	InputCompanySlug:     MaxCompanySlugLength,
	string(FieldUUID):    MaxReferenceLength,
	string(FieldName):    MaxNameLength,
	string(FieldEmail):   MaxEmailLength,
	string(FieldPhone):   MaxPhoneLength,
	string(FieldWebsite): MaxWebsiteLength,
	string(FieldAddress): MaxAddressLength,
	string(FieldNotes):   MaxNotesLength,
}

// MaxLength returns the cap on the input named input (InputClient, InputQuery,
// InputCompanySlug, or a [Field] name, FieldUUID included), in characters, and whether it has one.
func MaxLength(input string) (int, bool) {
	n, ok := inputLimits[input]
	return n, ok
}

// CheckLength returns an ErrValidation [*Error] when value is longer than the cap of
// input (see [MaxLength]), else nil; an input without a cap always passes. It costs
// nothing for a value within the cap in bytes and one pass over the bytes otherwise,
// so a megabyte is refused in well under a millisecond.
func CheckLength(input, value string) error {
	if msg := lengthMessage(input, value); msg != "" {
		return newValidationError(input, msg)
	}
	return nil
}

// lengthMessage is the message of CheckLength, or "" when value fits.
func lengthMessage(input, value string) string {
	max, ok := inputLimits[input]
	if !ok || len(value) <= max { // at most max bytes: at most max characters
		return ""
	}
	n := utf8.RuneCountInString(value)
	if n <= max {
		return ""
	}
	return fmt.Sprintf("is too long: %d characters, and at most %d are allowed", n, max)
}

// ExcerptLength is how many characters of user input an error message quotes.
const ExcerptLength = 64

// Excerpt returns s for quoting in a message: s itself when it has at most
// [ExcerptLength] characters, else its first ExcerptLength characters followed by
// "…(cut, N characters in all)". Invalid UTF-8 becomes U+FFFD. Every error of this
// package that quotes user input goes through it, and adapters use it for theirs.
func Excerpt(s string) string {
	if len(s) <= ExcerptLength && utf8.ValidString(s) {
		return s
	}
	n, cut := 0, len(s)
	for i := range s {
		if n == ExcerptLength {
			cut = i
		}
		n++
	}
	if n <= ExcerptLength {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return fmt.Sprintf("%s…(cut, %d characters in all)", strings.ToValidUTF8(s[:cut], "\uFFFD"), n)
}
