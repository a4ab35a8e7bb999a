package gitscrum_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

func TestChanges(t *testing.T) {
	base := gitscrum.ClientCompany{
		UUID: "u1", Name: "Acme", Email: "a@acme.co", Phone: "+1 555", Website: "https://acme.co",
		Address: "1 Road", Notes: "vip", ProjectsCount: 3, InvoicesTotal: 10,
		CreatedAt: gitscrum.Timestamp{Time: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
	}
	with := func(edit func(*gitscrum.ClientCompany)) gitscrum.ClientCompany {
		c := base
		edit(&c)
		return c
	}
	tests := []struct {
		name  string
		after gitscrum.ClientCompany
		want  []gitscrum.Change
	}{
		{"nothing", base, nil},
		{"one field", with(func(c *gitscrum.ClientCompany) { c.Phone = "+1 556" }),
			[]gitscrum.Change{{Field: gitscrum.FieldPhone, Before: "+1 555", After: "+1 556"}}},
		{"cleared field", with(func(c *gitscrum.ClientCompany) { c.Notes = "" }),
			[]gitscrum.Change{{Field: gitscrum.FieldNotes, Before: "vip", After: ""}}},
		{"case counts", with(func(c *gitscrum.ClientCompany) { c.Name = "ACME" }),
			[]gitscrum.Change{{Field: gitscrum.FieldName, Before: "Acme", After: "ACME"}}},
		{"all fields in EditableFields order", with(func(c *gitscrum.ClientCompany) {
			c.Notes, c.Address, c.Website, c.Phone, c.Email, c.Name = "n", "ad", "w", "p", "e", "na"
		}), []gitscrum.Change{
			{Field: gitscrum.FieldName, Before: "Acme", After: "na"},
			{Field: gitscrum.FieldEmail, Before: "a@acme.co", After: "e"},
			{Field: gitscrum.FieldPhone, Before: "+1 555", After: "p"},
			{Field: gitscrum.FieldWebsite, Before: "https://acme.co", After: "w"},
			{Field: gitscrum.FieldAddress, Before: "1 Road", After: "ad"},
			{Field: gitscrum.FieldNotes, Before: "vip", After: "n"},
		}},
		{"read-only fields ignored", with(func(c *gitscrum.ClientCompany) {
			c.UUID, c.ProjectsCount, c.InvoicesTotal, c.CreatedAt = "u2", 9, 99, gitscrum.Timestamp{}
		}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, gitscrum.Changes(base, tt.after))
		})
	}
}

func TestChangeJSON(t *testing.T) {
	b, err := json.Marshal(gitscrum.Change{Field: gitscrum.FieldEmail, Before: "", After: "x@y.z"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"field":"email","before":"","after":"x@y.z"}`, string(b))
}
