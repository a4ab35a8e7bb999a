package gitscrum_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// TestSlugWithSlashRefused: a workspace slug holding a '/' is refused as invalid by
// every call that takes one, before anything is sent, so no slug can reach into
// another path or workspace.
func TestSlugWithSlashRefused(t *testing.T) {
	srv, c, _ := newEnv(t)
	acme := seed(t, srv, "Acme Corp")
	// Workspaces named like the traversals, in case one went out.
	for _, ws := range []string{"acme/other", "../acme", "acme/..", "/acme", "acme/"} {
		srv.AddWorkspace(ws)
	}
	ctx := context.Background()
	phone := "+1-555-0101"
	calls := map[string]func(slug string) error{
		"Clients": func(slug string) error { _, err := c.Clients(ctx, slug); return err },
		"ClientsMaxAge": func(slug string) error {
			_, err := c.ClientsMaxAge(ctx, slug, time.Minute)
			return err
		},
		"ListClients":   func(slug string) error { _, err := c.ListClients(ctx, slug); return err },
		"GetClient":     func(slug string) error { _, err := c.GetClient(ctx, slug, acme.UUID); return err },
		"ResolveClient": func(slug string) error { _, err := c.ResolveClient(ctx, slug, "Acme Corp"); return err },
		"ResolveClientExact": func(slug string) error {
			_, err := c.ResolveClientExact(ctx, slug, acme.UUID)
			return err
		},
		"FreshRecord": func(slug string) error { _, err := c.FreshRecord(ctx, slug, acme); return err },
		"CreateClient": func(slug string) error {
			_, err := c.CreateClient(ctx, gitscrum.CreateClientRequest{CompanySlug: slug, Name: "Globex"})
			return err
		},
		"CreateClientIfNew": func(slug string) error {
			_, err := c.CreateClientIfNew(ctx, gitscrum.CreateClientRequest{CompanySlug: slug, Name: "Globex"}, false)
			return err
		},
		"UpdateClient": func(slug string) error {
			_, err := c.UpdateClient(ctx, acme.UUID, gitscrum.UpdateClientRequest{CompanySlug: slug, Phone: &phone})
			return err
		},
		"UpdateClientByRef": func(slug string) error {
			_, err := c.UpdateClientByRef(ctx, acme.UUID, gitscrum.UpdateClientRequest{CompanySlug: slug, Phone: &phone})
			return err
		},
	}
	for name, call := range calls {
		for _, slug := range []string{"acme/other", "../acme", "acme/..", "/acme", "acme/", "a/b/c"} {
			srv.ResetRequests()
			err := call(slug)
			require.ErrorIs(t, err, gitscrum.ErrValidation, "%s(%q)", name, slug)
			assert.Empty(t, requestLines(srv), "%s(%q) sent nothing", name, slug)
		}
	}
	assert.Equal(t, []gitscrum.ClientCompany{acme}, srv.Clients(workspace), "nothing changed")
}
