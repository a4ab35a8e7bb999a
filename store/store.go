package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Store is the state store: one database serving [Deliveries], [CreateLocks],
// [CreateRecords], [Audit], [Accounts], [Links] and [ChannelSettings]. It is safe for concurrent use; replicas share state
// by opening the same PostgreSQL database.
type Store struct {
	kind driverKind
	path string // the SQLite file (sqliteFile)
	opts Options
	db   *sql.DB

	health health
	// released is closed, and replaced, whenever this store releases a create
	// lock, so that its own waiters try again at once.
	releasedMu sync.Mutex
	released   chan struct{}

	kick     chan struct{} // closed at the first use: ends an OpenDelay
	kickOnce sync.Once
	ready    chan struct{} // closed once the schema is migrated
	done     chan struct{} // closed when the background work has ended
	cancel   context.CancelFunc
	close    sync.Once

	mu        sync.Mutex
	openErr   *Error        // why the last attempt to open failed; nil before one failed
	permanent bool          // openErr will not cure itself: no attempt follows
	attempt   chan struct{} // closed, and replaced, after each failed attempt
}

// Open returns a store of the database that databaseURL names (see [DefaultPath]
// and [MemoryURL] for the forms) at once, without touching the database: it is
// opened and migrated in the background, and the first call that needs it waits
// for that (bounded by its context), or fails fast with [ErrUnavailable] once an
// attempt has failed. [Store.Ready] waits for it explicitly. A failed attempt is
// tried again, backing off up to [Options.HealthInterval], until it succeeds, its
// failure cannot cure itself (a [*SchemaTooNewError], a migration that fails), ctx
// ends or the store is closed.
//
// Open fails only for a URL it cannot read. The error never shows a password.
func Open(ctx context.Context, databaseURL string, opts Options) (*Store, error) {
	t, err := parseURL(databaseURL)
	if err != nil {
		return nil, err
	}
	opts = opts.withDefaults(t.kind)
	var db *sql.DB
	switch t.kind {
	case postgres:
		db, err = openPostgres(t.url)
	default:
		db, err = openSQLite(t, opts)
	}
	if err != nil {
		return nil, err
	}
	if t.kind == sqliteMemory {
		// Every connection to :memory: is a database of its own: keep the one
		// connection open for the store's life.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
	} else {
		db.SetMaxOpenConns(opts.MaxOpenConns)
		db.SetMaxIdleConns(opts.MaxIdleConns)
		db.SetConnMaxLifetime(opts.ConnMaxLifetime)
		db.SetConnMaxIdleTime(opts.ConnMaxIdleTime)
	}
	bg, cancel := context.WithCancel(ctx)
	s := &Store{
		kind:     t.kind,
		path:     t.path,
		opts:     opts,
		db:       db,
		released: make(chan struct{}),
		kick:     make(chan struct{}),
		ready:    make(chan struct{}),
		done:     make(chan struct{}),
		cancel:   cancel,
		attempt:  make(chan struct{}),
	}
	s.health.init(opts.Logger, t.kind)
	go s.run(bg)
	return s, nil
}

// Driver returns "sqlite" or "postgres".
func (s *Store) Driver() string { return s.kind.String() }

// Ready waits until the store is open and migrated and returns nil, or returns the
// error that keeps it from opening: at once when that error cannot cure itself,
// else when ctx ends (the error then says what the last attempt met).
func (s *Store) Ready(ctx context.Context) error {
	s.wake()
	for {
		select {
		case <-s.ready:
			return nil
		default:
		}
		s.mu.Lock()
		openErr, permanent, attempt := s.openErr, s.permanent, s.attempt
		s.mu.Unlock()
		if permanent {
			return openErr
		}
		select {
		case <-s.ready:
			return nil
		case <-attempt:
		case <-s.done:
			select {
			case <-s.ready:
				return nil
			default:
			}
			return &Error{Op: "open", Driver: s.kind.String(), Err: errors.New("the store was closed before it opened"), unavailable: true}
		case <-ctx.Done():
			if openErr != nil {
				return fmt.Errorf("%w (gave up waiting: %w)", openErr, ctx.Err())
			}
			return &Error{Op: "open", Driver: s.kind.String(), Err: fmt.Errorf("not open yet: %w", ctx.Err()), unavailable: true}
		}
	}
}

// Close stops the background work and closes the database. Calls after it fail.
func (s *Store) Close() error {
	var err error
	s.close.Do(func() {
		s.cancel()
		<-s.done
		err = s.db.Close()
	})
	return err
}

