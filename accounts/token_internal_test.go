package accounts

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCleanToken(t *testing.T) {
	cases := []struct {
		paste, want string
		refused     bool
	}{
		{"gs_abc123", "gs_abc123", false},
		{" gs_abc\n123 \t", "gs_abc123", false},
		{"\ufeffgs_\u200babc\u00ad123\u2060", "gs_abc123", false},
		{"bearer gs_abc123", "gs_abc123", false},
		{"BEARER  gs_abc123", "gs_abc123", false},
		{"Bearer", "Bearer", false}, // a token may be just that word
		{"", "", true},
		{"\u200b \n", "", true},
		{"gs_ab\x01c", "", true},
		{"gs_ab\x7fc", "", true},
		{"gs_äbc", "", true},
		{strings.Repeat("a", MaxTokenLen), strings.Repeat("a", MaxTokenLen), false},
		{strings.Repeat("a", MaxTokenLen+1), "", true},
		{strings.Repeat("a ", MaxTokenLen), strings.Repeat("a", MaxTokenLen), false},
	}
	for _, tc := range cases {
		got, err := cleanToken(tc.paste)
		if tc.refused {
			var fe *FormError
			require.ErrorAs(t, err, &fe, "%q", tc.paste)
			assert.Equal(t, "token", fe.Field)
			continue
		}
		require.NoError(t, err, "%q", tc.paste)
		assert.Equal(t, tc.want, got, "%q", tc.paste)
	}
}

// TestHugeTokenRefusedBeforeScanning: a megabyte pasted costs one allocation
// (the error), not a copy of it.
func TestHugeTokenRefusedBeforeScanning(t *testing.T) {
	megabyte := strings.Repeat(" gs_", 1<<18)
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := cleanToken(megabyte); err == nil {
			t.Fatal("a megabyte token was accepted")
		}
	})
	assert.LessOrEqual(t, allocs, 1.0)
}
