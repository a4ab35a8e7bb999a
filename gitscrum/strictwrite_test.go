package gitscrum_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// exactClients has names that overlap, two equal once normalised, and a name with a
// CJK character.
var exactClients = []gitscrum.ClientCompany{
	0: recClient("u-acme", "Acme Corp", "", ""),
	1: recClient("u-acmelog", "Acme Logistics", "", ""),
	2: recClient("u-globex", "Globex Corporation", "", ""),
	3: recClient("u-shop1", "Shop", "", ""),
	4: recClient("u-shop2", "SHOP!", "", ""),
	5: recClient("u-tokyo", "東京 Trading", "", ""),
	6: recClient("u-eu", "Globex Europe", "", ""),
	7: recClient("123e4567-e89b-12d3-a456-426614174000", "Initech", "", ""),
}

func TestResolveExactIn(t *testing.T) {
	found := []struct {
		name, ref, want string
	}{
		{"whole name", "Acme Corp", "u-acme"},
		{"case, spaces, punctuation", "  ACME   corp. ", "u-acme"},
		{"punctuation separates words", "globex-europe", "u-eu"},
		{"look-alike letters", "Аcme Corp", "u-acme"}, // Cyrillic А
		{"zero-width space", "Acme\u200b Corp", "u-acme"},
		{"uuid", "123E4567-E89B-12D3-A456-426614174000", "123e4567-e89b-12d3-a456-426614174000"},
		{"non-canonical id", "u-globex", "u-globex"},
		{"whole CJK name", "東京 trading", "u-tokyo"},
	}
	for _, tt := range found {
		t.Run(tt.name, func(t *testing.T) {
			got, err := gitscrum.ResolveExactIn(t.Context(), exactClients, tt.ref)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.UUID)
		})
	}

	refused := []struct {
		name, ref  string
		candidates []string // UUIDs; nil for none
		notFound   bool
	}{
		{"punctuation and one letter", "../x", []string{"u-globex", "u-eu"}, false},
		{"one CJK character", "東", []string{"u-tokyo"}, false},
		{"prefix of one name", "globex corp", []string{"u-globex"}, false},
		{"prefix of several", "acme", []string{"u-acme", "u-acmelog"}, false},
		{"several equal names", "shop", []string{"u-shop1", "u-shop2"}, false},
		{"nothing close", "Umbrella", nil, true},
		{"only punctuation", "...", nil, true},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gitscrum.ResolveExactIn(t.Context(), exactClients, tt.ref)
			var re *gitscrum.ResolveError
			require.ErrorAs(t, err, &re)
			assert.True(t, re.Exact)
			assert.Equal(t, tt.ref, re.Ref)
			var uuids []string
			for _, c := range re.Candidates {
				uuids = append(uuids, c.UUID)
			}
			assert.Equal(t, tt.candidates, uuids)
			if tt.notFound {
				assert.ErrorIs(t, err, gitscrum.ErrNotFound)
			} else {
				assert.ErrorIs(t, err, gitscrum.ErrAmbiguous)
				assert.Contains(t, err.Error(), gitscrum.HowToBeExact)
				assert.Contains(t, err.Error(), "nothing was changed")
			}
		})
	}
}

// TestUpdateClientByRefIsStrict checks an update by a loose reference changes
// nothing upstream: no PUT is sent and the stored clients are as they were.
func TestUpdateClientByRefIsStrict(t *testing.T) {
	srv := emulator.New(emulator.WithDemoData())
	srv.AddClients(emulator.DemoWorkspace, gitscrum.ClientCompany{Name: "東京 Trading"})
	c, err := gitscrum.New(gitscrum.WithBaseURL(newServer(t, srv)), gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithRetryPolicy(fastRetry))
	require.NoError(t, err)
	ws := emulator.DemoWorkspace
	before := srv.Clients(ws)
	phone := gitscrum.UpdateClientRequest{CompanySlug: ws, Phone: gitscrum.String("+1-555-9999")}

	for _, ref := range []string{"../x", "東", "globex", "acme", "zurich"} {
		t.Run(ref, func(t *testing.T) {
			srv.ResetRequests()
			_, err := c.UpdateClientByRef(context.Background(), ref, phone)
			var re *gitscrum.ResolveError
			require.ErrorAs(t, err, &re)
			assert.True(t, re.Exact)
			assert.NotEmpty(t, re.Candidates)
			assert.Contains(t, err.Error(), gitscrum.HowToBeExact)
			for _, r := range srv.Requests() {
				assert.Equal(t, http.MethodGet, r.Method, "only reads: %s %s", r.Method, r.Path)
			}
			assert.Equal(t, before, srv.Clients(ws), "nothing changed")
		})
	}

	t.Run("the whole name, loosely typed, updates that client", func(t *testing.T) {
		res, err := c.UpdateClientByRef(context.Background(), "globex-corporation", phone)
		require.NoError(t, err)
		assert.Equal(t, "Globex Corporation", res.After.Name)
		assert.Equal(t, "+1-555-9999", res.After.Phone)
	})
}
