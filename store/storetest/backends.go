// Package storetest gives tests outside package store a state store on each
// backend: a SQLite file in the test's temporary directory, and a database of its
// own on the PostgreSQL server that GITSCRUM_TEST_POSTGRES_URL names (created for
// the test and dropped after it; the test skips, saying how to run it, when the
// variable is not set).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver, for the admin connection

	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// PostgresEnv names the PostgreSQL server the tests run against besides SQLite.
const PostgresEnv = "GITSCRUM_TEST_POSTGRES_URL"

// Backend is a database kind the tests run against.
type Backend struct {
	// Name is "sqlite" or "postgres".
	Name string
	// NewURL returns the URL of a new, empty database, removed when tb ends.
	NewURL func(tb testing.TB) string
}

// Backends returns SQLite and PostgreSQL, in that order.
func Backends() []Backend {
	return []Backend{
		{Name: "sqlite", NewURL: func(tb testing.TB) string { return "sqlite:" + filepath.Join(tb.TempDir(), "state.db") }},
		{Name: "postgres", NewURL: NewPostgresURL},
	}
}

// Each runs f as a subtest per backend, with a new store of it and its URL.
func Each(t *testing.T, f func(t *testing.T, s *store.Store, databaseURL string)) {
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			u := b.NewURL(t)
			f(t, Open(t, u), u)
		})
	}
}

// Dump returns every row of table, each as text, for a test that looks for what
// must not be stored (a token): on SQLite the bytes of the database files (the
// WAL included), on PostgreSQL the rows as PostgreSQL prints them.
func Dump(tb testing.TB, databaseURL, table string) string {
	tb.Helper()
	if path, ok := strings.CutPrefix(databaseURL, "sqlite:"); ok {
		var b strings.Builder
		for _, suffix := range []string{"", "-wal"} {
			raw, err := os.ReadFile(path + suffix)
			if err != nil && !os.IsNotExist(err) {
				tb.Fatalf("reading %s: %v", path+suffix, err)
			}
			b.Write(raw)
		}
		return b.String()
	}
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		tb.Fatalf("opening %s: %v", databaseURL, err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var dump sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT string_agg(t::text, E'\\n') FROM "+table+" t").Scan(&dump); err != nil {
		tb.Fatalf("dumping %s: %v", table, err)
	}
	return dump.String
}

// NewPostgresURL creates a database of a random name on the server of
// GITSCRUM_TEST_POSTGRES_URL, drops it when tb ends, and returns its URL. Without
// the variable, tb skips with a message saying how to run the PostgreSQL tests.
func NewPostgresURL(tb testing.TB) string {
	tb.Helper()
	server := os.Getenv(PostgresEnv)
	if server == "" {
		tb.Skip(PostgresEnv + " is not set: to run the PostgreSQL tests, point it at any PostgreSQL 14 or newer " +
			"where the user may create databases, e.g. " + PostgresEnv + "=postgres://postgres@localhost:5432/postgres?sslmode=disable")
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		tb.Fatalf("opening %s: %v", PostgresEnv, err)
	}
	tb.Cleanup(func() { _ = admin.Close() })
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "gitscrum_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("creating a test database on %s: %v", PostgresEnv, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("dropping test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open opens the store of databaseURL, waits until it is migrated (30 s at most)
// and closes it when tb ends.
func Open(tb testing.TB, databaseURL string) *store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), databaseURL, store.Options{})
	if err != nil {
		tb.Fatalf("opening the store: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Ready(ctx); err != nil {
		tb.Fatalf("the store did not open and migrate within 30 s: %v", err)
	}
	return s
}
