package store

import (
	"errors"
	"fmt"
)

// ErrUnavailable is matched (errors.Is) by every error of a store that cannot
// reach its database: PostgreSQL down or unreachable, the SQLite file locked past
// the busy timeout or not writable, the schema still being migrated after a failed
// attempt, or a schema newer than the binary. A caller refuses the write it was
// about to make; the store recovers by itself when the database comes back.
var ErrUnavailable = errors.New("state store unavailable")

// Error is an error of a store operation. It names the state store and its
// driver, and the operation; it matches [ErrUnavailable] when the cause is the
// database being out of reach rather than the request.
type Error struct {
	// Op is the operation, as [Options.Observer] sees it: "remember", "acquire", …
	Op string
	// Driver is "sqlite" or "postgres".
	Driver string
	// Err is the cause.
	Err error

	unavailable bool
}

// Error implements error.
func (e *Error) Error() string {
	if e.unavailable {
		return fmt.Sprintf("state store (%s) unavailable: %s: %v", e.Driver, e.Op, e.Err)
	}
	return fmt.Sprintf("state store (%s): %s: %v", e.Driver, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether the error is [ErrUnavailable].
func (e *Error) Is(target error) bool { return target == ErrUnavailable && e.unavailable }

// Unavailable reports whether the error is the database being out of reach.
func (e *Error) Unavailable() bool { return e.unavailable }

// SchemaTooNewError is the error of a store whose database was migrated by a newer
// binary: its schema version is above the newest this binary knows. The store
// refuses to use it (its tables may mean something else now) and never migrates it
// down; run the newer binary, or a database of this binary's own. It matches
// [ErrUnavailable] through the [*Error] that wraps it.
type SchemaTooNewError struct {
	// Database is the schema version the database is at.
	Database int64
	// Binary is the newest schema version this binary knows.
	Binary int64
}

// Error implements error.
func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("the database's schema is at version %d, newer than this binary's %d: "+
		"it was migrated by a newer gitscrum-bridge; run that version (the state store never migrates down)",
		e.Database, e.Binary)
}

// ErrInvalid is matched by the errors of a call the store refuses before reaching
// the database: an audit entry without a surface, a lock without a key, …
var ErrInvalid = errors.New("invalid state store request")

// invalid returns an [ErrInvalid] error saying what is wrong.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
