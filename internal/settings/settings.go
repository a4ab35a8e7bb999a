// Package settings reads the settings both binaries share beyond the GitScrum
// connection (internal/upstream), from the environment and then from flags (a
// flag wins over the env), with one meaning everywhere: the log level, the
// read-only switch, and the bounds of an HTTP listener (requests in flight, open
// connections).
package settings

import (
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

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
	var err error
	if v := getenv(EnvLogLevel); strings.TrimSpace(v) != "" {
		if s.LogLevel, err = ParseLevel(v); err != nil {
			return s, fmt.Errorf("%s=%q: %w", EnvLogLevel, v, err)
		}
	}
	if s.ReadOnly, err = ParseBool(getenv(EnvReadOnly)); err != nil {
		return s, fmt.Errorf("%s=%q: %w", EnvReadOnly, getenv(EnvReadOnly), err)
	}
	for _, b := range []struct {
		name string
		dst  *int
	}{{EnvMaxInFlight, &s.MaxInFlight}, {EnvMaxConns, &s.MaxConns}} {
		if v := getenv(b.name); strings.TrimSpace(v) != "" {
			if *b.dst, err = parseBound(v); err != nil {
				return s, fmt.Errorf("%s=%q: %w", b.name, v, err)
			}
		}
	}
	if s.Queue, err = queueFromEnv(getenv); err != nil {
		return s, err
	}
	return s, nil
}

// RegisterFlags adds --log-level, --read-only, --max-in-flight and --max-conns to
// fs, with the current values as defaults, so flags parsed later win over the env.
// readOnly says what read-only means in this binary, for the flag's help.
func (s *Settings) RegisterFlags(fs *flag.FlagSet, readOnly string) {
	fs.Var((*levelValue)(&s.LogLevel), "log-level", "log `level`: debug, info (the default), warn or error; logs go to stderr (env "+EnvLogLevel+")")
	fs.Var((*boolValue)(&s.ReadOnly), "read-only", readOnly+" (env "+EnvReadOnly+"=1)")
	fs.Var((*boundValue)(&s.MaxInFlight), "max-in-flight",
		"HTTP: serve at most `n` requests at once; more wait in a queue (--max-queue, --queue-wait) (env "+EnvMaxInFlight+")")
	fs.Var((*boundValue)(&s.MaxConns), "max-conns",
		"HTTP: keep at most `n` connections open at once; idle ones are closed to make room, else more wait to be accepted (env "+EnvMaxConns+")")
	s.Queue.registerFlags(fs)
}

// ParseBool reads a yes/no setting: "1", "true", "yes", "on" are yes and "0",
// "false", "no", "off" and "" are no, in any case and with spaces around;
// anything else is an error.
func ParseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	}
	return false, fmt.Errorf("want 1 or 0 (or true/false, yes/no, on/off)")
}

// ParseLevel reads a log level: debug, info, warn or error, in any case.
func ParseLevel(v string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return slog.LevelInfo, fmt.Errorf("want debug, info, warn or error")
}

// maxBound keeps a bound within what a process can hold open.
const maxBound = 1 << 20

// parseBound reads a listener bound: a whole number from 1 to 1048576.
func parseBound(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > maxBound {
		return 0, fmt.Errorf("want a whole number from 1 to %d", maxBound)
	}
	return n, nil
}

// levelValue is a slog.Level as a flag.
type levelValue slog.Level

func (l *levelValue) String() string { return strings.ToLower(slog.Level(*l).String()) }

func (l *levelValue) Set(v string) error {
	lvl, err := ParseLevel(v)
	if err != nil {
		return err
	}
	*l = levelValue(lvl)
	return nil
}

// boolValue is a bool flag that reads values as [ParseBool] does.
type boolValue bool

func (b *boolValue) String() string { return strconv.FormatBool(bool(*b)) }

func (b *boolValue) Set(v string) error {
	x, err := ParseBool(v)
	if err != nil {
		return err
	}
	*b = boolValue(x)
	return nil
}

// IsBoolFlag lets --read-only stand alone, meaning --read-only=1.
func (b *boolValue) IsBoolFlag() bool { return true }

// boundValue is a listener bound as a flag.
type boundValue int

func (b *boundValue) String() string { return strconv.Itoa(int(*b)) }

func (b *boundValue) Set(v string) error {
	n, err := parseBound(v)
	if err != nil {
		return err
	}
	*b = boundValue(n)
	return nil
}
