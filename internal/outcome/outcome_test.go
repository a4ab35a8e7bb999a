package outcome_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome/outcometest"
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
	assert.Len(t, seen, 14)
	for _, w := range []string{"", "OK", "internal", "usage", "timeout", "bad_arguments"} {
		assert.False(t, outcome.Valid(w), w)
	}
}

// TestOf names every error class by its word, wrapped or not.
func TestOf(t *testing.T) {
	assert.Equal(t, outcome.OK, outcome.Of(nil))
	for _, tc := range outcometest.Cases(t) {
		assert.Equal(t, tc.Want, outcome.Of(tc.Err), "%s: %v", tc.Name, tc.Err)
	}
}

// TestOfPrefersTheClassToTheContext: a gitscrum class decides, even when the error
// also wraps a context error; a canceled call is canceled.
func TestOfPrefersTheClassToTheContext(t *testing.T) {
	for _, tc := range []struct {
		class error
		want  string
	}{
		{gitscrum.ErrUnavailable, outcome.Unavailable},
		{gitscrum.ErrCanceled, outcome.Canceled},
	} {
		for _, ctxErr := range []error{context.Canceled, context.DeadlineExceeded} {
			err := fmt.Errorf("%w: %w", tc.class, ctxErr)
			assert.Equal(t, tc.want, outcome.Of(err), "%v", err)
		}
	}
}
