// Package settings reads the settings both binaries share beyond the GitScrum
// connection (internal/upstream), from the environment and then from flags (a
// flag wins over the env), with one meaning everywhere: the log level, the
// read-only switch, and the bounds of an HTTP listener (requests in flight, open
// connections). Its parsers and flag helpers are the one place every binary reads
// a switch, a duration or a bound, from the environment and from flags alike, so
// both accept and refuse the same values.
package settings

import (
	"flag"
	"log/slog"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
)

// Environment variables read by [FromEnv].
const (
	EnvLogLevel    = "GITSCRUM_LOG_LEVEL"
	EnvReadOnly    = "GITSCRUM_READ_ONLY"
	EnvMaxInFlight = "GITSCRUM_MAX_IN_FLIGHT"
	EnvMaxConns    = "GITSCRUM_MAX_CONNS"
)

// Settings are the shared settings.
type Settings struct {
	// LogLevel is the lowest level logged (default info).
	LogLevel slog.Level
	// ReadOnly refuses creates and updates.
	ReadOnly bool
	// MaxInFlight bounds the requests an HTTP listener serves at once
	// (default [httpserver.DefaultMaxInFlight]).
	MaxInFlight int
	// MaxConns bounds the connections an HTTP listener keeps open at once
	// (default [httpserver.DefaultMaxConns]).
	MaxConns int
	// Queue bounds the requests waiting for one of MaxInFlight's slots.
	Queue
}

// FromEnv returns the settings the environment gives, with defaults.
func FromEnv(getenv func(string) string) (Settings, error) {
	s := Settings{LogLevel: slog.LevelInfo, MaxInFlight: httpserver.DefaultMaxInFlight, MaxConns: httpserver.DefaultMaxConns}
	for _, err := range []error{
		FromEnvVar(getenv, EnvLogLevel, &s.LogLevel, ParseLevel),
		FromEnvVar(getenv, EnvReadOnly, &s.ReadOnly, ParseBool),
		FromEnvVar(getenv, EnvMaxInFlight, &s.MaxInFlight, ParseBound),
		FromEnvVar(getenv, EnvMaxConns, &s.MaxConns, ParseBound),
	} {
		if err != nil {
			return s, err
		}
	}
	q, err := queueFromEnv(getenv)
	if err != nil {
		return s, err
	}
	s.Queue = q
	return s, nil
}

// RegisterFlags adds --log-level, --read-only, --max-in-flight and --max-conns to
// fs, with the current values as defaults, so flags parsed later win over the env.
// readOnly says what read-only means in this binary, for the flag's help.
func (s *Settings) RegisterFlags(fs *flag.FlagSet, readOnly string) {
	fs.Var((*levelValue)(&s.LogLevel), "log-level", "log `level`: debug, info (the default), warn or error; logs go to stderr (env "+EnvLogLevel+")")
	BoolVar(fs, &s.ReadOnly, "read-only", readOnly+" (env "+EnvReadOnly+"=1)")
	BoundVar(fs, &s.MaxInFlight, "max-in-flight",
		"HTTP: serve at most `n` requests at once; more wait in a queue (--max-queue, --queue-wait) (env "+EnvMaxInFlight+")")
	BoundVar(fs, &s.MaxConns, "max-conns",
		"HTTP: keep at most `n` connections open at once; idle ones are closed to make room, else more wait to be accepted (env "+EnvMaxConns+")")
	s.Queue.registerFlags(fs)
}
