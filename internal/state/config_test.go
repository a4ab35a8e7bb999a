package state_test

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// parse reads the environment, then the flags, as a binary does.
func parse(t *testing.T, environ map[string]string, args ...string) (state.Config, error) {
	t.Helper()
	c, err := state.FromEnv(env(environ))
	if err != nil {
		return c, err
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.RegisterFlags(fs)
	return c, fs.Parse(args)
}

// TestConfig: the defaults, each variable, a flag winning over its variable, and
// the values refused with what is wanted.
func TestConfig(t *testing.T) {
	day := 24 * time.Hour
	for _, tc := range []struct {
		name    string
		environ map[string]string
		args    []string
		want    state.Config
		err     string
	}{
		{name: "defaults", want: state.Config{AuditRetention: 90 * day}},
		{name: "env", environ: map[string]string{
			state.EnvDatabase: " postgres://u:p@db/bridge ", state.EnvDBMaxConns: "20", state.EnvDBMaxIdleConns: "5", state.EnvAuditRetention: "30d"},
			want: state.Config{Database: "postgres://u:p@db/bridge", MaxConns: 20, MaxIdleConns: 5, AuditRetention: 30 * day}},
		{name: "flags win", environ: map[string]string{state.EnvDatabase: "/a.db", state.EnvDBMaxConns: "20", state.EnvAuditRetention: "30d"},
			args: []string{"--database", "sqlite:/b.db", "--db-max-conns", "3", "--db-max-idle-conns=2", "--audit-retention", "720h"},
			want: state.Config{Database: "sqlite:/b.db", MaxConns: 3, MaxIdleConns: 2, AuditRetention: 30 * day}},
		{name: "create lock ttl", environ: map[string]string{state.EnvCreateLockTTL: "2s"}, want: state.Config{AuditRetention: 90 * day, CreateLockTTL: 2 * time.Second}},
		{name: "create lock ttl flag wins", environ: map[string]string{state.EnvCreateLockTTL: "2s"}, args: []string{"--create-lock-ttl", "90s"},
			want: state.Config{AuditRetention: 90 * day, CreateLockTTL: 90 * time.Second}},
		{name: "bad create lock ttl", environ: map[string]string{state.EnvCreateLockTTL: "0"}, err: `GITSCRUM_CREATE_LOCK_TTL="0": want a duration above 0`},
		{name: "retention 0 keeps forever", args: []string{"--audit-retention=0"}, want: state.Config{}},
		{name: "bad retention env", environ: map[string]string{state.EnvAuditRetention: "3 months"},
			err: `GITSCRUM_AUDIT_RETENTION="3 months": want a number of days like 90d`},
		{name: "negative retention", args: []string{"--audit-retention=-1d"}, err: `want a number of days like 90d`},
		{name: "retention too long", args: []string{"--audit-retention=3651d"}, err: `to 3650d`},
		{name: "bad max conns", environ: map[string]string{state.EnvDBMaxConns: "-1"}, err: `GITSCRUM_DB_MAX_CONNS="-1": want a whole number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse(t, tc.environ, tc.args...)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, c)
		})
	}
}

// TestURL: a sandbox without a database is in memory; a named database wins over
// the sandbox; nothing named is the default file.
func TestURL(t *testing.T) {
	assert.Equal(t, store.MemoryURL, state.Config{}.URL(true))
	assert.Equal(t, "", state.Config{}.URL(false))
	assert.Equal(t, "/x.db", state.Config{Database: "/x.db"}.URL(true))
}

// TestDescribe: a PostgreSQL URL is logged without its password.
func TestDescribe(t *testing.T) {
	assert.Equal(t, "postgres://bridge:xxxxx@db:5432/state?sslmode=require", state.Describe("postgres://bridge:s3cret@db:5432/state?sslmode=require"))
	assert.NotContains(t, state.Describe("postgresql://bridge:s3cret@db/state"), "s3cret")
	assert.Equal(t, "/var/lib/gitscrum-bridge/state.db", state.Describe("/var/lib/gitscrum-bridge/state.db"))
	t.Setenv("XDG_STATE_HOME", "/xdg")
	assert.Equal(t, "/xdg/gitscrum-bridge/state.db", state.Describe(""))
}
