package state

import (
	"flag"
	"net/url"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/settings"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// Environment variables read by [FromEnv].
const (
	// EnvDatabase names the database: a file path or sqlite:PATH (SQLite), or
	// postgres://… (PostgreSQL).
	EnvDatabase = "GITSCRUM_DATABASE_URL"
	// EnvDBMaxConns bounds the connections to the database.
	EnvDBMaxConns = "GITSCRUM_DB_MAX_CONNS"
	// EnvDBMaxIdleConns bounds the idle connections kept open.
	EnvDBMaxIdleConns = "GITSCRUM_DB_MAX_IDLE_CONNS"
	// EnvAuditRetention is how long audit entries are kept.
	EnvAuditRetention = "GITSCRUM_AUDIT_RETENTION"
	// EnvCreateLockTTL is the lease of a create (or update) lock across replicas.
	EnvCreateLockTTL = "GITSCRUM_CREATE_LOCK_TTL"
)

// DefaultAuditRetention is how long audit entries are kept unless told otherwise.
const DefaultAuditRetention = 90 * 24 * time.Hour

// Config says which database holds the state and how to use it.
type Config struct {
	// Database is the database URL; "" is [store.DefaultPath], or
	// [store.MemoryURL] in a sandbox.
	Database string
	// MaxConns bounds the connections to the database; 0 is the store's default
	// (10 on PostgreSQL, 4 on a SQLite file).
	MaxConns int
	// MaxIdleConns bounds the idle connections; 0 is the store's default (half
	// of MaxConns).
	MaxIdleConns int
	// AuditRetention is how long audit entries are kept; 0 keeps them forever.
	AuditRetention time.Duration
	// CreateLockTTL is the lease of a write's lock across replicas, and so how
	// long a replica that died holding one blocks its name; 0 is
	// gitscrum.DefaultCreateLockTTL.
	CreateLockTTL time.Duration
}

// FromEnv returns the configuration the environment gives, with defaults.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{Database: strings.TrimSpace(getenv(EnvDatabase)), AuditRetention: DefaultAuditRetention}
	for _, err := range []error{
		settings.FromEnvVar(getenv, EnvDBMaxConns, &c.MaxConns, settings.ParseCount),
		settings.FromEnvVar(getenv, EnvDBMaxIdleConns, &c.MaxIdleConns, settings.ParseCount),
		settings.FromEnvVar(getenv, EnvAuditRetention, &c.AuditRetention, settings.ParseRetention),
		settings.FromEnvVar(getenv, EnvCreateLockTTL, &c.CreateLockTTL, settings.ParseTimeout),
	} {
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

// RegisterFlags adds --database, --db-max-conns, --db-max-idle-conns,
// --create-lock-ttl and --audit-retention to fs, with the current values as defaults, so flags parsed
// later win over the environment.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Database, "database", c.Database, "the state store: a SQLite file `path` or sqlite:PATH (one replica only), or postgres://… for replicas; "+
		"default $XDG_STATE_HOME/gitscrum-bridge/state.db (~/.local/state/… without it), in memory with --sandbox (env "+EnvDatabase+")")
	settings.CountVar(fs, &c.MaxConns, "db-max-conns", "open at most `n` connections to the state store's database; 0 is 10 on PostgreSQL, 4 on SQLite (env "+EnvDBMaxConns+")")
	settings.CountVar(fs, &c.MaxIdleConns, "db-max-idle-conns", "keep at most `n` idle connections to the database; 0 is half of --db-max-conns (env "+EnvDBMaxIdleConns+")")
	settings.TimeoutVar(fs, &c.CreateLockTTL, "create-lock-ttl", "a create or update holds its lock across replicas at most this `duration`, "+
		"so a replica that died holding one blocks that name this long; default 1m (env "+EnvCreateLockTTL+")")
	settings.RetentionVar(fs, &c.AuditRetention, "audit-retention", "keep audit entries this long, a number of days like 90d or a `duration`; 0 keeps them forever (env "+EnvAuditRetention+")")
}

// URL is the database to open: Database, or the in-memory database in a sandbox
// when none is named ("" is the default file: see [store.DefaultPath]).
func (c Config) URL(sandbox bool) string {
	if c.Database == "" && sandbox {
		return store.MemoryURL
	}
	return c.Database
}

// Describe names a database URL for logs, without its password: a PostgreSQL URL
// redacted, a SQLite path as it is, "" as the default path.
func Describe(databaseURL string) string {
	switch {
	case databaseURL == "":
		p, err := store.DefaultPath()
		if err != nil {
			return "(default path: " + err.Error() + ")"
		}
		return p
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		u, err := url.Parse(databaseURL)
		if err != nil {
			return "postgres://(unreadable URL)"
		}
		return u.Redacted()
	}
	return databaseURL
}
