package outcome_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
)

// TestVocabulary checks the words are distinct, valid label values, and known.
func TestVocabulary(t *testing.T) {
	seen := map[string]bool{}
	for _, w := range outcome.All() {
		assert.Regexp(t, regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`), w)
		assert.False(t, seen[w], "%q twice", w)
		seen[w] = true
		assert.True(t, outcome.Valid(w))
	}
	assert.Len(t, seen, 13)
	for _, w := range []string{"", "OK", "internal_error", "usage", "timeout", "bad_arguments"} {
		assert.False(t, outcome.Valid(w), w)
	}
}
