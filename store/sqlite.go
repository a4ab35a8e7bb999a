package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// openSQLite returns the database/sql handle of a SQLite target, without opening a
// connection. Every connection sets: the busy timeout (wait for another
// connection's lock that long), WAL journaling (readers never wait for the
// writer), synchronous=NORMAL (safe with WAL: a power cut may lose the last
// commits, never corrupt the file), foreign keys on, and BEGIN IMMEDIATE for every
// transaction (a transaction that would write takes the write lock first, so two
// cannot deadlock upgrading their read locks).
func openSQLite(t target, opts Options) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opts.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	name := ":memory:"
	if t.kind == sqliteFile {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		name = t.path
	}
	db, err := sql.Open("sqlite", name+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("state store (sqlite): %w", err)
	}
	return db, nil
}

// sqliteTransient reports the SQLite errors of a database out of reach: locked past
// the busy timeout, not openable, not writable, full, failing I/O.
func sqliteTransient(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY,
		sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_PROTOCOL,
		sqlite3.SQLITE_PERM, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return true
	}
	return false
}

// fileLocker is the migration lock of a SQLite file: goose has none for SQLite, so
// it is an exclusive transaction on a lock file beside the database (PATH.lock),
// which the operating system releases if the process dies. It cannot be the
// database itself: the migration's own connection must write to that.
type fileLocker struct {
	path    string
	timeout time.Duration

	db *sql.DB
	tx *sql.Tx
}

var _ lock.Locker = (*fileLocker)(nil)

// Lock takes the lock, waiting for another process holding it up to the timeout.
func (l *fileLocker) Lock(ctx context.Context, _ *sql.DB) error {
	db, err := sql.Open("sqlite", l.path+"?_pragma=busy_timeout(100)&_txlock=exclusive")
	if err != nil {
		return fmt.Errorf("migration lock %s: %w", l.path, err)
	}
	db.SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	for {
		// The transaction outlives Lock: database/sql would roll it back when
		// the context it began with ended.
		tx, err := db.BeginTx(context.WithoutCancel(ctx), nil)
		if err == nil {
			l.db, l.tx = db, tx
			return nil
		}
		var e *sqlite.Error
		if !errors.As(err, &e) || e.Code()&0xff != sqlite3.SQLITE_BUSY || !sleep(ctx, 10*time.Millisecond) {
			_ = db.Close()
			return fmt.Errorf("migration lock %s: %w", l.path, errors.Join(err, ctx.Err()))
		}
	}
}

// Unlock releases the lock.
func (l *fileLocker) Unlock(context.Context, *sql.DB) error {
	if l.db == nil {
		return nil
	}
	err := errors.Join(l.tx.Rollback(), l.db.Close())
	l.db, l.tx = nil, nil
	return err
}
