package storebench

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// databases opens a SQLite store and, when PostgresEnv is set, a PostgreSQL one,
// closed (and dropped) when t ends.
func databases(t *testing.T) []*Database {
	t.Helper()
	lite, err := OpenSQLite(t.TempDir())
	require.NoError(t, err)
	dbs := []*Database{lite}
	pg, err := OpenPostgres()
	if errors.Is(err, ErrNoPostgres) {
		t.Logf("PostgreSQL not measured: %v", err)
	} else {
		require.NoError(t, err)
		dbs = append(dbs, pg)
	}
	t.Cleanup(func() {
		for _, d := range dbs {
			assert.NoError(t, d.Close())
		}
	})
	return dbs
}

// auditRows returns the audit rows of a client of the demo workspace.
func auditRows(t *testing.T, st *store.Store, uuid string) []store.Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rows, err := st.History(ctx, emulator.DemoWorkspace, uuid, store.MaxHistoryLimit)
	require.NoError(t, err, "reading the audit log within 10 s")
	return rows
}

// TestMeasures runs each measure once, small, on each database, and checks that
// the writes with a store wrote their audit rows there.
func TestMeasures(t *testing.T) {
	const n = 3
	for _, db := range databases(t) {
		t.Run(db.Driver, func(t *testing.T) {
			stores := []*store.Store{nil, db.Store}

			upd, err := MCPUpdates(stores, n)
			require.NoError(t, err)
			require.Len(t, upd, 2)
			assert.Len(t, upd[0], n)
			assert.Len(t, upd[1], n)
			assert.IsNonDecreasing(t, upd[1])
			rows := auditRows(t, db.Store, emulator.DemoAcmeUUID)
			require.Len(t, rows, warmups+n, "one audit row per update_client call")
			assert.Equal(t, store.SurfaceMCP, rows[0].Surface)

			created, err := SlackCreates(stores, n)
			require.NoError(t, err)
			require.Len(t, created, 2)
			assert.Len(t, created[0], n)
			assert.Len(t, created[1], n)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			uuid, ok, err := db.Store.LookupCreate(ctx, emulator.DemoWorkspace, gitscrum.NormalizeName("Store Bench Client 0"))
			require.NoError(t, err)
			require.True(t, ok, "the create is recorded in the store")
			rows = auditRows(t, db.Store, uuid)
			require.Len(t, rows, 1, "one audit row for the create")
			assert.Equal(t, store.SurfaceSlack, rows[0].Surface)

			h, err := History(db.Store, 50, 2)
			require.NoError(t, err)
			assert.Len(t, h.Big, 2)
			assert.Len(t, h.Small, 2)
			assert.Positive(t, h.Seed)
		})
	}
}
