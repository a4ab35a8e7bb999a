package gitscrum_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// TestBadInputNeverLeaves checks each kind of bad input gives a validation error
// naming the field, and that no request reaches the emulator.
func TestBadInputNeverLeaves(t *testing.T) {
	ctx := context.Background()
	create := func(r gitscrum.CreateClientRequest) func(c *gitscrum.Client) error {
		return func(c *gitscrum.Client) error {
			if r.CompanySlug == "-" {
				r.CompanySlug = ""
			} else {
				r.CompanySlug = workspace
			}
			_, err := c.CreateClient(ctx, r)
			return err
		}
	}
	update := func(uuid string, r gitscrum.UpdateClientRequest) func(c *gitscrum.Client) error {
		return func(c *gitscrum.Client) error {
			r.CompanySlug = workspace
			_, err := c.UpdateClient(ctx, uuid, r)
			return err
		}
	}
	get := func(slug, uuid string) func(c *gitscrum.Client) error {
		return func(c *gitscrum.Client) error { _, err := c.GetClient(ctx, slug, uuid); return err }
	}
	tests := []struct {
		name  string
		run   func(c *gitscrum.Client) error
		field string
	}{
		{"empty name", create(gitscrum.CreateClientRequest{Name: ""}), "name"},
		{"blank name", create(gitscrum.CreateClientRequest{Name: "   "}), "name"},
		{"malformed email", create(gitscrum.CreateClientRequest{Name: "A", Email: "not-an-email"}), "email"},
		{"email with display name", create(gitscrum.CreateClientRequest{Name: "A", Email: "Bob <bob@example.com>"}), "email"},
		{"email with space", create(gitscrum.CreateClientRequest{Name: "A", Email: "bob @example.com"}), "email"},
		{"website ftp", create(gitscrum.CreateClientRequest{Name: "A", Website: "ftp://example.com"}), "website"},
		{"website bare host", create(gitscrum.CreateClientRequest{Name: "A", Website: "example.com"}), "website"},
		{"website javascript", create(gitscrum.CreateClientRequest{Name: "A", Website: "javascript:alert(1)"}), "website"},
		{"create without workspace", create(gitscrum.CreateClientRequest{CompanySlug: "-", Name: "A"}), "company_slug"},
		{"list without workspace", func(c *gitscrum.Client) error { _, err := c.ListClients(ctx, ""); return err }, "company_slug"},
		{"get without workspace", get("", "abc"), "company_slug"},
		{"get empty uuid", get(workspace, ""), "uuid"},
		{"get uuid with slash", get(workspace, "../clients"), "uuid"},
		{"get uuid with query", get(workspace, "abc?x=1"), "uuid"},
		{"get uuid with fragment", get(workspace, "abc#x"), "uuid"},
		{"update empty uuid", update("", gitscrum.UpdateClientRequest{Notes: gitscrum.String("x")}), "uuid"},
		{"update uuid with slash", update("a/b", gitscrum.UpdateClientRequest{Notes: gitscrum.String("x")}), "uuid"},
		{"update no fields", update("abc", gitscrum.UpdateClientRequest{}), "fields"},
		{"update clears name", update("abc", gitscrum.UpdateClientRequest{Name: gitscrum.String("")}), "name"},
		{"update bad email", update("abc", gitscrum.UpdateClientRequest{Email: gitscrum.String("x@")}), "email"},
		{"update bad website", update("abc", gitscrum.UpdateClientRequest{Website: gitscrum.String("www.acme.co")}), "website"},
		{"create if new, bad email", func(c *gitscrum.Client) error {
			_, err := c.CreateClientIfNew(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "A", Email: "@"}, false)
			return err
		}, "email"},
		{"resolve empty ref", func(c *gitscrum.Client) error { _, err := c.ResolveClient(ctx, workspace, " "); return err }, "client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _ := newEnv(t)
			e := assertClass(t, tt.run(c), gitscrum.ErrValidation)
			assert.Contains(t, e.Fields, tt.field)
			assert.Contains(t, e.Error(), tt.field)
			assert.Zero(t, e.StatusCode)
			assert.Empty(t, srv.Requests(), "no request may leave the process")
		})
	}
}

// TestValidInputPasses checks values that are fine are not refused, and are trimmed.
func TestValidInputPasses(t *testing.T) {
	srv, c, _ := newEnv(t)
	got, err := c.CreateClient(context.Background(), gitscrum.CreateClientRequest{
		CompanySlug: workspace, Name: "  Globex Corporation ", Email: "contact+billing@globex.co.uk",
		Website: "http://globex.com/path?q=1", Phone: "+1 (555) 0200",
	})
	require.NoError(t, err)
	assert.Equal(t, "Globex Corporation", got.Name)
	assert.Len(t, srv.Clients(workspace), 1)
}
