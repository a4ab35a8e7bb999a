package gitscrum

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// flexInt decodes an integer sent as a number or a numeric string, as Laravel's
// pagination meta has been seen to do.
type flexInt int

func (n *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*n = 0
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(s)
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*n = flexInt(f)
	return nil
}
