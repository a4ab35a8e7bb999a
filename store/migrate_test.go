package store_test

import (
	"os"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUpgradeFromFirstSchema: a database at schema 1 with audit entries in it is
// migrated to the accounts schema when a store opens it, and its entries read back
// naming no account.
func TestUpgradeFromFirstSchema(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		u := b.newDB(t)
		dir, dialect := "migrations/postgres", goose.DialectPostgres
		if b.name == "sqlite" {
			dir, dialect = "migrations/sqlite", goose.DialectSQLite3
		}
		raw := rawDB(t, u)
		p, err := goose.NewProvider(dialect, raw, os.DirFS(dir),
			goose.WithTableName("gitscrum_bridge_schema"), goose.WithDisableGlobalRegistry(true))
		require.NoError(t, err)
		ctx := ctxT(t, 60*time.Second)
		_, err = p.UpTo(ctx, 1)
		require.NoError(t, err)
		_, err = raw.ExecContext(ctx, `INSERT INTO audit_log (at_us, surface, actor, workspace, client_uuid, client_name, changes, outcome)
VALUES (1767225600000000, 'slack', 'slack:T1:U1', 'acme', 'c-1', 'Acme', '[]', 'ok')`)
		require.NoError(t, err)

		s := openStore(t, u, testOpts())
		assert.Equal(t, map[int64]int{0: 1, 1: 1, 2: 1}, schemaVersions(t, u))
		got, err := s.History(ctx, "acme", "c-1", 10)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, "slack:T1:U1", got[0].Actor)
		assert.Empty(t, got[0].Account, "an entry from before names no account")
		require.NoError(t, s.LinkIdentity(ctx, "T1", "U1", account("acct-1", "k1")), "the new tables are there")
	})
}
