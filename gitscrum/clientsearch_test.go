package gitscrum_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// TestSearchClients checks the one entry point the adapters list and search
// through: a bad slug or query is refused before any request, naming every input
// at fault; a good one searches the workspace's whole list.
func TestSearchClients(t *testing.T) {
	srv := emulator.New(emulator.WithDemoData())
	c, err := gitscrum.New(gitscrum.WithBaseURL(newServer(t, srv)), gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithRetryPolicy(fastRetry))
	require.NoError(t, err)
	ws := emulator.DemoWorkspace

	for _, tc := range []struct {
		name, slug, query string
		fields            []string
	}{
		{"query with a control character", ws, "acme\x00", []string{"query"}},
		{"query with a bidirectional override", ws, "acme\u202e", []string{"query"}},
		{"query over its cap", ws, strings.Repeat("a", gitscrum.MaxQueryLength+1), []string{"query"}},
		{"slug with a slash", "demo/x", "acme", []string{"company_slug"}},
		{"no slug", " ", "", []string{"company_slug"}},
		{"both", "demo x", "acme\x1b", []string{"company_slug", "query"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.ResetRequests()
			matches, snap, err := c.SearchClients(context.Background(), tc.slug, tc.query)
			require.ErrorIs(t, err, gitscrum.ErrValidation)
			assert.Zero(t, matches.Len())
			assert.Nil(t, snap)
			var gse *gitscrum.Error
			require.ErrorAs(t, err, &gse)
			for _, f := range tc.fields {
				assert.NotEmpty(t, gse.Fields[f], "field %s named", f)
			}
			assert.Len(t, gse.Fields, len(tc.fields))
			assert.Empty(t, srv.Requests(), "refused before any request")
		})
	}

	t.Run("searches the whole list", func(t *testing.T) {
		matches, snap, err := c.SearchClients(context.Background(), ws, "zurich")
		require.NoError(t, err)
		require.NotNil(t, snap)
		require.Equal(t, 1, matches.Len())
		assert.Contains(t, matches.At(0).Name, "Zürich")
		all, _, err := c.SearchClients(context.Background(), ws, "  ")
		require.NoError(t, err)
		assert.Equal(t, snap.Len(), all.Len(), "a blank query matches every client")
		for i := range all.Len() {
			assert.Same(t, &snap.Clients()[i], all.At(i), "a blank query's view is the list itself, in its order")
		}
	})
}
