package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// MemoryURL opens an in-memory SQLite database: empty at every start, gone when the
// store closes. For a sandbox and for tests; it is one process's only.
const MemoryURL = "sqlite::memory:"

// driverKind is the database a URL names.
type driverKind int

const (
	sqliteFile driverKind = iota
	sqliteMemory
	postgres
)

// String returns the driver's name as errors and logs show it.
func (d driverKind) String() string {
	if d == postgres {
		return "postgres"
	}
	return "sqlite"
}

// target is a parsed database URL.
type target struct {
	kind driverKind
	// path is the SQLite file (sqliteFile); url the PostgreSQL URL (postgres).
	path, url string
}

// parseURL reads a database URL: "" is [DefaultPath]; "postgres://…" or
// "postgresql://…" is PostgreSQL; [MemoryURL] (or ":memory:") is in-memory SQLite;
// "sqlite:PATH" (also "sqlite://PATH", "sqlite:///abs/path") or a bare path is a
// SQLite file. Any other scheme is an error.
func parseURL(raw string) (target, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		p, err := DefaultPath()
		if err != nil {
			return target{}, err
		}
		return target{kind: sqliteFile, path: p}, nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return target{kind: postgres, url: raw}, nil
	case raw == MemoryURL, raw == ":memory:":
		return target{kind: sqliteMemory}, nil
	}
	path := raw
	if rest, ok := strings.CutPrefix(raw, "sqlite:"); ok {
		path = strings.TrimPrefix(rest, "//")
	} else if i := strings.Index(raw, "://"); i > 0 && !strings.ContainsAny(raw[:i], `/\.`) {
		return target{}, fmt.Errorf("state store: unsupported database URL scheme %q: use a file path, sqlite:PATH or postgres://…", raw[:i])
	}
	if path == "" {
		return target{}, errors.New("state store: the sqlite: URL names no file")
	}
	if strings.ContainsAny(path, "?#") {
		return target{}, fmt.Errorf("state store: a SQLite path may not contain ? or #: %q", path)
	}
	return target{kind: sqliteFile, path: filepath.Clean(path)}, nil
}

// DefaultPath returns where the state store lives when no database is named:
// state.db in gitscrum-bridge under $XDG_STATE_HOME, or under ~/.local/state when
// that is unset (or not absolute, as the XDG specification requires). The store
// creates the directory, mode 0700, when it opens.
func DefaultPath() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "gitscrum-bridge", "state.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("state store: no state directory for the default database (set XDG_STATE_HOME or HOME, or name a database): %w", err)
	}
	return filepath.Join(home, ".local", "state", "gitscrum-bridge", "state.db"), nil
}
