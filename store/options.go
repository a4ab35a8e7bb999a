package store

import (
	"log/slog"
	"time"
)

// Options tune a store. The zero value is fine: each zero field takes the default
// its comment names.
type Options struct {
	// MaxOpenConns bounds the connections to the database: default 10 on
	// PostgreSQL, 4 on a SQLite file (one writer at a time, readers beside it); an
	// in-memory database always has exactly one.
	MaxOpenConns int
	// MaxIdleConns bounds the idle connections kept open: default half of
	// MaxOpenConns, at least 1.
	MaxIdleConns int
	// ConnMaxLifetime closes a connection this long after it opened, so a pool
	// follows a PostgreSQL failover or a changed DNS name: default 30 minutes.
	ConnMaxLifetime time.Duration
	// ConnMaxIdleTime closes a connection idle this long: default 5 minutes.
	ConnMaxIdleTime time.Duration

	// BusyTimeout is how long a SQLite statement waits for another connection's
	// lock on the file before it fails with [ErrUnavailable]: default 5 s.
	BusyTimeout time.Duration
	// OpTimeout bounds each operation on the database (a wait in
	// [Store.Acquire] for another holder is bounded by its context only): one
	// that takes longer fails with [ErrUnavailable]. Default 5 s.
	OpTimeout time.Duration
	// MigrationLockTimeout is how long opening waits for another process holding
	// the migration lock: default 2 minutes.
	MigrationLockTimeout time.Duration
	// HealthInterval is how often a degraded store probes its database to find
	// out it is back, and how soon a failed open is tried again at most: default
	// 5 s.
	HealthInterval time.Duration

	// OpenDelay, when above 0, postpones the background open by this long, or
	// until the first use of the store if that comes sooner: a process whose
	// first answers need no store (an MCP server over stdio answering
	// tools/list) starts as fast as without one. Default 0: open at once.
	OpenDelay time.Duration

	// Observer, when set, is called after every operation with its name
	// ("remember", "acquire", "append_audit", … and "migrate", "probe"), how
	// long it took and its error (nil on success): the hook for metrics. It is
	// called synchronously and must be quick.
	Observer func(op string, d time.Duration, err error)
	// Logger receives the store's own events (migrations applied, the store
	// degraded and recovered); nil discards them.
	Logger *slog.Logger
}

// withDefaults returns o with each zero field set to its default for driver.
func (o Options) withDefaults(d driverKind) Options {
	if o.MaxOpenConns <= 0 {
		o.MaxOpenConns = 10
		if d != postgres {
			o.MaxOpenConns = 4
		}
	}
	if d == sqliteMemory {
		o.MaxOpenConns = 1
	}
	if o.MaxIdleConns <= 0 {
		o.MaxIdleConns = max(1, o.MaxOpenConns/2)
	}
	o.MaxIdleConns = min(o.MaxIdleConns, o.MaxOpenConns)
	if o.ConnMaxLifetime <= 0 {
		o.ConnMaxLifetime = 30 * time.Minute
	}
	if o.ConnMaxIdleTime <= 0 {
		o.ConnMaxIdleTime = 5 * time.Minute
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 5 * time.Second
	}
	if o.OpTimeout <= 0 {
		o.OpTimeout = 5 * time.Second
	}
	if o.MigrationLockTimeout <= 0 {
		o.MigrationLockTimeout = 2 * time.Minute
	}
	if o.HealthInterval <= 0 {
		o.HealthInterval = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}
