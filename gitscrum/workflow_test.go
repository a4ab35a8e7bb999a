package gitscrum_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/gitscrumtest"
)

// TestResolveClient covers the ways a reference resolves, against the demo data.
func TestResolveClient(t *testing.T) {
	srv := gitscrumtest.New(gitscrumtest.WithDemoData())
	c, err := gitscrum.New(gitscrum.WithBaseURL(newServer(t, srv)), gitscrum.WithToken(gitscrumtest.DefaultToken), gitscrum.WithRetryPolicy(fastRetry))
	require.NoError(t, err)
	ctx := context.Background()
	ws := gitscrumtest.DemoWorkspace

	t.Run("uuid is fetched directly", func(t *testing.T) {
		srv.ResetRequests()
		got, err := c.ResolveClient(ctx, ws, gitscrumtest.DemoAcmeUUID)
		require.NoError(t, err)
		assert.Equal(t, "Acme Corp", got.Name)
		reqs := srv.Requests()
		require.Len(t, reqs, 1)
		assert.Equal(t, "/contact-companies/"+gitscrumtest.DemoAcmeUUID, reqs[0].Path)
	})
	t.Run("unique name, accent-insensitive", func(t *testing.T) {
		got, err := c.ResolveClient(ctx, ws, "zurich")
		require.NoError(t, err)
		assert.Contains(t, got.Name, "Zürich")
	})
	t.Run("exact name beats prefix", func(t *testing.T) {
		got, err := c.ResolveClient(ctx, ws, "acme corp")
		require.NoError(t, err)
		assert.Equal(t, gitscrumtest.DemoAcmeUUID, got.UUID)
	})
	t.Run("ambiguous lists candidates", func(t *testing.T) {
		_, err := c.ResolveClient(ctx, ws, "acme")
		require.ErrorIs(t, err, gitscrum.ErrAmbiguous)
		var re *gitscrum.ResolveError
		require.ErrorAs(t, err, &re)
		assert.GreaterOrEqual(t, len(re.Candidates), 2)
		assert.Contains(t, err.Error(), gitscrumtest.DemoAcmeUUID)
	})
	t.Run("unknown suggests", func(t *testing.T) {
		_, err := c.ResolveClient(ctx, ws, "globx")
		require.ErrorIs(t, err, gitscrum.ErrNotFound)
		var re *gitscrum.ResolveError
		require.ErrorAs(t, err, &re)
		assert.Contains(t, re.Suggestions, "Globex Corporation")
	})
	t.Run("unknown uuid", func(t *testing.T) {
		_, err := c.ResolveClient(ctx, ws, "00000000-0000-4000-8000-000000000000")
		require.ErrorIs(t, err, gitscrum.ErrNotFound)
	})
	t.Run("unknown workspace is not a missing client", func(t *testing.T) {
		_, err := c.ResolveClient(ctx, "nowhere", gitscrumtest.DemoAcmeUUID)
		var e *gitscrum.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "WORKSPACE_NOT_FOUND", e.Code)
	})
}

// TestCreateClientIfNew checks the duplicate guard: a second identical create is
// refused with the existing record, and the emulator saw exactly one POST.
func TestCreateClientIfNew(t *testing.T) {
	srv, c, _ := newEnv(t)
	ctx := context.Background()
	req := gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Globex Corporation", Email: "contact@globex.com"}
	first, err := c.CreateClientIfNew(ctx, req, false)
	require.NoError(t, err)

	for _, again := range []gitscrum.CreateClientRequest{
		req,
		{CompanySlug: workspace, Name: "GLOBEX  corporation."},
		{CompanySlug: workspace, Name: "Other name", Email: "Contact@Globex.com"},
	} {
		_, err = c.CreateClientIfNew(ctx, again, false)
		require.ErrorIs(t, err, gitscrum.ErrDuplicate)
		var de *gitscrum.DuplicateError
		require.True(t, errors.As(err, &de))
		require.Len(t, de.Existing, 1)
		assert.Equal(t, first.UUID, de.Existing[0].UUID)
	}
	posts := 0
	for _, r := range srv.Requests() {
		if r.Method == "POST" {
			posts++
		}
	}
	assert.Equal(t, 1, posts)
	assert.Len(t, srv.Clients(workspace), 1)

	_, err = c.CreateClientIfNew(ctx, req, true)
	require.NoError(t, err)
	assert.Len(t, srv.Clients(workspace), 2, "allowDuplicate creates anyway")
}
