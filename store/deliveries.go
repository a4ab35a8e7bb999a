package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"time"
)

// Deliveries remembers the deliveries a bot accepted (Slack request signatures,
// Events API event ids), so that one delivered again, after a restart or to
// another replica on the same database, is refused.
type Deliveries interface {
	// Remember records key until the time until and reports whether key was new:
	// false means key was recorded before and has not expired, so the delivery is
	// a replay. Recording is atomic: of two callers remembering one key at once,
	// on any replicas, exactly one is told it is new. An error means key could not
	// be recorded (it matches [ErrUnavailable] when the database is out of reach);
	// the caller then refuses the delivery, since it cannot tell a replay from a
	// first one. Keys are stored as SHA-256 digests. This is the contract of the
	// Slack bot's ReplayStore, which a [*Store] satisfies as it is.
	Remember(ctx context.Context, key string, until time.Time) (first bool, err error)
	// Sweep deletes the keys that expired by now and returns how many it deleted.
	// Expired keys are ignored by Remember anyway: sweeping only keeps the table
	// small.
	Sweep(ctx context.Context, now time.Time) (int64, error)
}

var _ Deliveries = (*Store)(nil)

// Remember implements [Deliveries].
func (s *Store) Remember(ctx context.Context, key string, until time.Time) (first bool, err error) {
	h := sha256.Sum256([]byte(key))
	now := time.Now()
	err = s.do(ctx, "remember", func(ctx context.Context, db *sql.DB) error {
		res, err := db.ExecContext(ctx, `INSERT INTO deliveries (key_hash, until_us) VALUES ($1, $2)
ON CONFLICT (key_hash) DO UPDATE SET until_us = excluded.until_us WHERE deliveries.until_us <= $3`,
			h[:], micros(until), micros(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		first = n == 1
		return err
	})
	return first, err
}

// Sweep implements [Deliveries].
func (s *Store) Sweep(ctx context.Context, now time.Time) (int64, error) {
	return s.execCount(ctx, "sweep_deliveries", `DELETE FROM deliveries WHERE until_us <= $1`, micros(now))
}

// execCount runs one statement (a DELETE, an UPDATE) as the operation op and
// returns the rows it changed.
func (s *Store) execCount(ctx context.Context, op, query string, args ...any) (n int64, err error) {
	err = s.do(ctx, op, func(ctx context.Context, db *sql.DB) error {
		res, err := db.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
