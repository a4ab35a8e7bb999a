package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

// backend is a database the suite runs against: newDB returns the URL of a new,
// empty database, removed when the test ends.
type backend struct {
	name  string
	newDB func(t testing.TB) string
}

var (
	sqliteBackend = backend{name: "sqlite", newDB: func(t testing.TB) string {
		return "sqlite:" + filepath.Join(t.TempDir(), "state.db")
	}}
	postgresBackend = backend{name: "postgres", newDB: newPostgresDB}
)

// eachBackend runs f as a subtest per backend. Without GITSCRUM_TEST_POSTGRES_URL
// the PostgreSQL one skips, saying how to run it.
func eachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range []backend{sqliteBackend, postgresBackend} {
		t.Run(b.name, func(t *testing.T) { f(t, b) })
	}
}

// newPostgresDB creates a database of its own on the server of
// GITSCRUM_TEST_POSTGRES_URL for the test, or skips it (see storetest.NewPostgresURL).
func newPostgresDB(t testing.TB) string {
	t.Helper()
	return storetest.NewPostgresURL(t)
}

// rawDB opens the database of a store URL directly, for what a test checks or does
// behind the store's back.
func rawDB(t testing.TB, databaseURL string) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	if path, ok := cutSQLite(databaseURL); ok {
		db, err = sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	} else {
		db, err = sql.Open("pgx", databaseURL)
	}
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// cutSQLite returns the file of a sqlite: URL.
func cutSQLite(databaseURL string) (string, bool) {
	if len(databaseURL) > 7 && databaseURL[:7] == "sqlite:" {
		return databaseURL[7:], true
	}
	return "", false
}

// testOpts are the options of a test's store: quick to notice a change of health.
func testOpts() store.Options {
	return store.Options{HealthInterval: 50 * time.Millisecond, OpTimeout: 3 * time.Second, MigrationLockTimeout: 30 * time.Second}
}

// openStore opens a store of databaseURL, waits until it is ready and closes it
// when the test ends.
func openStore(t testing.TB, databaseURL string, opts store.Options) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), databaseURL, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, s.Ready(ctx), "the store opens and migrates within 30 s")
	return s
}

// ctxT returns a context that ends after d, when the test ends at the latest.
func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
