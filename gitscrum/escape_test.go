package gitscrum_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// TestGetClientByUnusualID checks a client whose id is not ASCII, or holds a '%', is
// found by GetClient and UpdateClient: the emulator, like GitScrum, decodes the path
// once and must see the id itself.
func TestGetClientByUnusualID(t *testing.T) {
	for _, id := range []string{"ü", "client-ü-123", "100%", "%C3%BC", "a+b;c", "東京"} {
		t.Run(id, func(t *testing.T) {
			srv, c, _ := newEnv(t)
			srv.AddClients(workspace, gitscrum.ClientCompany{UUID: id, Name: "Umlaut GmbH"})
			got, err := c.GetClient(context.Background(), workspace, id)
			require.NoError(t, err)
			assert.Equal(t, id, got.UUID)
			updated, err := c.UpdateClient(context.Background(), id, gitscrum.UpdateClientRequest{CompanySlug: workspace, Phone: gitscrum.String("+49 30 1234")})
			require.NoError(t, err)
			assert.Equal(t, "+49 30 1234", updated.Phone)
			for _, r := range srv.Requests() {
				assert.Equal(t, "/contact-companies/"+id, r.Path)
			}
		})
	}
}
