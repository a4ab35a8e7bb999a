package gitscrum_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// The state store the coordination tests run against: a SQLite file, and a
// PostgreSQL database on the server GITSCRUM_TEST_POSTGRES_URL names (skipped,
// saying how to run them, without it), from package statetest. Package gitscrum
// knows no store; only its tests use one, as the replicas' shared state.

// The state store is a coordinator as it is.
var _ gitscrum.CreateCoordinator = (*store.Store)(nil)

// storeOpts are the options of a test's store: quick to notice an outage and a
// recovery, and quick to give up on a locked SQLite file.
func storeOpts() store.Options {
	return store.Options{HealthInterval: 50 * time.Millisecond, OpTimeout: 3 * time.Second,
		BusyTimeout: 100 * time.Millisecond, MigrationLockTimeout: 30 * time.Second}
}

// openTestStore opens a store of databaseURL, waits until it is ready and closes it
// when the test ends.
func openTestStore(t testing.TB, databaseURL string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), databaseURL, storeOpts())
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, s.Ready(ctx), "the store opens and migrates within 30 s")
	return s
}
