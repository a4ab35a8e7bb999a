package settings_test

import (
	"bytes"
	"flag"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

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

// TestParsers: each parser's accepted and refused values, at their edges.
func TestParsers(t *testing.T) {
	type result struct {
		v   any
		err string
	}
	of := func(v any, err error) result {
		if err != nil {
			return result{err: err.Error()}
		}
		return result{v: v}
	}
	const (
		timeoutErr = "want a duration above 0 and at most 24h, like 15s"
		waitErr    = "want a duration from 0 to 24h, like 30s"
		boundErr   = "want a whole number from 1 to 1048576"
		countErr   = "want a whole number from 0 to 1048576"
	)
	for _, tc := range []struct {
		in                          string
		timeout, wait, bound, count result
	}{
		{in: "0", timeout: result{err: timeoutErr}, wait: result{v: time.Duration(0)}, bound: result{err: boundErr}, count: result{v: 0}},
		{in: " 15s ", timeout: result{v: 15 * time.Second}, wait: result{v: 15 * time.Second}, bound: result{err: boundErr}, count: result{err: countErr}},
		{in: "1ns", timeout: result{v: time.Nanosecond}, wait: result{v: time.Nanosecond}, bound: result{err: boundErr}, count: result{err: countErr}},
		{in: "-1s", timeout: result{err: timeoutErr}, wait: result{err: waitErr}, bound: result{err: boundErr}, count: result{err: countErr}},
		{in: "24h", timeout: result{v: 24 * time.Hour}, wait: result{v: 24 * time.Hour}, bound: result{err: boundErr}, count: result{err: countErr}},
		{in: "24h0m1s", timeout: result{err: timeoutErr}, wait: result{err: waitErr}, bound: result{err: boundErr}, count: result{err: countErr}},
		{in: "soon", timeout: result{err: timeoutErr}, wait: result{err: waitErr}, bound: result{err: boundErr}, count: result{err: countErr}},
		{in: "", timeout: result{err: timeoutErr}, wait: result{err: waitErr}, bound: result{err: boundErr}, count: result{err: countErr}},
		{in: "1", timeout: result{err: timeoutErr}, wait: result{err: waitErr}, bound: result{v: 1}, count: result{v: 1}},
		{in: "-1", timeout: result{err: timeoutErr}, wait: result{err: waitErr}, bound: result{err: boundErr}, count: result{err: countErr}},
		{in: "1048576", timeout: result{err: timeoutErr}, wait: result{err: waitErr}, bound: result{v: 1 << 20}, count: result{v: 1 << 20}},
		{in: "1048577", timeout: result{err: timeoutErr}, wait: result{err: waitErr}, bound: result{err: boundErr}, count: result{err: countErr}},
	} {
		assert.Equal(t, tc.timeout, of(settings.ParseTimeout(tc.in)), "ParseTimeout(%q)", tc.in)
		assert.Equal(t, tc.wait, of(settings.ParseWait(tc.in)), "ParseWait(%q)", tc.in)
		assert.Equal(t, tc.bound, of(settings.ParseBound(tc.in)), "ParseBound(%q)", tc.in)
		assert.Equal(t, tc.count, of(settings.ParseCount(tc.in)), "ParseCount(%q)", tc.in)
	}
}

// TestFlagHelpers: each helper reads its flag with the parser of the environment
// (FromEnvVar), so a value is accepted or refused alike, with the same words.
func TestFlagHelpers(t *testing.T) {
	var (
		sw      bool
		timeout = 15 * time.Second
		wait    = 30 * time.Second
		bound   = 64
		count   = 0
	)
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(&bytes.Buffer{})
	settings.BoolVar(fs, &sw, "switch", "a switch")
	settings.TimeoutVar(fs, &timeout, "timeout", "a `duration`")
	settings.WaitVar(fs, &wait, "wait", "a `duration`")
	settings.BoundVar(fs, &bound, "bound", "`n`")
	settings.CountVar(fs, &count, "count", "`n`")
	parsers := map[string]func(string) (any, error){
		"switch":  func(v string) (any, error) { return settings.ParseBool(v) },
		"timeout": func(v string) (any, error) { return settings.ParseTimeout(v) },
		"wait":    func(v string) (any, error) { return settings.ParseWait(v) },
		"bound":   func(v string) (any, error) { return settings.ParseBound(v) },
		"count":   func(v string) (any, error) { return settings.ParseCount(v) },
	}
	values := map[string]any{"switch": &sw, "timeout": &timeout, "wait": &wait, "bound": &bound, "count": &count}
	for name, parse := range parsers {
		for _, v := range []string{"0", "1", "-1", "yes", "15s", "-1s", "25h", "1048577"} {
			want, wantErr := parse(v)
			envErr := settings.FromEnvVar(env(map[string]string{"X": v}), "X", new(any), func(s string) (any, error) { return parse(s) })
			err := fs.Set(name, v)
			if wantErr != nil {
				require.Error(t, err, "--%s=%s", name, v)
				require.Error(t, envErr, "X=%s", v)
				assert.Contains(t, err.Error(), wantErr.Error())
				assert.Equal(t, `X="`+v+`": `+wantErr.Error(), envErr.Error())
				continue
			}
			require.NoError(t, err, "--%s=%s", name, v)
			require.NoError(t, envErr)
			got := reflect.ValueOf(values[name]).Elem().Interface()
			assert.Equal(t, want, got, "--%s=%s", name, v)
		}
	}
	require.NoError(t, fs.Parse([]string{"--switch"}))
	assert.True(t, sw, "a switch stands alone")

	var help bytes.Buffer
	fs.SetOutput(&help)
	fs.PrintDefaults()
	for _, want := range []string{"-timeout duration", "-wait duration", "-bound n", "-count n"} {
		assert.Contains(t, help.String(), want)
	}
	assert.NotContains(t, help.String(), "-switch value")
}

// TestFromEnvVar: blank keeps the default; a value is parsed, and a refusal names
// the variable and its value.
func TestFromEnvVar(t *testing.T) {
	d := 15 * time.Second
	require.NoError(t, settings.FromEnvVar(env(map[string]string{"T": "  "}), "T", &d, settings.ParseTimeout))
	assert.Equal(t, 15*time.Second, d)
	require.NoError(t, settings.FromEnvVar(env(map[string]string{"T": "2s"}), "T", &d, settings.ParseTimeout))
	assert.Equal(t, 2*time.Second, d)
	err := settings.FromEnvVar(env(map[string]string{"T": "0"}), "T", &d, settings.ParseTimeout)
	assert.EqualError(t, err, `T="0": want a duration above 0 and at most 24h, like 15s`)
	assert.Equal(t, 2*time.Second, d, "a refused value changes nothing")
}