// run opens the store in the background, trying again after a failure it may
// recover from, then probes the database while the store is degraded, until ctx
// ends.
func (s *Store) run(ctx context.Context) {
	defer close(s.done)
	if s.opts.OpenDelay > 0 {
		t := time.NewTimer(s.opts.OpenDelay)
		select {
		case <-t.C:
		case <-s.kick:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
	wait := 100 * time.Millisecond
	for {
		start := time.Now()
		err := s.migrate(ctx)
		s.observe("migrate", time.Since(start), err)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return
		}
		var tooNew *SchemaTooNewError
		permanent := errors.As(err, &tooNew) || !s.transient(err)
		e := &Error{Op: "open", Driver: s.kind.String(), Err: err, unavailable: true}
		// Degraded before the waiters hear of the failure, so that they see it.
		s.health.fail(e)
		s.mu.Lock()
		s.openErr, s.permanent = e, permanent
		close(s.attempt)
		s.attempt = make(chan struct{})
		s.mu.Unlock()
		if permanent {
			s.opts.Logger.Error("state store cannot open", "driver", s.kind.String(), "err", err)
			return
		}
		if !sleep(ctx, wait) {
			return
		}
		wait = min(2*wait, s.opts.HealthInterval)
	}
	close(s.ready)
	s.health.ok()
	tick := time.NewTicker(s.opts.HealthInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if s.health.degraded() {
				_ = s.probe(ctx)
			}
		}
	}
}

// probe checks that the database answers, and on SQLite that its write lock can be
// taken: a locked file fails it.
func (s *Store) probe(ctx context.Context) error {
	return s.do(ctx, "probe", func(ctx context.Context, db *sql.DB) error {
		if s.kind == postgres {
			return db.PingContext(ctx)
		}
		tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock
		if err != nil {
			return err
		}
		return tx.Rollback()
	})
}

// wait returns the database once the store is open: at once when it is, else
// after waiting for the background open; an attempt that failed fails it fast.
func (s *Store) wait(ctx context.Context) (*sql.DB, error) {
	s.wake()
	for {
		select {
		case <-s.ready:
			return s.db, nil
		default:
		}
		s.mu.Lock()
		openErr, attempt := s.openErr, s.attempt
		s.mu.Unlock()
		if openErr != nil {
			return nil, openErr
		}
		select {
		case <-s.ready:
			return s.db, nil
		case <-attempt:
		case <-s.done:
			return nil, errors.New("the store is closed")
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// wake ends an [Options.OpenDelay]: the store is being used.
func (s *Store) wake() { s.kickOnce.Do(func() { close(s.kick) }) }

// do runs one operation f on the database, bounded by [Options.OpTimeout], and
// returns its error as an [*Error]; it reports the outcome to the store's health
// and its observer.
func (s *Store) do(ctx context.Context, op string, f func(ctx context.Context, db *sql.DB) error) error {
	start := time.Now()
	err := s.exec(ctx, op, f)
	s.observe(op, time.Since(start), err)
	return err
}

// exec is [Store.do] without the observer.
func (s *Store) exec(ctx context.Context, op string, f func(ctx context.Context, db *sql.DB) error) error {
	db, err := s.wait(ctx)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return &Error{Op: op, Driver: e.Driver, Err: e.Err, unavailable: true}
		}
		return &Error{Op: op, Driver: s.kind.String(), Err: err, unavailable: ctx.Err() == nil}
	}
	opCtx, cancel := context.WithTimeout(ctx, s.opts.OpTimeout)
	defer cancel()
	err = f(opCtx, db)
	switch {
	case err == nil:
		if !readOps[op] {
			s.health.ok()
		}
		return nil
	case ctx.Err() != nil: // the caller gave up: no fault of the database
		return &Error{Op: op, Driver: s.kind.String(), Err: err}
	}
	e := &Error{Op: op, Driver: s.kind.String(), Err: err, unavailable: opCtx.Err() != nil || s.transient(err)}
	if opCtx.Err() != nil {
		e.Err = fmt.Errorf("no answer within %s: %w", s.opts.OpTimeout, err)
	}
	if e.unavailable {
		s.health.fail(e)
	}
	return e
}

// readOps are the operations that only read. Their success does not make a
// degraded store OK: on a locked SQLite file reads work while writes fail.
var readOps = map[string]bool{
	"history": true, "lookup_create": true,
	"identity_account": true, "account_key_ids": true, "accounts_under_key": true,
	"get_link": true, "channel_workspace": true,
}

// observe reports an operation to the observer, if any.
func (s *Store) observe(op string, d time.Duration, err error) {
	if s.opts.Observer != nil {
		s.opts.Observer(op, d, err)
	}
}

// transient reports whether err is the database out of reach (down, unreachable,
// locked, full), which waiting may cure, rather than a fault of the request.
func (s *Store) transient(err error) bool {
	if errors.Is(err, sql.ErrConnDone) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if s.kind == postgres {
		return postgresTransient(err)
	}
	return sqliteTransient(err)
}

// sleep waits d, or until ctx ends: it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
