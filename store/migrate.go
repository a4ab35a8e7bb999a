package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations holds the schema, one directory per dialect, with the same versions in
// each.
//
//go:embed migrations
var migrations embed.FS

// schemaTable is the table in which goose records the versions applied: a name of
// the bridge's own, so a database shared with another goose-migrated program
// keeps the two apart.
const schemaTable = "gitscrum_bridge_schema"

// migrationLockID is the PostgreSQL advisory lock held while migrating: "gitscrum"
// in ASCII.
const migrationLockID int64 = 0x67697473_6372756d

// migrate creates a SQLite file's directory, then brings the schema up to date
// under the database's migration lock. A schema newer than the binary's is a
// [*SchemaTooNewError]; a schema already up to date takes no lock.
func (s *Store) migrate(ctx context.Context) error {
	if s.kind == sqliteFile {
		if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
			return fmt.Errorf("creating the directory of %s: %w", s.path, err)
		}
	}
	p, err := s.provider()
	if err != nil {
		return err
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	if current > target {
		return &SchemaTooNewError{Database: current, Binary: target}
	}
	if current == target {
		return nil
	}
	results, err := p.Up(ctx)
	for _, r := range results {
		s.opts.Logger.Info("state store migrated", "driver", s.kind.String(), "version", r.Source.Version, "took", r.Duration)
	}
	if err != nil {
		return fmt.Errorf("migrating the schema: %w", err)
	}
	// Another binary may have migrated it further meanwhile.
	if current, target, err = p.GetVersions(ctx); err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	} else if current > target {
		return &SchemaTooNewError{Database: current, Binary: target}
	}
	return nil
}

// provider returns the goose provider of the store's dialect, with its lock.
func (s *Store) provider() (*goose.Provider, error) {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	if s.kind == postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
	}
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{
		goose.WithTableName(schemaTable),
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(s.opts.Logger),
	}
	switch s.kind {
	case postgres:
		l, err := lock.NewPostgresSessionLocker(
			lock.WithLockID(migrationLockID),
			lock.WithLockTimeout(1, uint64(max(1, s.opts.MigrationLockTimeout/time.Second))),
		)
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(l))
	case sqliteFile:
		opts = append(opts, goose.WithLocker(&fileLocker{path: s.path + ".lock", timeout: s.opts.MigrationLockTimeout}))
	}
	return goose.NewProvider(dialect, s.db, fsys, opts...)
}
