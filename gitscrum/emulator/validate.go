package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// value is one key of a JSON request body.
type value struct {
	present  bool   // the key is in the body
	null     bool   // its value is JSON null
	isString bool   // its value is a JSON string
	s        string // the string, when isString
}

// blank reports whether the value counts as empty, as Laravel's TrimStrings and
// ConvertEmptyStringsToNull middleware make it: absent, null, or only white space.
func (v value) blank() bool {
	return !v.present || v.null || (v.isString && strings.TrimSpace(v.s) == "")
}

// decodeObject decodes a JSON object body. It fails on anything but an object (or
// null, which counts as an empty object).
func decodeObject(body []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// valueOf returns the value of key in m.
func valueOf(m map[string]json.RawMessage, key string) value {
	raw, ok := m[key]
	if !ok {
		return value{}
	}
	raw = bytes.TrimSpace(raw)
	switch {
	case string(raw) == "null":
		return value{present: true, null: true}
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return value{present: true}
		}
		return value{present: true, isString: true, s: s}
	}
	return value{present: true}
}

// fieldErrors collects validation messages per field, in the order found.
type fieldErrors struct {
	fields map[string][]string
	first  string
	count  int
}

func (fe *fieldErrors) add(field, msg string) {
	if fe.fields == nil {
		fe.fields = make(map[string][]string)
		fe.first = msg
	}
	fe.fields[field] = append(fe.fields[field], msg)
	fe.count++
}

func (fe *fieldErrors) any() bool { return fe.count > 0 }

func (fe *fieldErrors) has(field string) bool { return len(fe.fields[field]) > 0 }

// message summarises the errors as Laravel does: the first one, and how many more.
func (fe *fieldErrors) message() string {
	switch more := fe.count - 1; {
	case more <= 0:
		return fe.first
	case more == 1:
		return fe.first + " (and 1 more error)"
	default:
		return fmt.Sprintf("%s (and %d more errors)", fe.first, more)
	}
}

// fieldRule is how one editable field is checked.
type fieldRule struct {
	field  gitscrum.Field
	max    int
	format func(string) string // returns a message when s is badly formed
}

// fieldRules are the editable fields in the order GitScrum checks them.
var fieldRules = [...]fieldRule{
	{field: gitscrum.FieldName, max: 255},
	{field: gitscrum.FieldEmail, max: 255, format: checkEmail},
	{field: gitscrum.FieldPhone, max: 255},
	{field: gitscrum.FieldWebsite, max: 255, format: checkWebsite},
	{field: gitscrum.FieldAddress, max: 1000},
	{field: gitscrum.FieldNotes, max: 5000},
}

// label is a field's name as Laravel writes it in messages.
func label(field string) string { return strings.ReplaceAll(field, "_", " ") }

func msgRequired(field string) string { return "The " + label(field) + " field is required." }

func msgString(field string) string { return "The " + label(field) + " field must be a string." }

func msgMax(field string, n int) string {
	return fmt.Sprintf("The %s field must not be greater than %d characters.", label(field), n)
}

func checkEmail(s string) string {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") ||
		strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return "The email field must be a valid email address."
	}
	return ""
}

func checkWebsite(s string) string {
	lower := strings.ToLower(s)
	for _, scheme := range []string{"http://", "https://"} {
		if strings.HasPrefix(lower, scheme) && len(s) > len(scheme) &&
			strings.IndexFunc(s, unicode.IsSpace) < 0 {
			return ""
		}
	}
	return "The website field must be a valid URL."
}

// write is a decoded and checked create or update body.
type write struct {
	slug   string
	values [len(fieldRules)]value
	errs   fieldErrors
}

// checkWrite reads and checks the body of a create (create true) or an update.
func checkWrite(m map[string]json.RawMessage, create bool) *write {
	wr := &write{}
	slug := valueOf(m, "company_slug")
	switch {
	case slug.present && !slug.null && !slug.isString:
		wr.errs.add("company_slug", msgString("company_slug"))
	case slug.blank():
		wr.errs.add("company_slug", msgRequired("company_slug"))
	default:
		wr.slug = slug.s
	}
	for i, rule := range fieldRules {
		name := string(rule.field)
		v := valueOf(m, name)
		wr.values[i] = v
		required := rule.field == gitscrum.FieldName && (create || v.present)
		switch {
		case v.present && !v.null && !v.isString:
			wr.errs.add(name, msgString(name))
			continue
		case v.blank():
			if required {
				wr.errs.add(name, msgRequired(name))
			}
			continue
		}
		if rule.format != nil {
			if msg := rule.format(v.s); msg != "" {
				wr.errs.add(name, msg)
			}
		}
		if utf8.RuneCountInString(v.s) > rule.max {
			wr.errs.add(name, msgMax(name, rule.max))
		}
	}
	return wr
}

// apply sets on c every field present in the body; a blank value clears the field.
func (wr *write) apply(c *gitscrum.ClientCompany) {
	for i, rule := range fieldRules {
		v := wr.values[i]
		if !v.present {
			continue
		}
		s := v.s
		if v.blank() {
			s = ""
		}
		switch rule.field {
		case gitscrum.FieldName:
			c.Name = s
		case gitscrum.FieldEmail:
			c.Email = s
		case gitscrum.FieldPhone:
			c.Phone = s
		case gitscrum.FieldWebsite:
			c.Website = s
		case gitscrum.FieldAddress:
			c.Address = s
		case gitscrum.FieldNotes:
			c.Notes = s
		}
	}
}
