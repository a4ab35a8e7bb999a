package gitscrum_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// TestPartialUpdateLosesNothing updates notes only and checks, in the emulator's own
// state, that every other field is unchanged.
func TestPartialUpdateLosesNothing(t *testing.T) {
	srv, c, _ := newEnv(t)
	before := seed(t, srv, "Acme Corp")

	got, err := c.UpdateClient(context.Background(), before.UUID, gitscrum.UpdateClientRequest{
		CompanySlug: workspace,
		Notes:       gitscrum.String("Renewed contract for 2026"),
	})
	require.NoError(t, err)
	assert.Equal(t, "Renewed contract for 2026", got.Notes)

	stored, ok := srv.Client(workspace, before.UUID)
	require.True(t, ok)
	want := before
	want.Notes = "Renewed contract for 2026"
	assert.Equal(t, want.UUID, stored.UUID)
	assert.Equal(t, want.Name, stored.Name)
	assert.Equal(t, want.Email, stored.Email)
	assert.Equal(t, want.Phone, stored.Phone)
	assert.Equal(t, want.Website, stored.Website)
	assert.Equal(t, want.Address, stored.Address)
	assert.Equal(t, want.Notes, stored.Notes)
	assert.Equal(t, want.ProjectsCount, stored.ProjectsCount)
	assert.Equal(t, want.InvoicesTotal, stored.InvoicesTotal)
	assert.True(t, want.CreatedAt.Equal(stored.CreatedAt.Time))

	var body map[string]any
	require.NoError(t, json.Unmarshal(srv.Requests()[0].Body, &body))
	assert.Equal(t, map[string]any{"company_slug": workspace, "notes": "Renewed contract for 2026"}, body)
}

// TestUpdateClearsWithNull checks a field named with "" is sent as null and cleared,
// and fields not named are not sent.
func TestUpdateClearsWithNull(t *testing.T) {
	srv, c, _ := newEnv(t)
	before := seed(t, srv, "Acme Corp")
	var req gitscrum.UpdateClientRequest
	req.CompanySlug = workspace
	req.Set(gitscrum.FieldPhone, "")
	req.Set(gitscrum.FieldWebsite, "https://acme.example")

	got, err := c.UpdateClient(context.Background(), before.UUID, req)
	require.NoError(t, err)
	assert.Empty(t, got.Phone)
	assert.Equal(t, "https://acme.example", got.Website)
	assert.Equal(t, before.Email, got.Email)

	raw := srv.Requests()[0].Body
	var body map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &body))
	assert.Len(t, body, 3)
	assert.JSONEq(t, `null`, string(body["phone"]))
	assert.JSONEq(t, `"https://acme.example"`, string(body["website"]))
	assert.NotContains(t, body, "email")
	assert.NotContains(t, body, "name")
}

// TestUpdateClientByRef resolves a name (whole, but in any case and without
// accents), updates one field and reports the change.
func TestUpdateClientByRef(t *testing.T) {
	srv, c, _ := newEnv(t)
	before := seed(t, srv, "Zürich Versicherungen AG")
	seed(t, srv, "Acme Corp")

	res, err := c.UpdateClientByRef(context.Background(), "zurich versicherungen ag", gitscrum.UpdateClientRequest{CompanySlug: workspace, Email: gitscrum.String("finance@zurich.example")})
	require.NoError(t, err)
	assert.Equal(t, before.UUID, res.After.UUID)
	assert.Equal(t, []gitscrum.Change{{Field: gitscrum.FieldEmail, Before: "billing@example.com", After: "finance@zurich.example"}}, res.Changes)
}
