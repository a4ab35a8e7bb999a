package store

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CreateLocks serialises the creates of one client across replicas: while a
// holder holds a workspace's keys (the normalised name of the client being
// created, its email), no other holder gets any of them, so the duplicate check
// and the create of one holder finish before another's check begins.
//
// Its method set uses only standard types, so a package that must not import this
// one (gitscrum) can declare the same interface and take a [*Store] as it is.
type CreateLocks interface {
	// Acquire takes keys in workspace for holder until ttl from now, all or none,
	// and returns when the lease ends. While another holder's unexpired lease has
	// any of the keys it waits, polling with backoff, until it can take them all
	// or ctx ends (then its error matches ctx's error, not [ErrUnavailable]). A
	// lease whose holder died ends by time: after its ttl, another takes it over.
	// holder names one acquisition and must be unique to it ([NewHolder]); taking
	// keys the same holder already has renews its lease. Keys are stored as
	// SHA-256 digests. An error matching [ErrUnavailable] means the database is out
	// of reach: the caller must not create.
	Acquire(ctx context.Context, workspace string, keys []string, holder string, ttl time.Duration) (expires time.Time, err error)
	// Release ends holder's lease of keys in workspace. Keys it no longer holds
	// (its lease ended and another took them) are left alone. A lease that is not
	// released ends at its expiry anyway.
	Release(ctx context.Context, workspace string, keys []string, holder string) error
}

var _ CreateLocks = (*Store)(nil)

// NewHolder returns a holder name unique to one acquisition: this host and
// process, and 8 random bytes.
func NewHolder() string {
	host, _ := os.Hostname()
	var b [8]byte
	_, _ = crand.Read(b[:])
	return host + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b[:])
}

// acquireBackoff bounds the wait between two attempts of [Store.Acquire]; a
// release by the same store wakes its waiters at once.
const (
	acquireFirstWait = 5 * time.Millisecond
	acquireMaxWait   = 250 * time.Millisecond
)

// Acquire implements [CreateLocks].
func (s *Store) Acquire(ctx context.Context, workspace string, keys []string, holder string, ttl time.Duration) (time.Time, error) {
	start := time.Now()
	expires, err := s.acquire(ctx, workspace, keys, holder, ttl)
	s.observe("acquire", time.Since(start), err)
	return expires, err
}

// acquire is [Store.Acquire] without the observer.
func (s *Store) acquire(ctx context.Context, workspace string, keys []string, holder string, ttl time.Duration) (time.Time, error) {
	hashes, err := lockHashes(workspace, keys, holder)
	if err != nil {
		return time.Time{}, err
	}
	if ttl < time.Millisecond {
		return time.Time{}, invalid("a lease of %s is too short", ttl)
	}
	query, args := s.acquireQuery(workspace, hashes, holder, ttl)
	wait := acquireFirstWait
	for {
		released := s.releasedChan()
		var expires int64
		got := false
		err := s.exec(ctx, "acquire", func(ctx context.Context, db *sql.DB) error {
			var err error
			got, expires, err = tryAcquire(ctx, db, query, args, len(hashes))
			return err
		})
		if err != nil {
			return time.Time{}, err
		}
		if got {
			return time.UnixMicro(expires), nil
		}
		t := time.NewTimer(wait/2 + rand.N(wait/2+1))
		select {
		case <-t.C:
		case <-released:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return time.Time{}, &Error{Op: "acquire", Driver: s.kind.String(),
				Err: fmt.Errorf("gave up waiting for another holder of the create lock: %w", ctx.Err())}
		}
		wait = min(2*wait, acquireMaxWait)
	}
}

