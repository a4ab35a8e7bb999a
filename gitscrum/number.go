package gitscrum

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// looseNumber decodes a JSON number that may also come as a numeric string, an empty
// string or null (both 0): GitScrum's money amounts and Laravel's pagination meta
// have been seen sent each way, by proxies and older API versions. what names the
// value in an error.
func looseNumber(b []byte, what string) (float64, error) {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return 0, nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
		if s == "" {
			return 0, nil
		}
		b = []byte(s)
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a number", what, b)
	}
	return f, nil
}

// flexInt is an integer of the pagination meta, decoded by [looseNumber].
type flexInt int

// UnmarshalJSON accepts a number, a numeric string, or null.
func (n *flexInt) UnmarshalJSON(b []byte) error {
	f, err := looseNumber(b, "pagination meta")
	*n = flexInt(f)
	return err
}
