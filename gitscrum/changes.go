package gitscrum

// Change is one field of an update, before → after.
type Change struct {
	Field  Field  `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Changes lists the editable fields whose value differs between before and after, in
// [EditableFields] order; nil when nothing differs.
func Changes(before, after ClientCompany) []Change {
	var out []Change
	for _, f := range EditableFields {
		if b, a := before.Get(f), after.Get(f); b != a {
			out = append(out, Change{Field: f, Before: b, After: a})
		}
	}
	return out
}
