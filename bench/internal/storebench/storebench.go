// Package storebench measures what the state store adds to the bridge's writes,
// and how fast its audit query answers: an MCP update_client and a Slack create
// run in process against the emulator over loopback HTTP, without a store (the
// baseline) and with one on SQLite and on PostgreSQL, wired as the binaries wire
// it (the gitscrum client coordinated through the store, the adapter writing its
// audit row); and History for a client with many audit rows, beside the same
// query for a client with few.
//
// The SQLite store is a file in a directory the caller gives; the PostgreSQL one
// is a database created for the run on the server that GITSCRUM_TEST_POSTGRES_URL
// names, and dropped when it is closed.
package storebench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver, to create and drop the run's database

	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// PostgresEnv names the PostgreSQL server of the PostgreSQL rows, as for the tests.
const PostgresEnv = "GITSCRUM_TEST_POSTGRES_URL"

// ErrNoPostgres is returned by OpenPostgres when PostgresEnv is not set.
var ErrNoPostgres = errors.New("skipped: set " + PostgresEnv)

// openTimeout bounds opening and migrating a store, and creating or dropping a
// database.
const openTimeout = 30 * time.Second

// Database is a state store opened for the run.
type Database struct {
	// Store is the store, open and migrated.
	Store *store.Store
	// Driver is "sqlite" or "postgres".
	Driver string

	drop func() error // removes the database, after the store is closed
}

// Close closes the store and removes its database when it was made for the run.
func (d *Database) Close() error {
	err := d.Store.Close()
	if d.drop != nil {
		err = errors.Join(err, d.drop())
	}
	return err
}

// OpenSQLite opens a store on a new SQLite file in dir.
func OpenSQLite(dir string) (*Database, error) {
	st, err := open("sqlite:" + filepath.Join(dir, "state.db"))
	if err != nil {
		return nil, err
	}
	return &Database{Store: st, Driver: st.Driver()}, nil
}

// OpenPostgres creates a database of a random name on the server of PostgresEnv
// and opens a store on it; Close drops it. It returns ErrNoPostgres when the
// variable is not set.
func OpenPostgres() (*Database, error) {
	server := os.Getenv(PostgresEnv)
	if server == "" {
		return nil, ErrNoPostgres
	}
	u, err := url.Parse(server)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", PostgresEnv, err)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", PostgresEnv, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "gitscrum_bench_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		_ = admin.Close()
		return nil, fmt.Errorf("creating the benchmark database on the server of %s: %w", PostgresEnv, err)
	}
	drop := func() error {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("dropping the benchmark database %s: %w", name, err)
		}
		return nil
	}
	u.Path = "/" + name
	st, err := open(u.String())
	if err != nil {
		return nil, errors.Join(err, drop())
	}
	return &Database{Store: st, Driver: st.Driver(), drop: drop}, nil
}

// open opens the store of databaseURL and waits until it is migrated.
func open(databaseURL string) (*store.Store, error) {
	st, err := store.Open(context.Background(), databaseURL, store.Options{})
	if err != nil {
		return nil, fmt.Errorf("opening the store: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	if err := st.Ready(ctx); err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("the store did not open and migrate within %s: %w", openTimeout, err)
	}
	return st, nil
}
