package state_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/metrics"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state/statetest"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// open opens c's store with o and closes it when the test ends.
func open(t *testing.T, c state.Config, o state.Options) *state.State {
	t.Helper()
	st, err := state.Open(context.Background(), c, o)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, st.Close()) })
	return st
}

// health answers GET /healthz with st's check.
func health(t *testing.T, st *state.State) string {
	t.Helper()
	rec := httptest.NewRecorder()
	httpserver.Health("", "", st.Check()).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, httpserver.HealthPath, nil))
	require.Equal(t, http.StatusOK, rec.Code, "health stays 200 whatever the store says")
	return rec.Body.String()
}

// scrape returns m's metrics in the text format.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, metrics.Path, nil))
	body, err := io.ReadAll(rec.Body)
	require.NoError(t, err)
	return string(body)
}

// deliveries counts the rows of the deliveries table, behind the store's back.
func deliveries(t *testing.T, dbURL string) int {
	t.Helper()
	driver, dsn := "pgx", dbURL
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		driver, dsn = "sqlite", path+"?_pragma=busy_timeout(5000)"
	}
	db, err := sql.Open(driver, dsn)
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM deliveries`).Scan(&n))
	return n
}

// TestOpenEachBackend: the store opens in the background on both databases, the
// sweeper deletes an expired delivery id, every operation shows in the metrics,
// and /healthz says "store":"ok".
func TestOpenEachBackend(t *testing.T) {
	statetest.Each(t, func(t *testing.T, b statetest.Backend) {
		dbURL := b.NewDB(t)
		m := metrics.New()
		st := open(t, state.Config{Database: dbURL, MaxConns: 3}, state.Options{Metrics: m, SweepInterval: 20 * time.Millisecond})
		ctx := context.Background()
		require.NoError(t, st.Store.Ready(ctx))
		first, err := st.Store.Remember(ctx, "delivery-1", time.Now().Add(100*time.Millisecond))
		require.NoError(t, err)
		require.True(t, first)
		require.Equal(t, 1, deliveries(t, dbURL))
		require.Eventually(t, func() bool { return deliveries(t, dbURL) == 0 }, 10*time.Second, 20*time.Millisecond,
			"the sweeper deletes the expired delivery id")
		assert.Contains(t, health(t, st), `"store":"ok"`)
		out := scrape(t, m)
		assert.Contains(t, out, `gitscrum_store_operation_duration_seconds_count{operation="remember"} 1`)
		assert.Contains(t, out, `gitscrum_store_operation_duration_seconds_count{operation="sweep_deliveries"}`)
		assert.Contains(t, out, `gitscrum_store_status{status="ok"} 1`)
		assert.Contains(t, out, `gitscrum_store_degraded_total 0`)
	})
}

// TestDegraded: a database out of reach leaves /healthz 200 with
// "store":"degraded", counts one transition and the time degraded, and the
// failed operations by kind.
func TestDegraded(t *testing.T) {
	m := metrics.New()
	// Nothing listens on port 1.
	st := open(t, state.Config{Database: "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=1"}, state.Options{Metrics: m})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := st.Store.Remember(ctx, "k", time.Now().Add(time.Minute))
	require.ErrorIs(t, err, store.ErrUnavailable)
	require.Eventually(t, func() bool { return strings.Contains(health(t, st), `"store":"degraded"`) }, 10*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool {
		out := scrape(t, m)
		return strings.Contains(out, `gitscrum_store_status{status="degraded"} 1`) &&
			strings.Contains(out, `gitscrum_store_degraded_total 1`) &&
			!strings.Contains(out, `gitscrum_store_degraded_seconds_total 0`+"\n")
	}, 10*time.Second, 50*time.Millisecond, "the metrics say degraded, once, for some time")
	out := scrape(t, m)
	assert.Contains(t, out, `gitscrum_store_errors_total{kind="unavailable",operation="remember"} 1`)
	assert.Contains(t, out, `gitscrum_store_errors_total{kind="unavailable",operation="migrate"}`)
}

// TestOpenDelay: with an open delay the store is not opened at start (it stays
// "starting"), and its first use opens it at once rather than after the delay.
func TestOpenDelay(t *testing.T) {
	m := metrics.New()
	st := open(t, state.Config{}, state.Options{Sandbox: true, Metrics: m, OpenDelay: time.Hour})
	time.Sleep(100 * time.Millisecond)
	assert.Contains(t, health(t, st), `"store":"starting"`)
	assert.NotContains(t, scrape(t, m), `operation="migrate"`, "nothing opened yet")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	first, err := st.Store.Remember(ctx, "k", time.Now().Add(time.Minute))
	require.NoError(t, err, "the first use opens the store")
	assert.True(t, first)
	assert.Contains(t, health(t, st), `"store":"ok"`)
}

// TestBadURL: a database URL that cannot be read fails at once, naming the
// setting.
func TestBadURL(t *testing.T) {
	_, err := state.Open(context.Background(), state.Config{Database: "mysql://db/x"}, state.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), state.EnvDatabase)
	assert.Contains(t, err.Error(), `"mysql"`)
}
