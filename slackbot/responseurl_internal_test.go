package slackbot

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestResponseURLPolicy checks the matching is on the parsed URL: scheme, host and
// port exactly, then the path, so look-alike hosts, user-info tricks, other ports,
// plain http and dot segments are refused.
func TestResponseURLPolicy(t *testing.T) {
	pol, err := newResponseURLPolicy([]string{"https://hooks.slack.com/", "http://127.0.0.1:8080/hooks"})
	require.NoError(t, err)
	for raw, ok := range map[string]bool{
		"https://hooks.slack.com/commands/T1/2/abc":         true,
		"https://HOOKS.SLACK.COM/commands/T1/2/abc":         true,
		"https://hooks.slack.com:443/commands/T1/2/abc":     true,
		"HTTPS://hooks.slack.com/commands/T1/2/abc":         true,
		"http://127.0.0.1:8080/hooks/x":                     true,
		"http://127.0.0.1:8080/hooks":                       true,
		"http://hooks.slack.com/commands/T1/2/abc":          false, // plain http
		"https://hooks.slack.com.evil.example/commands/T1":  false,
		"https://hooks.slack.com@evil.example/commands/T1":  false,
		"https://x:y@hooks.slack.com/commands/T1":           false,
		"https://evil.example/hooks.slack.com/":             false,
		"https://evil.example/?https://hooks.slack.com/":    false,
		"https://hooks.slack.com:8443/commands/T1":          false,
		"https://hooks.slack.com./commands/T1":              false,
		"https://hooks.slack.com/../commands/T1":            false,
		"https://169.254.169.254/latest/meta-data/":         false,
		"http://127.0.0.1:8080/hooksevil/x":                 false,
		"http://127.0.0.1:8080/hooks/../admin":              false,
		"http://127.0.0.1:8081/hooks/x":                     false,
		"http://localhost:8080/hooks/x":                     false,
		"https:hooks.slack.com/commands":                    false,
		"//hooks.slack.com/commands":                        false,
		"/commands/T1":                                      false,
		"":                                                  false,
		"https://hooks.slack.com%2eevil.example/commands/T": false,
		"javascript:alert(1)":                               false,
	} {
		err := pol.check(raw)
		if ok {
			assert.NoError(t, err, raw)
			continue
		}
		if assert.Error(t, err, raw) {
			assert.NotContains(t, err.Error(), "/commands/T1", "the path is never in the error")
		}
	}
}

// FuzzResponseURLPolicy: whatever the URL, an accepted one parses to the allowed
// scheme, host and path, and a refusal never echoes the path.
func FuzzResponseURLPolicy(f *testing.F) {
	for _, s := range []string{"https://hooks.slack.com/commands/T1/2/abc", "https://hooks.slack.com@evil/", "https://hooks.slack.com.evil/x", "http://[::1]:80/x", "https://hooks.slack.com/%2e%2e/x"} {
		f.Add(s)
	}
	pol, err := newResponseURLPolicy(nil)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, raw string) {
		if err := pol.check(raw); err != nil {
			if u, perr := url.Parse(raw); perr == nil && len(u.Path) > 8 && !strings.Contains(u.Scheme+"://"+u.Host, u.Path) {
				assert.NotContains(t, err.Error(), u.Path)
			}
			return
		}
		u, err := url.Parse(raw)
		require.NoError(t, err)
		assert.Equal(t, "https", u.Scheme)
		assert.Equal(t, "hooks.slack.com", strings.ToLower(u.Hostname()))
		assert.Nil(t, u.User)
		assert.True(t, strings.HasPrefix(u.Path, "/"))
	})
}
