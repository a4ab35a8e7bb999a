package emulator_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// TestGenerateClients checks the generator is deterministic and gives valid, unique
// UUIDs, names, and emails and websites the client would accept.
func TestGenerateClients(t *testing.T) {
	a, b := emulator.GenerateClients(500), emulator.GenerateClients(500)
	require.Len(t, a, 500)
	assert.Equal(t, a, b, "the same n gives the same clients")
	seen := map[string]bool{}
	for _, c := range a {
		require.True(t, gitscrum.LooksLikeUUID(c.UUID), c.UUID)
		require.False(t, seen[c.UUID], "repeated UUID %s", c.UUID)
		seen[c.UUID] = true
		req := gitscrum.CreateClientRequest{CompanySlug: "ws", Name: c.Name, Email: c.Email, Website: c.Website}
		require.NoError(t, req.Validate(), "%+v", c)
	}
	for q, why := range map[string]string{
		"glob":   "the benchmarks' prefix query matches some",
		"zurich": "accented names are generated",
	} {
		got, err := gitscrum.NewIndex(a).Search(t.Context(), q)
		require.NoError(t, err)
		assert.NotEmpty(t, got, why)
	}
}