// acquireQuery returns the upsert that takes every key whose row is free,
// expired or already holder's, returning one row per key taken.
func (s *Store) acquireQuery(workspace string, hashes [][]byte, holder string, ttl time.Duration) (string, []any) {
	now := s.nowSQL()
	var q strings.Builder
	q.WriteString("INSERT INTO create_locks (key_hash, workspace, holder, expires_us) VALUES ")
	args := []any{clean(workspace), clean(holder), ttl.Microseconds()}
	for i, h := range hashes {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "($%d, $1, $2, %s + $3)", len(args)+1, now)
		args = append(args, h)
	}
	fmt.Fprintf(&q, ` ON CONFLICT (key_hash) DO UPDATE SET workspace = excluded.workspace, holder = excluded.holder, expires_us = excluded.expires_us
WHERE create_locks.expires_us <= %s OR create_locks.holder = excluded.holder RETURNING expires_us`, now)
	return q.String(), args
}

// tryAcquire runs the upsert of [Store.acquireQuery] in a transaction and commits
// it only if it took all n keys.
func tryAcquire(ctx context.Context, db *sql.DB, query string, args []any, n int) (got bool, expires int64, err error) {
	if n == 1 {
		// One statement is atomic by itself: no transaction, two round trips
		// fewer.
		err := db.QueryRowContext(ctx, query, args...).Scan(&expires)
		if errors.Is(err, sql.ErrNoRows) {
			return false, 0, nil
		}
		return err == nil, expires, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, 0, err
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return false, 0, err
	}
	taken := 0
	for rows.Next() {
		var e int64
		if err := rows.Scan(&e); err != nil {
			_ = rows.Close()
			return false, 0, err
		}
		if taken == 0 || e < expires {
			expires = e
		}
		taken++
	}
	if err := rows.Close(); err != nil {
		return false, 0, err
	}
	if err := rows.Err(); err != nil {
		return false, 0, err
	}
	if taken < n {
		return false, 0, nil
	}
	return true, expires, tx.Commit()
}

// Release implements [CreateLocks].
func (s *Store) Release(ctx context.Context, workspace string, keys []string, holder string) error {
	hashes, err := lockHashes(workspace, keys, holder)
	if err != nil {
		return err
	}
	args := []any{clean(holder)}
	marks := make([]string, len(hashes))
	for i, h := range hashes {
		args = append(args, h)
		marks[i] = "$" + strconv.Itoa(i+2)
	}
	_, err = s.execCount(ctx, "release",
		"DELETE FROM create_locks WHERE holder = $1 AND key_hash IN ("+strings.Join(marks, ", ")+")", args...)
	s.releasedMu.Lock()
	close(s.released)
	s.released = make(chan struct{})
	s.releasedMu.Unlock()
	return err
}

// SweepLocks deletes the leases that ended by the database's clock and returns how
// many it deleted. Acquire takes an ended lease over anyway: sweeping only keeps
// the table small.
func (s *Store) SweepLocks(ctx context.Context) (int64, error) {
	return s.execCount(ctx, "sweep_locks", "DELETE FROM create_locks WHERE expires_us <= "+s.nowSQL())
}

// releasedChan returns the channel closed at this store's next release.
func (s *Store) releasedChan() chan struct{} {
	s.releasedMu.Lock()
	defer s.releasedMu.Unlock()
	return s.released
}

// lockHashes validates a lock request and returns the digests of its keys, sorted
// and without repeats (so that two callers sharing keys lock rows in one order).
func lockHashes(workspace string, keys []string, holder string) ([][]byte, error) {
	switch {
	case workspace == "":
		return nil, invalid("a create lock needs a workspace")
	case holder == "":
		return nil, invalid("a create lock needs a holder")
	case len(keys) == 0:
		return nil, invalid("a create lock needs a key")
	}
	hashes := make([][]byte, 0, len(keys))
	for _, k := range keys {
		if k == "" {
			return nil, invalid("a create lock key is empty")
		}
		hashes = append(hashes, digest("lock", workspace, k))
	}
	slices.SortFunc(hashes, func(a, b []byte) int { return strings.Compare(string(a), string(b)) })
	return slices.CompactFunc(hashes, func(a, b []byte) bool { return string(a) == string(b) }), nil
}
