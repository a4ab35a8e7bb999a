package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// settingValues are values tried on every setting: each is accepted by some
// setting and refused by another.
var settingValues = []string{"0", "-1s", "1ms", "15s", "24h", "25h", "soon", "1", "64", "-1", "1048577", "yes", "Off", "maybe", "debug", "WARN"}

// servingEnv is the least environment parseConfig accepts in HTTP mode, plus extra.
func servingEnv(extra map[string]string) func(string) string {
	m := map[string]string{"GITSCRUM_TOKEN": "tok", "SLACK_SIGNING_SECRET": testSecret}
	for k, v := range extra {
		m[k] = v
	}
	return env(m)
}

// TestFlagsAndEnvAgree: every setting that has both a flag and an environment
// variable accepts and refuses the same values through either, with the same result.
func TestFlagsAndEnvAgree(t *testing.T) {
	for _, s := range []struct {
		flag, env string
		get       func(config) any
	}{
		{"timeout", "GITSCRUM_TIMEOUT", func(c config) any { return c.upstream.Timeout }},
		{"cache-ttl", "GITSCRUM_CACHE_TTL", func(c config) any { return c.upstream.CacheTTL }},
		{"read-only", "GITSCRUM_READ_ONLY", func(c config) any { return c.ReadOnly }},
		{"log-level", "GITSCRUM_LOG_LEVEL", func(c config) any { return c.LogLevel }},
		{"max-in-flight", "GITSCRUM_MAX_IN_FLIGHT", func(c config) any { return c.MaxInFlight }},
		{"max-conns", "GITSCRUM_MAX_CONNS", func(c config) any { return c.MaxConns }},
		{"db-max-conns", "GITSCRUM_DB_MAX_CONNS", func(c config) any { return c.state.MaxConns }},
		{"db-max-idle-conns", "GITSCRUM_DB_MAX_IDLE_CONNS", func(c config) any { return c.state.MaxIdleConns }},
		{"audit-retention", "GITSCRUM_AUDIT_RETENTION", func(c config) any { return c.state.AuditRetention }},
	} {
		accepted := 0
		for _, v := range settingValues {
			cE, errE := parseConfig(nil, servingEnv(map[string]string{s.env: v}), io.Discard)
			cF, errF := parseConfig([]string{"--" + s.flag + "=" + v}, servingEnv(nil), io.Discard)
			require.Equal(t, errE == nil, errF == nil, "%s=%q gives %v but --%s=%q gives %v", s.env, v, errE, s.flag, v, errF)
			if errE == nil {
				accepted++
				assert.Equal(t, s.get(cE), s.get(cF), "%s=%q and --%s=%q", s.env, v, s.flag, v)
			}
		}
		assert.Positive(t, accepted, "--%s accepts some value", s.flag)
		assert.Less(t, accepted, len(settingValues), "--%s refuses some value", s.flag)
	}
}

// TestFlagValues: the values each flag accepts and refuses, the flags without an
// environment variable included; a refusal says what is wanted.
func TestFlagValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
		get  func(config) any
		want any
	}{
		{args: []string{"--timeout=0"}, err: `invalid value "0" for flag -timeout: want a duration above 0 and at most 24h`},
		{args: []string{"--timeout=-1s"}, err: `invalid value "-1s" for flag -timeout`},
		{args: []string{"--cache-ttl=-1s"}, err: `invalid value "-1s" for flag -cache-ttl: want a duration from 0 to 24h`},
		{args: []string{"--drain-timeout=-1s"}, err: `invalid value "-1s" for flag -drain-timeout: want a duration from 0`},
		{args: []string{"--drain-timeout=25h"}, err: `invalid value "25h" for flag -drain-timeout`},
		{args: []string{"--drain-timeout=0"}, get: func(c config) any { return c.drainTimeout }, want: time.Duration(0)},
		{args: nil, get: func(c config) any { return c.drainTimeout }, want: 25 * time.Second},
		{args: []string{"--sandbox=yes"}, get: func(c config) any { return c.upstream.Sandbox }, want: true},
		{args: []string{"--sandbox=maybe"}, err: `invalid boolean value "maybe" for -sandbox: want 1 or 0`},
		{args: []string{"--no-metrics=on"}, get: func(c config) any { return c.noMetrics }, want: true},
		{args: []string{"--no-metrics=t"}, err: `invalid boolean value "t" for -no-metrics`},
		{args: []string{"--socket-mode=no"}, get: func(c config) any { return c.socketMode }, want: false},
		{args: []string{"--socket-mode=F"}, err: `invalid boolean value "F" for -socket-mode`},
		{args: []string{"--version=yes"}, get: func(c config) any { return c.version }, want: true},
		{args: []string{"--version=perhaps"}, err: `invalid boolean value "perhaps" for -version`},
	} {
		t.Run(fmt.Sprint(tc.args), func(t *testing.T) {
			c, err := parseConfig(tc.args, servingEnv(nil), io.Discard)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, tc.get(c))
		})
	}
}

// TestPortInUse: an address already taken is one error line and exit 1, with
// nothing logged before it as if the bot had started.
func TestPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	var logs bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := run(ctx, []string{"--sandbox", "--addr", busy.Addr().String()}, servingEnv(nil), io.Discard, &logs)
	assert.Equal(t, 1, code)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 1, "one line:\n%s", logs.String())
	assert.Contains(t, lines[0], `level=ERROR msg="gitscrum-slack cannot start"`)
	assert.Contains(t, lines[0], "address already in use")
}

// TestHelp: the help names everything the listener serves, and the manifest
// subcommand; stray arguments to manifest are bad usage, as everywhere else.
func TestHelp(t *testing.T) {
	var help bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"--help"}, env(nil), io.Discard, &help))
	for _, want := range []string{"slash command", "events", "interactivity", "manifest",
		"/slack/commands, /slack/events, /slack/interactivity, /healthz, /metrics"} {
		assert.Contains(t, help.String(), want)
	}

	for _, args := range [][]string{{"manifest", "extra"}, {"manifest", "--url", "https://bot.example.com", "extra"}} {
		var out, errOut bytes.Buffer
		assert.Equal(t, 2, run(context.Background(), args, env(nil), &out, &errOut), "%v", args)
		assert.Contains(t, errOut.String(), `unexpected argument "extra"`)
		assert.Empty(t, out.String(), "no manifest is printed")
	}
}
