package settings_test

import (
	"bytes"
	"flag"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/settings"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// parse reads env then args the way both binaries do.
func parse(t *testing.T, vars map[string]string, args ...string) (settings.Settings, error) {
	t.Helper()
	s, err := settings.FromEnv(env(vars))
	if err != nil {
		return s, err
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(&bytes.Buffer{})
	s.RegisterFlags(fs, "refuse writes")
	return s, fs.Parse(args)
}

// TestSettings: defaults, every accepted spelling, flags over env, and the errors.
func TestSettings(t *testing.T) {
	defaults := settings.Settings{LogLevel: slog.LevelInfo, MaxInFlight: httpserver.DefaultMaxInFlight, MaxConns: httpserver.DefaultMaxConns, Queue: settings.Queue{MaxQueue: httpserver.DefaultMaxQueue, QueueWait: httpserver.DefaultQueueWait}}
	with := func(f func(*settings.Settings)) settings.Settings {
		s := defaults
		f(&s)
		return s
	}
	readOnly := with(func(s *settings.Settings) { s.ReadOnly = true })
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want settings.Settings
		err  string
	}{
		{name: "defaults", want: defaults},
		{name: "read-only 1", env: map[string]string{"GITSCRUM_READ_ONLY": "1"}, want: readOnly},
		{name: "read-only true", env: map[string]string{"GITSCRUM_READ_ONLY": "true"}, want: readOnly},
		{name: "read-only TRUE", env: map[string]string{"GITSCRUM_READ_ONLY": "TRUE"}, want: readOnly},
		{name: "read-only yes", env: map[string]string{"GITSCRUM_READ_ONLY": "yes"}, want: readOnly},
		{name: "read-only on with spaces", env: map[string]string{"GITSCRUM_READ_ONLY": " On "}, want: readOnly},
		{name: "read-only 0", env: map[string]string{"GITSCRUM_READ_ONLY": "0"}, want: defaults},
		{name: "read-only false", env: map[string]string{"GITSCRUM_READ_ONLY": "false"}, want: defaults},
		{name: "read-only no", env: map[string]string{"GITSCRUM_READ_ONLY": "no"}, want: defaults},
		{name: "read-only off", env: map[string]string{"GITSCRUM_READ_ONLY": "OFF"}, want: defaults},
		{name: "read-only empty", env: map[string]string{"GITSCRUM_READ_ONLY": ""}, want: defaults},
		{name: "read-only t is not a value", env: map[string]string{"GITSCRUM_READ_ONLY": "t"}, err: `GITSCRUM_READ_ONLY="t": want 1 or 0`},
		{name: "read-only maybe", env: map[string]string{"GITSCRUM_READ_ONLY": "maybe"}, err: `GITSCRUM_READ_ONLY="maybe": want 1 or 0 (or true/false, yes/no, on/off)`},
		{name: "read-only flag alone", args: []string{"--read-only"}, want: readOnly},
		{name: "read-only flag yes", args: []string{"--read-only=yes"}, want: readOnly},
		{name: "read-only flag wins", env: map[string]string{"GITSCRUM_READ_ONLY": "1"}, args: []string{"--read-only=off"}, want: defaults},
		{name: "read-only flag maybe", args: []string{"--read-only=maybe"}, err: `invalid boolean value "maybe" for -read-only: want 1 or 0`},

		{name: "log level debug", env: map[string]string{"GITSCRUM_LOG_LEVEL": "debug"}, want: with(func(s *settings.Settings) { s.LogLevel = slog.LevelDebug })},
		{name: "log level WARN", env: map[string]string{"GITSCRUM_LOG_LEVEL": "WARN"}, want: with(func(s *settings.Settings) { s.LogLevel = slog.LevelWarn })},
		{name: "log level flag wins", env: map[string]string{"GITSCRUM_LOG_LEVEL": "debug"}, args: []string{"--log-level", "error"},
			want: with(func(s *settings.Settings) { s.LogLevel = slog.LevelError })},
		{name: "log level loud", env: map[string]string{"GITSCRUM_LOG_LEVEL": "loud"}, err: `GITSCRUM_LOG_LEVEL="loud": want debug, info, warn or error`},
		{name: "log level flag loud", args: []string{"--log-level", "loud"}, err: `invalid value "loud" for flag -log-level: want debug, info, warn or error`},

		{name: "bounds from env", env: map[string]string{"GITSCRUM_MAX_IN_FLIGHT": "8", "GITSCRUM_MAX_CONNS": " 100 "},
			want: with(func(s *settings.Settings) { s.MaxInFlight, s.MaxConns = 8, 100 })},
		{name: "bounds flags win", env: map[string]string{"GITSCRUM_MAX_IN_FLIGHT": "8"}, args: []string{"--max-in-flight", "2", "--max-conns", "3"},
			want: with(func(s *settings.Settings) { s.MaxInFlight, s.MaxConns = 2, 3 })},
		{name: "in flight zero", env: map[string]string{"GITSCRUM_MAX_IN_FLIGHT": "0"}, err: `GITSCRUM_MAX_IN_FLIGHT="0": want a whole number from 1 to 1048576`},
		{name: "conns words", env: map[string]string{"GITSCRUM_MAX_CONNS": "many"}, err: `GITSCRUM_MAX_CONNS="many": want a whole number`},
		{name: "conns flag negative", args: []string{"--max-conns", "-1"}, err: `invalid value "-1" for flag -max-conns`},
		{name: "in flight flag huge", args: []string{"--max-in-flight", "9999999"}, err: `invalid value "9999999" for flag -max-in-flight`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parse(t, tc.env, tc.args...)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestFlagHelp: every flag names its env variable, and the bounds show defaults.
func TestFlagHelp(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	s, err := settings.FromEnv(env(nil))
	require.NoError(t, err)
	s.RegisterFlags(fs, "refuse writes")
	fs.PrintDefaults()
	help := out.String()
	for _, want := range []string{"GITSCRUM_LOG_LEVEL", "GITSCRUM_READ_ONLY=1", "GITSCRUM_MAX_IN_FLIGHT", "GITSCRUM_MAX_CONNS", "(default 64)", "(default 512)", "refuse writes"} {
		assert.Contains(t, help, want)
	}
	assert.False(t, strings.Contains(help, "-read-only value"), "--read-only is a switch")
}

// FuzzParseBool: any value is either one of the listed spellings or an error.
func FuzzParseBool(f *testing.F) {
	for _, v := range []string{"", "1", "0", "yes", "Off", " true ", "maybe", "t"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, err := settings.ParseBool(v)
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "1", "true", "yes", "on":
			require.NoError(t, err)
			assert.True(t, got)
		case "", "0", "false", "no", "off":
			require.NoError(t, err)
			assert.False(t, got)
		default:
			require.Error(t, err)
		}
	})
}
