package gitscrum_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/gitscrumtest"
)

const workspace = "acme"

// fastRetry keeps retry tests quick while keeping the default's shape.
var fastRetry = gitscrum.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: 3 * time.Second}

// newEnv starts an emulator with one empty workspace over real HTTP and a client for it.
func newEnv(t testing.TB, opts ...gitscrum.Option) (*emulator.Server, *gitscrum.Client, string) {
	t.Helper()
	srv := emulator.New()
	srv.AddWorkspace(workspace)
	ts := gitscrumtest.Serve(t, srv)
	base := []gitscrum.Option{
		gitscrum.WithBaseURL(ts.URL),
		gitscrum.WithToken(emulator.DefaultToken),
		gitscrum.WithHTTPClient(ts.Client()),
		gitscrum.WithRetryPolicy(fastRetry),
	}
	c, err := gitscrum.New(append(base, opts...)...)
	require.NoError(t, err)
	return srv, c, ts.URL
}

// seed adds a realistic client and returns it as stored.
func seed(t testing.TB, srv *emulator.Server, name string) gitscrum.ClientCompany {
	t.Helper()
	out := srv.AddClients(workspace, gitscrum.ClientCompany{
		Name:          name,
		Email:         "billing@example.com",
		Phone:         "+1-555-0100",
		Website:       "https://example.com",
		Address:       "123 Main St",
		Notes:         "Enterprise client since 2024",
		ProjectsCount: 5,
		InvoicesTotal: 125000,
	})
	require.Len(t, out, 1)
	return out[0]
}
