package main

import (
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// testKey is a well-formed GITSCRUM_BRIDGE_KEY: 32 bytes in base64.
const testKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// TestLinkingSettings: a public URL turns linking on only with a key, which must be
// 32 bytes of base64, and the error says how to make one without showing the key;
// the fallback and the admins are checked at start; the sandbox keeps today's
// fallback unless told otherwise.
func TestLinkingSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string // "" when accepted
	}{
		{name: "linking off", env: nil},
		{name: "public URL without key", env: map[string]string{"GITSCRUM_PUBLIC_URL": "https://bridge.example"}, wantErr: "openssl rand -base64 32"},
		{name: "public URL flag without key", args: []string{"--public-url", "https://bridge.example"}, wantErr: "GITSCRUM_BRIDGE_KEY"},
		{name: "public URL with key", env: map[string]string{"GITSCRUM_PUBLIC_URL": "https://bridge.example", "GITSCRUM_BRIDGE_KEY": testKey}},
		{name: "short key", env: map[string]string{"GITSCRUM_PUBLIC_URL": "https://bridge.example", "GITSCRUM_BRIDGE_KEY": "c2hvcnQ="}, wantErr: "GITSCRUM_BRIDGE_KEY"},
		{name: "bad old key", env: map[string]string{"GITSCRUM_BRIDGE_KEY": testKey, "GITSCRUM_BRIDGE_OLD_KEYS": "not-base64!"}, wantErr: "GITSCRUM_BRIDGE_OLD_KEYS"},
		{name: "sandbox needs no key", args: []string{"--sandbox", "--public-url", "http://127.0.0.1:8080"}},
		{name: "fallback none", args: []string{"--fallback", "none"}},
		{name: "fallback unknown", env: map[string]string{"GITSCRUM_SLACK_FALLBACK": "some"}, wantErr: "is not a fallback"},
		{name: "admin users", env: map[string]string{"SLACK_ADMIN_USERS": "U012ABCDEF"}},
		{name: "admin not a user id", args: []string{"--admin-users", "alice"}, wantErr: "SLACK_ADMIN_USERS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig(tc.args, servingEnv(tc.env), io.Discard)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
			assert.NotContains(t, err.Error(), testKey)
		})
	}
}

// TestFallbackFor: the sandbox's default is all; a given fallback wins; elsewhere
// the zero Fallback leaves the default to slackbot.
func TestFallbackFor(t *testing.T) {
	f, err := linkingConfig{}.fallbackFor(true)
	require.NoError(t, err)
	assert.Equal(t, slackbot.FallbackAll, f)
	f, err = linkingConfig{fallback: "Read "}.fallbackFor(true)
	require.NoError(t, err)
	assert.Equal(t, slackbot.FallbackRead, f)
	f, err = linkingConfig{}.fallbackFor(false)
	require.NoError(t, err)
	assert.Empty(t, f)
}

// TestSandboxPublicURL: the sandbox's pages are reached on loopback, also when it
// listens on every address.
func TestSandboxPublicURL(t *testing.T) {
	for addr, want := range map[string]string{"127.0.0.1:8080": "http://127.0.0.1:8080", "[::]:9000": "http://127.0.0.1:9000", "0.0.0.0:81": "http://127.0.0.1:81", "[::1]:82": "http://[::1]:82"} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		require.NoError(t, err)
		assert.Equal(t, want, sandboxPublicURL(a), addr)
	}
}
