// Package statetest gives tests a database of their own for the state store: a
// SQLite file in the test's temporary directory, or a fresh database on the
// PostgreSQL server named by GITSCRUM_TEST_POSTGRES_URL, dropped when the test
// ends. Without that variable the PostgreSQL tests skip, saying how to run them.
package statetest

import (
	"path/filepath"
	"testing"

	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

// PostgresEnv names the PostgreSQL server the tests run against besides SQLite.
const PostgresEnv = storetest.PostgresEnv

// Backend is a database the tests run against.
type Backend struct {
	// Name is "sqlite" or "postgres", for subtest names.
	Name string
	// NewDB returns the URL of a new, empty database, removed when t ends.
	NewDB func(t testing.TB) string
}

// Backends are SQLite and PostgreSQL, in that order.
var Backends = []Backend{{Name: "sqlite", NewDB: SQLiteURL}, {Name: "postgres", NewDB: PostgresURL}}

// Each runs f as a subtest per backend.
func Each(t *testing.T, f func(t *testing.T, b Backend)) {
	for _, b := range Backends {
		t.Run(b.Name, func(t *testing.T) { f(t, b) })
	}
}

// SQLiteURL returns the sqlite: URL of a file in t's temporary directory.
func SQLiteURL(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "state.db")
}

// PostgresURL creates a database of a random name on the server of
// GITSCRUM_TEST_POSTGRES_URL, drops it when t ends, and returns its URL. It skips
// t when the variable is unset (see [storetest.NewPostgresURL]).
func PostgresURL(t testing.TB) string {
	t.Helper()
	return storetest.NewPostgresURL(t)
}
