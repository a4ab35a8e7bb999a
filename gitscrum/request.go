package gitscrum

import (
	"encoding/json"
)

// CreateClientRequest is the body of a create. Empty optional fields are not sent.
type CreateClientRequest struct {
	CompanySlug string `json:"company_slug"`
	Name        string `json:"name"`
	Email       string `json:"email,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Website     string `json:"website,omitempty"`
	Address     string `json:"address,omitempty"`
	Notes       string `json:"notes,omitempty"`
}

// Set sets an editable field of the request by name.
func (r *CreateClientRequest) Set(f Field, value string) {
	switch f {
	case FieldName:
		r.Name = value
	case FieldEmail:
		r.Email = value
	case FieldPhone:
		r.Phone = value
	case FieldWebsite:
		r.Website = value
	case FieldAddress:
		r.Address = value
	case FieldNotes:
		r.Notes = value
	}
}

// UpdateClientRequest is a partial update. Only the fields that were named are sent:
// a nil field is left untouched on the server, a field pointing at "" is sent as null
// and so cleared. Build one with [UpdateClientRequest.Set] or with [String].
type UpdateClientRequest struct {
	CompanySlug string
	Name        *string
	Email       *string
	Phone       *string
	Website     *string
	Address     *string
	Notes       *string
}

// String returns a pointer to s, for the optional fields of [UpdateClientRequest].
func String(s string) *string { return &s }

// Set names field f with value; an empty value clears the field.
func (r *UpdateClientRequest) Set(f Field, value string) {
	if p := r.field(f); p != nil {
		*p = String(value)
	}
}

// Named reports the fields this update names, in [EditableFields] order.
func (r UpdateClientRequest) Named() []Field {
	var out []Field
	for _, f := range EditableFields {
		if p := r.field(f); p != nil && *p != nil {
			out = append(out, f)
		}
	}
	return out
}

// Value returns the value named for f and whether f is named at all.
func (r UpdateClientRequest) Value(f Field) (string, bool) {
	p := r.field(f)
	if p == nil || *p == nil {
		return "", false
	}
	return **p, true
}

func (r *UpdateClientRequest) field(f Field) **string {
	switch f {
	case FieldName:
		return &r.Name
	case FieldEmail:
		return &r.Email
	case FieldPhone:
		return &r.Phone
	case FieldWebsite:
		return &r.Website
	case FieldAddress:
		return &r.Address
	case FieldNotes:
		return &r.Notes
	}
	return nil
}

// MarshalJSON writes company_slug and the named fields only; a named empty field is
// written as null.
func (r UpdateClientRequest) MarshalJSON() ([]byte, error) {
	body := map[string]any{"company_slug": r.CompanySlug}
	for _, f := range r.Named() {
		v, _ := r.Value(f)
		if v == "" {
			body[string(f)] = nil
		} else {
			body[string(f)] = v
		}
	}
	return json.Marshal(body)
}
