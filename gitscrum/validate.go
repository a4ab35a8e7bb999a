package gitscrum

import (
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// fieldErrors collects validation messages, field by field.
type fieldErrors map[string][]string

func (fe fieldErrors) add(field, msg string) { fe[field] = append(fe[field], msg) }

// err returns nil when nothing was collected, else an ErrValidation *Error.
func (fe fieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	names := orderedFieldNames(fe)
	return &Error{
		Message: "invalid " + strings.Join(names, ", "),
		Fields:  fe,
		class:   ErrValidation,
	}
}

// orderedFieldNames lists the keys of fe, editable fields first in display order.
func orderedFieldNames(fe fieldErrors) []string {
	var out []string
	for _, k := range []string{"company_slug", "client"} {
		if _, ok := fe[k]; ok {
			out = append(out, k)
		}
	}
	for _, f := range EditableFields {
		if _, ok := fe[string(f)]; ok {
			out = append(out, string(f))
		}
	}
	for k := range fe {
		if k != "company_slug" && k != "client" {
			if _, ok := ParseField(k); !ok {
				out = append(out, k)
			}
		}
	}
	return out
}

// ValidateCompanySlug checks a workspace slug.
func ValidateCompanySlug(slug string) error {
	fe := fieldErrors{}
	checkSlug(fe, slug)
	return fe.err()
}

func checkSlug(fe fieldErrors, slug string) {
	switch {
	case checkText(fe, InputCompanySlug, slug):
	case strings.TrimSpace(slug) == "":
		fe.add("company_slug", "is required: name the workspace by its slug (as in its GitScrum URL)")
	case strings.ContainsFunc(slug, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '/' }):
		fe.add("company_slug", "must be a workspace slug, without spaces or '/'")
	}
}

// ValidateUUID checks a client UUID before it goes into a request path.
func ValidateUUID(uuid string) error {
	fe := fieldErrors{}
	checkUUID(fe, uuid)
	return fe.err()
}

func checkUUID(fe fieldErrors, uuid string) {
	switch {
	case checkLength(fe, string(FieldUUID), uuid):
	case strings.TrimSpace(uuid) == "":
		fe.add("uuid", "is required")
	case strings.ContainsAny(uuid, "/?#"):
		fe.add("uuid", "must be a client UUID; it cannot contain '/', '?' or '#'")
	case strings.ContainsFunc(uuid, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) || !utf8.ValidString(uuid):
		fe.add("uuid", "must be a client UUID, without spaces or control characters")
	}
}

// checkLength adds the length message of input when value is over its cap, and
// reports whether it did.
func checkLength(fe fieldErrors, input, value string) bool {
	if msg := lengthMessage(input, value); msg != "" {
		fe.add(input, msg)
		return true
	}
	return false
}

// checkText checks the length, then the encoding and the characters of one input
// (see chars.go), adds the first fault found, and reports whether there was one.
func checkText(fe fieldErrors, input, value string) bool {
	if msg := textMessage(input, value); msg != "" {
		fe.add(input, msg)
		return true
	}
	return false
}

// textMessage returns the first fault of one input's text, or "".
func textMessage(input, value string) string {
	if msg := lengthMessage(input, value); msg != "" {
		return msg
	}
	if kindOf(input) != lookup && !utf8.ValidString(value) { // a lookup folds bad bytes to U+FFFD
		return "must be valid UTF-8 text"
	}
	return charsMessage(input, value)
}

// ValidateReference checks a client reference (a UUID or a name) before any work:
// present, within [MaxReferenceLength], and free of control characters and
// bidirectional overrides. It is an ErrValidation [*Error] for field "client".
func ValidateReference(ref string) error {
	if err := checkReference(ref); err != nil {
		return err
	}
	if strings.TrimSpace(ref) == "" {
		return newValidationError(InputClient, "is required: give a client name or UUID")
	}
	return nil
}

// checkReference checks the length and characters of a reference, not its
// presence.
func checkReference(ref string) error {
	if msg := textMessage(InputClient, ref); msg != "" {
		return newValidationError(InputClient, msg)
	}
	return nil
}

// ValidateQuery checks a search query before any work: within [MaxQueryLength], and
// free of control characters and bidirectional overrides. An empty query is valid
// (it lists every client). It is an ErrValidation [*Error] for field "query".
func ValidateQuery(query string) error {
	if msg := textMessage(InputQuery, query); msg != "" {
		return newValidationError(InputQuery, msg)
	}
	return nil
}

// checkValue validates one editable field's new value.
func checkValue(fe fieldErrors, f Field, v string) {
	if checkText(fe, string(f), v) {
		return
	}
	switch f {
	case FieldName:
		if strings.TrimSpace(v) == "" {
			fe.add("name", "is required and cannot be empty")
		}
	case FieldEmail:
		if v != "" && !validEmail(v) {
			fe.add("email", "must be a valid email address, like billing@example.com")
		}
	case FieldWebsite:
		if v != "" && !validWebsite(v) {
			fe.add("website", "must be an http:// or https:// URL, like https://example.com")
		}
	}
}

func validEmail(v string) bool {
	if strings.ContainsFunc(v, unicode.IsSpace) {
		return false
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v {
		return false
	}
	at := strings.LastIndexByte(v, '@')
	return at > 0 && at < len(v)-1
}

func validWebsite(v string) bool {
	if strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return false
	}
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// Validate checks a create before it is sent: workspace, a non-empty name, the
// length caps (see [MaxNameLength] and the others), the characters each field may
// hold, and the format of email and website. Values are checked as given; [Client.CreateClient]
// trims surrounding spaces first.
func (r CreateClientRequest) Validate() error {
	fe := fieldErrors{}
	checkSlug(fe, r.CompanySlug)
	for _, f := range EditableFields {
		checkValue(fe, f, createValue(r, f))
	}
	return fe.err()
}

func createValue(r CreateClientRequest, f Field) string {
	switch f {
	case FieldName:
		return r.Name
	case FieldEmail:
		return r.Email
	case FieldPhone:
		return r.Phone
	case FieldWebsite:
		return r.Website
	case FieldAddress:
		return r.Address
	case FieldNotes:
		return r.Notes
	}
	return ""
}

// Validate checks an update before it is sent: workspace, at least one field named,
// a name that is not cleared, the length caps and characters of every named value,
// and the format of a new email or website.
func (r UpdateClientRequest) Validate() error {
	fe := fieldErrors{}
	checkSlug(fe, r.CompanySlug)
	named := r.Named()
	if len(named) == 0 {
		fe.add("fields", "name at least one of name, email, phone, website, address, notes to change")
	}
	for _, f := range named {
		v, _ := r.Value(f)
		if f == FieldName && strings.TrimSpace(v) == "" {
			fe.add("name", "cannot be cleared: a client needs a name")
			continue
		}
		checkValue(fe, f, v)
	}
	return fe.err()
}

// trimmed returns the request with surrounding spaces removed from every value.
func (r CreateClientRequest) trimmed() CreateClientRequest {
	for _, f := range EditableFields {
		r.Set(f, strings.TrimSpace(createValue(r, f)))
	}
	r.CompanySlug = strings.TrimSpace(r.CompanySlug)
	return r
}

// trimmed returns the request with surrounding spaces removed from every named value.
func (r UpdateClientRequest) trimmed() UpdateClientRequest {
	for _, f := range r.Named() {
		v, _ := r.Value(f)
		r.Set(f, strings.TrimSpace(v))
	}
	r.CompanySlug = strings.TrimSpace(r.CompanySlug)
	return r
}
