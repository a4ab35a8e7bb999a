package main

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/upstream"
)

// settingValues are values tried on every setting: each is accepted by some
// setting and refused by another.
var settingValues = []string{"0", "-1s", "1ms", "15s", "24h", "25h", "soon", "1", "64", "-1", "1048577", "yes", "Off", "maybe", "debug", "WARN"}

// TestFlagsAndEnvAgree: every setting that has both a flag and an environment
// variable accepts and refuses the same values through either, with the same result.
func TestFlagsAndEnvAgree(t *testing.T) {
	for _, s := range []struct {
		flag, env string
		get       func(upstream.Config, options) any
	}{
		{"timeout", "GITSCRUM_TIMEOUT", func(c upstream.Config, _ options) any { return c.Timeout }},
		{"cache-ttl", "GITSCRUM_CACHE_TTL", func(c upstream.Config, _ options) any { return c.CacheTTL }},
		{"read-only", "GITSCRUM_READ_ONLY", func(_ upstream.Config, o options) any { return o.ReadOnly }},
		{"log-level", "GITSCRUM_LOG_LEVEL", func(_ upstream.Config, o options) any { return o.LogLevel }},
		{"max-in-flight", "GITSCRUM_MAX_IN_FLIGHT", func(_ upstream.Config, o options) any { return o.MaxInFlight }},
		{"max-conns", "GITSCRUM_MAX_CONNS", func(_ upstream.Config, o options) any { return o.MaxConns }},
		{"new-tokens-per-addr", "GITSCRUM_NEW_TOKENS_PER_ADDR", func(_ upstream.Config, o options) any { return o.newTokens.PerAddr }},
		{"new-tokens-total", "GITSCRUM_NEW_TOKENS_TOTAL", func(_ upstream.Config, o options) any { return o.newTokens.Total }},
		{"db-max-conns", "GITSCRUM_DB_MAX_CONNS", func(_ upstream.Config, o options) any { return o.state.MaxConns }},
		{"db-max-idle-conns", "GITSCRUM_DB_MAX_IDLE_CONNS", func(_ upstream.Config, o options) any { return o.state.MaxIdleConns }},
		{"audit-retention", "GITSCRUM_AUDIT_RETENTION", func(_ upstream.Config, o options) any { return o.state.AuditRetention }},
	} {
		accepted := 0
		for _, v := range settingValues {
			cfgE, oE, errE := parse(nil, func(k string) string { return map[string]string{s.env: v}[k] }, io.Discard)
			cfgF, oF, errF := parse([]string{"--" + s.flag + "=" + v}, func(string) string { return "" }, io.Discard)
			require.Equal(t, errE == nil, errF == nil, "%s=%q gives %v but --%s=%q gives %v", s.env, v, errE, s.flag, v, errF)
			if errE == nil {
				accepted++
				assert.Equal(t, s.get(cfgE, oE), s.get(cfgF, oF), "%s=%q and --%s=%q", s.env, v, s.flag, v)
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
		get  func(upstream.Config, options) any
		want any
	}{
		{args: []string{"--timeout=0"}, err: `invalid value "0" for flag -timeout: want a duration above 0 and at most 24h`},
		{args: []string{"--timeout=-1s"}, err: `invalid value "-1s" for flag -timeout`},
		{args: []string{"--timeout=25h"}, err: `invalid value "25h" for flag -timeout`},
		{args: []string{"--timeout=2s"}, get: func(c upstream.Config, _ options) any { return c.Timeout }, want: 2 * time.Second},
		{args: []string{"--cache-ttl=-1s"}, err: `invalid value "-1s" for flag -cache-ttl: want a duration from 0 to 24h`},
		{args: []string{"--cache-ttl=0"}, get: func(c upstream.Config, _ options) any { return c.CacheTTL }, want: time.Duration(0)},
		{args: []string{"--shutdown-timeout=-1s"}, err: `invalid value "-1s" for flag -shutdown-timeout: want a duration from 0`},
		{args: []string{"--shutdown-timeout=0"}, get: func(_ upstream.Config, o options) any { return o.grace }, want: time.Duration(0)},
		{args: nil, get: func(_ upstream.Config, o options) any { return o.grace }, want: 10 * time.Second},
		{args: []string{"--sandbox=yes"}, get: func(c upstream.Config, _ options) any { return c.Sandbox }, want: true},
		{args: []string{"--sandbox=maybe"}, err: `invalid boolean value "maybe" for -sandbox: want 1 or 0`},
		{args: []string{"--no-metrics=on"}, get: func(_ upstream.Config, o options) any { return o.noMetrics }, want: true},
		{args: []string{"--no-metrics=t"}, err: `invalid boolean value "t" for -no-metrics`},
		{args: []string{"--version=yes"}, get: func(_ upstream.Config, o options) any { return o.version }, want: true},
		{args: []string{"--version=perhaps"}, err: `invalid boolean value "perhaps" for -version`},
	} {
		t.Run(fmt.Sprint(tc.args), func(t *testing.T) {
			cfg, o, err := parse(tc.args, func(string) string { return "" }, io.Discard)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, tc.get(cfg, o))
		})
	}
}
