package settings

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

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

// MaxDuration is the longest duration any setting accepts: longer is a typo, and
// doubling it (a tool call is bounded by twice the GitScrum timeout) stays far
// from overflowing.
const MaxDuration = 24 * time.Hour

// ParseTimeout reads a bound that must leave some time: a Go duration (15s, 1m30s)
// above 0 and at most [MaxDuration].
func ParseTimeout(v string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d <= 0 || d > MaxDuration {
		return 0, fmt.Errorf("want a duration above 0 and at most %s, like 15s", formatDuration(MaxDuration))
	}
	return d, nil
}

// ParseWait reads a duration that may be 0 (no wait, no cache, no grace): a Go
// duration (30s, 200ms) from 0 to [MaxDuration].
func ParseWait(v string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < 0 || d > MaxDuration {
		return 0, fmt.Errorf("want a duration from 0 to %s, like 30s", formatDuration(MaxDuration))
	}
	return d, nil
}

// formatDuration writes whole hours as "24h" rather than "24h0m0s".
func formatDuration(d time.Duration) string {
	if d%time.Hour == 0 {
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return d.String()
}

// maxBound keeps a bound or a count within what a process can hold open.
const maxBound = 1 << 20

// ParseBound reads a bound that must allow something: a whole number from 1 to
// 1048576.
func ParseBound(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > maxBound {
		return 0, fmt.Errorf("want a whole number from 1 to %d", maxBound)
	}
	return n, nil
}

// ParseCount reads a count where 0 means "none" or "no limit": a whole number from
// 0 to 1048576.
func ParseCount(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 || n > maxBound {
		return 0, fmt.Errorf("want a whole number from 0 to %d", maxBound)
	}
	return n, nil
}

// FromEnvVar sets *dst from the environment variable name read with parse, and
// leaves it (the default) when the variable is unset or blank. The error names the
// variable and its value.
func FromEnvVar[T any](getenv func(string) string, name string, dst *T, parse func(string) (T, error)) error {
	v := getenv(name)
	if strings.TrimSpace(v) == "" {
		return nil
	}
	x, err := parse(v)
	if err != nil {
		return fmt.Errorf("%s=%q: %w", name, v, err)
	}
	*dst = x
	return nil
}
