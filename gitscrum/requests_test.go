package gitscrum_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// TestRequestShapes checks method, path, query, body and headers of every operation
// against the emulator's request log.
func TestRequestShapes(t *testing.T) {
	ctx := context.Background()
	srv, c, _ := newEnv(t, gitscrum.WithUserAgent("gitscrum-bridge/test"))
	existing := seed(t, srv, "Acme Corp")

	tests := []struct {
		name       string
		run        func() error
		method     string
		path       string
		query      map[string]string
		body       map[string]any
		hasPayload bool
	}{
		{
			name:   "list",
			run:    func() error { _, err := c.ListClients(ctx, workspace); return err },
			method: http.MethodGet, path: "/contact-companies/clients",
			query: map[string]string{"company_slug": workspace},
		},
		{
			name:   "get",
			run:    func() error { _, err := c.GetClient(ctx, workspace, existing.UUID); return err },
			method: http.MethodGet, path: "/contact-companies/" + existing.UUID,
			query: map[string]string{"company_slug": workspace},
		},
		{
			name: "create",
			run: func() error {
				_, err := c.CreateClient(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Globex Corporation", Email: "contact@globex.com", Website: "https://globex.com"})
				return err
			},
			method: http.MethodPost, path: "/contact-companies",
			body:       map[string]any{"company_slug": workspace, "name": "Globex Corporation", "email": "contact@globex.com", "website": "https://globex.com"},
			hasPayload: true,
		},
		{
			name: "update",
			run: func() error {
				_, err := c.UpdateClient(ctx, existing.UUID, gitscrum.UpdateClientRequest{CompanySlug: workspace, Notes: gitscrum.String("Renewed contract for 2026")})
				return err
			},
			method: http.MethodPut, path: "/contact-companies/" + existing.UUID,
			body:       map[string]any{"company_slug": workspace, "notes": "Renewed contract for 2026"},
			hasPayload: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetRequests()
			require.NoError(t, tt.run())
			reqs := srv.Requests()
			require.Len(t, reqs, 1)
			r := reqs[0]
			assert.Equal(t, tt.method, r.Method)
			assert.Equal(t, tt.path, r.Path)
			q := map[string]string{}
			for k := range r.Query {
				q[k] = r.Query.Get(k)
			}
			if tt.query == nil {
				tt.query = map[string]string{}
			}
			assert.Equal(t, tt.query, q)
			assert.Equal(t, "Bearer "+emulator.DefaultToken, r.Header.Get("Authorization"))
			assert.Equal(t, "application/json", r.Header.Get("Accept"))
			assert.Equal(t, "gitscrum-bridge/test", r.Header.Get("User-Agent"))
			if tt.hasPayload {
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
				var got map[string]any
				require.NoError(t, json.Unmarshal(r.Body, &got))
				assert.Equal(t, tt.body, got)
			} else {
				assert.Empty(t, r.Header.Get("Content-Type"))
				assert.Empty(t, r.Body)
			}
		})
	}
}

// TestDefaultUserAgent checks the default User-Agent names the project, and that
// WithUserAgent("") keeps it.
func TestDefaultUserAgent(t *testing.T) {
	for _, opts := range [][]gitscrum.Option{nil, {gitscrum.WithUserAgent("")}} {
		srv, c, _ := newEnv(t, opts...)
		_, err := c.ListClients(context.Background(), workspace)
		require.NoError(t, err)
		assert.Equal(t, "gitscrum-bridge", srv.Requests()[0].Header.Get("User-Agent"))
	}
}

// TestRecordDecoding checks all ten fields survive the round trip, with created_at in
// both of GitScrum's formats.
func TestRecordDecoding(t *testing.T) {
	for _, object := range []bool{false, true} {
		t.Run(map[bool]string{false: "iso-string", true: "object"}[object], func(t *testing.T) {
			srv, c, _ := newEnv(t)
			srv.SetCreatedAtObject(object)
			want := seed(t, srv, "Acme Corp")
			got, err := c.GetClient(context.Background(), workspace, want.UUID)
			require.NoError(t, err)
			assert.Equal(t, want.UUID, got.UUID)
			assert.Equal(t, "Acme Corp", got.Name)
			assert.Equal(t, want.Email, got.Email)
			assert.Equal(t, want.Phone, got.Phone)
			assert.Equal(t, want.Website, got.Website)
			assert.Equal(t, want.Address, got.Address)
			assert.Equal(t, want.Notes, got.Notes)
			assert.Equal(t, 5, got.ProjectsCount)
			assert.InDelta(t, 125000, float64(got.InvoicesTotal), 0)
			assert.True(t, want.CreatedAt.Equal(got.CreatedAt.Time), "created_at %v != %v", got.CreatedAt, want.CreatedAt)
		})
	}
}
