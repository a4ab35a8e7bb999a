package upstream_test

import (
	"bytes"
	"context"
	"flag"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/upstream"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestFlagsWinOverEnv checks the env sets defaults and flags override them.
func TestFlagsWinOverEnv(t *testing.T) {
	cfg, err := upstream.FromEnv(env(map[string]string{
		"GITSCRUM_API_URL": "https://env.example", "GITSCRUM_COMPANY_SLUG": "from-env",
		"GITSCRUM_TOKEN": " tok-from-env ", "GITSCRUM_TIMEOUT": "3s",
	}))
	require.NoError(t, err)
	assert.Equal(t, "tok-from-env", cfg.Token)
	assert.Equal(t, 3*time.Second, cfg.Timeout)
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	cfg.RegisterFlags(fs)
	require.NoError(t, fs.Parse([]string{"--company-slug", "from-flag"}))
	assert.Equal(t, "from-flag", cfg.CompanySlug)
	assert.Equal(t, "https://env.example", cfg.APIURL)
	assert.Nil(t, fs.Lookup("token"), "no token flag: it would show in process listings")
}

// TestDefaults checks an empty environment gives the documented defaults.
func TestDefaults(t *testing.T) {
	cfg, err := upstream.FromEnv(env(nil))
	require.NoError(t, err)
	assert.Equal(t, gitscrum.DefaultBaseURL, cfg.APIURL)
	assert.Empty(t, cfg.CompanySlug)
	_, err = upstream.FromEnv(env(map[string]string{"GITSCRUM_TIMEOUT": "soon"}))
	assert.ErrorContains(t, err, "GITSCRUM_TIMEOUT")
}

// TestSandbox checks --sandbox serves the demo data over loopback HTTP, without a
// token, and says so in the log.
func TestSandbox(t *testing.T) {
	var logs bytes.Buffer
	u, err := upstream.Config{Sandbox: true, APIURL: gitscrum.DefaultBaseURL, Timeout: 5 * time.Second}.
		Open(slog.New(slog.NewTextHandler(&logs, nil)))
	require.NoError(t, err)
	defer u.Close()
	assert.Equal(t, emulator.DemoWorkspace, u.CompanySlug)
	assert.Contains(t, u.Client.BaseURL(), "http://127.0.0.1:")
	got, err := u.Client.GetClient(context.Background(), u.CompanySlug, emulator.DemoAcmeUUID)
	require.NoError(t, err)
	assert.Equal(t, "Acme Corp", got.Name)
	assert.Contains(t, logs.String(), "sandbox mode")
}

// TestBadURL checks a malformed API URL is refused with a clear error.
func TestBadURL(t *testing.T) {
	_, err := upstream.Config{APIURL: "services.gitscrum.com"}.Open(nil)
	assert.ErrorContains(t, err, "not an absolute http(s) URL")
}

// TestCacheTTL checks GITSCRUM_CACHE_TTL and --cache-ttl set the list cache of the
// client both binaries build: cached by default, 0 lists on every call.
func TestCacheTTL(t *testing.T) {
	cfg, err := upstream.FromEnv(env(nil))
	require.NoError(t, err)
	assert.Equal(t, gitscrum.DefaultCacheTTL, cfg.CacheTTL)
	cfg, err = upstream.FromEnv(env(map[string]string{"GITSCRUM_CACHE_TTL": "2m"}))
	require.NoError(t, err)
	assert.Equal(t, 2*time.Minute, cfg.CacheTTL)
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	cfg.RegisterFlags(fs)
	require.NoError(t, fs.Parse([]string{"--cache-ttl", "0"}))
	assert.Zero(t, cfg.CacheTTL)
	for _, bad := range []string{"soon", "-1s"} {
		_, err = upstream.FromEnv(env(map[string]string{"GITSCRUM_CACHE_TTL": bad}))
		assert.ErrorContains(t, err, "GITSCRUM_CACHE_TTL", bad)
	}

	for _, tt := range []struct {
		env   string
		lists int
	}{{"", 1}, {"0", 3}} {
		cfg, err := upstream.FromEnv(env(map[string]string{"GITSCRUM_CACHE_TTL": tt.env}))
		require.NoError(t, err)
		cfg.Sandbox = true
		u, err := cfg.Open(nil)
		require.NoError(t, err)
		for range 3 {
			_, err := u.Client.Clients(context.Background(), u.CompanySlug)
			require.NoError(t, err)
		}
		assert.Len(t, u.Sandbox.Requests(), tt.lists, "GITSCRUM_CACHE_TTL=%q", tt.env)
		u.Close()
	}
}
