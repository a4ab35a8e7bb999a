package gitscrum

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// ClientCompany is one client (customer company) of a GitScrum workspace, with the ten
// documented fields. Text fields that GitScrum sends as null decode to "".
type ClientCompany struct {
	UUID          string    `json:"uuid"`
	Name          string    `json:"name"`
	Email         string    `json:"email"`
	Phone         string    `json:"phone"`
	Website       string    `json:"website"`
	Address       string    `json:"address"`
	Notes         string    `json:"notes"`
	ProjectsCount int       `json:"projects_count"`
	InvoicesTotal Money     `json:"invoices_total"`
	CreatedAt     Timestamp `json:"created_at"`
}

// Field names one of the six editable fields of a client.
type Field string

// The editable fields, named as in the GitScrum API.
const (
	FieldName    Field = "name"
	FieldEmail   Field = "email"
	FieldPhone   Field = "phone"
	FieldWebsite Field = "website"
	FieldAddress Field = "address"
	FieldNotes   Field = "notes"
)

// EditableFields lists the fields a create or update may set, in display order.
var EditableFields = []Field{FieldName, FieldEmail, FieldPhone, FieldWebsite, FieldAddress, FieldNotes}

// ParseField returns the Field named s, or false when s names no editable field.
func ParseField(s string) (Field, bool) {
	for _, f := range EditableFields {
		if string(f) == s {
			return f, true
		}
	}
	return "", false
}

// Get returns the value of an editable field of c.
func (c ClientCompany) Get(f Field) string {
	switch f {
	case FieldName:
		return c.Name
	case FieldEmail:
		return c.Email
	case FieldPhone:
		return c.Phone
	case FieldWebsite:
		return c.Website
	case FieldAddress:
		return c.Address
	case FieldNotes:
		return c.Notes
	}
	return ""
}

// Money is an amount of money as GitScrum sends it: a JSON number. A numeric string
// or null is accepted too, since proxies and older API versions have sent both.
type Money float64

// UnmarshalJSON accepts a number, a numeric string, or null (see [looseNumber]).
func (m *Money) UnmarshalJSON(b []byte) error {
	f, err := looseNumber(b, "money")
	*m = Money(f)
	return err
}

// Timestamp is a point in time that GitScrum sends either as an ISO-8601 string or as
// an object {"date_for_humans", "iso8601", "timestamp"}. It encodes as an RFC 3339
// string, or null when zero.
type Timestamp struct {
	time.Time
}

// UnmarshalJSON accepts an ISO-8601 string, the object form, a Unix timestamp number,
// or null.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	switch b[0] {
	case '"':
		// Fast path: a plain string without escapes, the common case.
		if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 {
			return t.parseString(string(b[1 : len(b)-1]))
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("timestamp: %w", err)
		}
		return t.parseString(s)
	case '{':
		var obj struct {
			ISO8601   *string          `json:"iso8601"`
			Timestamp *json.RawMessage `json:"timestamp"`
		}
		if err := json.Unmarshal(b, &obj); err != nil {
			return fmt.Errorf("timestamp: %w", err)
		}
		if obj.ISO8601 != nil && *obj.ISO8601 != "" {
			return t.parseString(*obj.ISO8601)
		}
		if obj.Timestamp != nil {
			return t.UnmarshalJSON(*obj.Timestamp)
		}
		t.Time = time.Time{}
		return nil
	default:
		sec, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			return fmt.Errorf("timestamp: %q is neither a string, an object nor a number", b)
		}
		t.Time = time.Unix(int64(sec), 0).UTC()
		return nil
	}
}

// timestampLayouts are the ISO-8601 forms seen from GitScrum and Laravel, most
// common first.
var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

func (t *Timestamp) parseString(s string) error {
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	for _, layout := range timestampLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v
			return nil
		}
	}
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
		t.Time = time.Unix(sec, 0).UTC()
		return nil
	}
	return fmt.Errorf("timestamp: %q is not an ISO-8601 time", s)
}

// MarshalJSON encodes the time as an RFC 3339 string, or null when it is zero.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(time.RFC3339))
}
