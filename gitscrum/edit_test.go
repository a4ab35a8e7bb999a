package gitscrum_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// TestEditClient: one call fetches, refuses a stale edit, sends only what
// differs once validated, and reports before → after.
func TestEditClient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		stale    bool
		set      map[gitscrum.Field]string
		conflict bool
		invalid  bool
		sent     map[string]any // the PUT's body; nil for none
		changes  []gitscrum.Field
	}{
		{name: "changed fields only are sent", set: map[gitscrum.Field]string{gitscrum.FieldName: "Acme Corp", gitscrum.FieldPhone: " +1-555-0199 ", gitscrum.FieldNotes: ""},
			sent: map[string]any{"company_slug": workspace, "phone": "+1-555-0199", "notes": nil}, changes: []gitscrum.Field{gitscrum.FieldPhone, gitscrum.FieldNotes}},
		{name: "nothing changed sends nothing", set: map[gitscrum.Field]string{gitscrum.FieldName: " Acme Corp", gitscrum.FieldEmail: "billing@example.com"}},
		{name: "a stale edit is a conflict", stale: true, set: map[gitscrum.Field]string{gitscrum.FieldPhone: "1"}, conflict: true},
		{name: "an invalid value is refused before sending", set: map[gitscrum.Field]string{gitscrum.FieldEmail: "nope"}, invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c, _ := newEnv(t)
			before := seed(t, srv, "Acme Corp")
			expected := gitscrum.Fingerprint(before)
			if tt.stale {
				expected = gitscrum.Fingerprint(gitscrum.ClientCompany{Name: "as the form showed it"})
			}
			req := gitscrum.UpdateClientRequest{CompanySlug: workspace}
			for f, v := range tt.set {
				req.Set(f, v)
			}
			res, err := c.EditClient(context.Background(), workspace, before.UUID, expected, req)
			var puts []map[string]any
			for _, r := range srv.Requests() {
				if r.Method == http.MethodPut {
					var body map[string]any
					require.NoError(t, json.Unmarshal(r.Body, &body))
					puts = append(puts, body)
				}
			}
			require.NotNil(t, res, "the fetched client comes back in every case")
			assert.Equal(t, before.UUID, res.Before.UUID)
			var conflict *gitscrum.ConflictError
			switch {
			case tt.conflict:
				require.ErrorAs(t, err, &conflict)
				assert.Equal(t, before.Phone, conflict.Current.Phone)
				assert.Empty(t, puts, "a stale edit sends nothing")
			case tt.invalid:
				require.ErrorIs(t, err, gitscrum.ErrValidation)
				assert.Empty(t, puts, "an invalid edit sends nothing")
			default:
				require.NoError(t, err)
				if tt.sent == nil {
					assert.Empty(t, puts)
				} else {
					require.Len(t, puts, 1)
					assert.Equal(t, tt.sent, puts[0])
				}
				var changed []gitscrum.Field
				for _, ch := range res.Changes {
					changed = append(changed, ch.Field)
				}
				assert.Equal(t, tt.changes, changed)
			}
		})
	}
}
