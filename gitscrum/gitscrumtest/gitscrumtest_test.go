package gitscrumtest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/gitscrumtest"
)

// TestNewClient: the client reaches the emulator over real HTTP with the default
// token, and a later option replaces an earlier one.
func TestNewClient(t *testing.T) {
	srv := emulator.New(emulator.WithDemoData())
	c := gitscrumtest.NewClient(t, srv)
	got, err := c.GetClient(context.Background(), emulator.DemoWorkspace, emulator.DemoAcmeUUID)
	require.NoError(t, err)
	assert.Equal(t, "Acme Corp", got.Name)
	reqs := srv.Requests()
	require.NotEmpty(t, reqs)
	assert.Equal(t, http.MethodGet, reqs[len(reqs)-1].Method)

	other := gitscrumtest.NewClient(t, srv, gitscrum.WithToken("not-the-emulator's"))
	_, err = other.GetClient(context.Background(), emulator.DemoWorkspace, emulator.DemoAcmeUUID)
	require.ErrorIs(t, err, gitscrum.ErrUnauthorized, "the token given replaces the default one")
}

// TestServeClosesAtCleanup: the server stops with the test that started it.
func TestServeClosesAtCleanup(t *testing.T) {
	var url string
	t.Run("inner", func(t *testing.T) {
		url = gitscrumtest.Serve(t, emulator.New()).URL
		resp, err := http.Get(url + "/contact-companies/clients?company_slug=x")
		require.NoError(t, err)
		_ = resp.Body.Close()
	})
	_, err := http.Get(url + "/contact-companies/clients?company_slug=x")
	assert.Error(t, err, "the server is closed once its test ended")
}
