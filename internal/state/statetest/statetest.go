// Package statetest gives tests a database of their own for the state store: a
// SQLite file in the test's temporary directory, or a fresh database on the
// PostgreSQL server named by GITSCRUM_TEST_POSTGRES_URL, dropped when the test
// ends. Without that variable the PostgreSQL tests skip, saying how to run them.
package statetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx database/sql driver, to create and drop databases
	"github.com/stretchr/testify/require"
)

// PostgresEnv names the PostgreSQL server the tests run against besides SQLite.
const PostgresEnv = "GITSCRUM_TEST_POSTGRES_URL"

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
// t when the variable is unset.
func PostgresURL(t testing.TB) string {
	t.Helper()
	server := os.Getenv(PostgresEnv)
	if server == "" {
		t.Skip(PostgresEnv + " is not set: to run the PostgreSQL tests, point it at any PostgreSQL 14 or newer " +
			"where the user may create databases, e.g. " + PostgresEnv + "=postgres://postgres@localhost:5432/postgres?sslmode=disable")
	}
	admin, err := sql.Open("pgx", server)
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "gitscrum_state_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = admin.ExecContext(ctx, "CREATE DATABASE "+name)
	require.NoError(t, err, "creating a test database on the server of %s", PostgresEnv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	require.NoError(t, err)
	u.Path = "/" + name
	return u.String()
}
