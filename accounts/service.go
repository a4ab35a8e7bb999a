package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// The defaults of [Options].
const (
	DefaultCacheTTL        = 5 * time.Second
	DefaultLinkTTL         = 10 * time.Minute
	DefaultMaxLinkFailures = 5
)

// Options tune a [Service]. The zero value is fine: each zero field takes the
// default its comment names.
type Options struct {
	// CacheTTL is how long a person's client is kept in memory after it was read
	// from the store: default [DefaultCacheTTL]; below 0, never kept. A
	// disconnect, a broken mark or a new link in this process drops it at once;
	// another replica's may serve it until it expires.
	CacheTTL time.Duration
	// CacheSize bounds the people whose client is kept: default
	// [DefaultCacheSize].
	CacheSize int
	// LinkTTL is how long a one-time link works: default [DefaultLinkTTL].
	LinkTTL time.Duration
	// MaxLinkFailures is how many failed attempts (a token or workspace refused)
	// burn a link: default [DefaultMaxLinkFailures].
	MaxLinkFailures int
	// Now is the clock: default time.Now.
	Now func() time.Time
	// Logger receives the service's events (an account linked, disconnected,
	// marked broken, resealed); nil discards them. No event holds a token.
	Logger *slog.Logger
}

// withDefaults returns o with each zero field set to its default.
func (o Options) withDefaults() Options {
	if o.CacheTTL == 0 {
		o.CacheTTL = DefaultCacheTTL
	}
	if o.CacheSize <= 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.LinkTTL <= 0 {
		o.LinkTTL = DefaultLinkTTL
	}
	if o.MaxLinkFailures <= 0 {
		o.MaxLinkFailures = DefaultMaxLinkFailures
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Service links people's GitScrum accounts and gives each person's client. It is
// safe for concurrent use.
type Service struct {
	st    *store.Store
	keys  *Keyring
	base  *gitscrum.Client
	opts  Options
	cache *clientCache
}

// New returns the service of the accounts in st, sealed under keys, whose
// clients are copies of base with each person's token ([gitscrum.Client.WithToken]:
// they share base's connections, list cache and limits). Without keys it
// returns [ErrNoKey]. It reads nothing: call [Service.CheckKeys] at start.
func New(st *store.Store, keys *Keyring, base *gitscrum.Client, opts Options) (*Service, error) {
	switch {
	case keys == nil:
		return nil, ErrNoKey
	case st == nil:
		return nil, errors.New("accounts: no state store")
	case base == nil:
		return nil, errors.New("accounts: no GitScrum client")
	}
	opts = opts.withDefaults()
	return &Service{st: st, keys: keys, base: base, opts: opts, cache: newClientCache(opts.CacheSize)}, nil
}

// ErrWrongKey is matched by the error of [Service.CheckKeys] when accounts are
// sealed under a key the keyring does not hold.
var ErrWrongKey = errors.New("linked accounts are sealed under a key that is not configured")

// CheckKeys reads the ids of the keys the stored accounts are sealed under, and
// nothing else, and refuses (an error matching [ErrWrongKey] that names
// [EnvKey] and [EnvOldKeys]) when one of them is neither the current key nor an
// old one: started with a wrong key, the service would open no token. A binary
// calls it at start and refuses to link with the error.
func (s *Service) CheckKeys(ctx context.Context) error {
	ids, err := s.st.AccountKeyIDs(ctx)
	if err != nil {
		return fmt.Errorf("accounts: reading the key ids of the linked accounts: %w", err)
	}
	var missing []string
	for _, id := range ids {
		if !s.keys.has(id) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("accounts: %w: some are sealed under key id %s, but %s is key id %s and %s holds no such key: "+
			"set %s to the key they were sealed with (or list it in %s), or disconnect them",
			ErrWrongKey, strings.Join(missing, ", "), EnvKey, s.keys.KeyID(), EnvOldKeys, EnvKey, EnvOldKeys)
	}
	return nil
}

// newAccountID returns a random account id: "acct_" and 24 base32 characters
// (120 bits).
func newAccountID() string {
	var b [15]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return "acct_" + strings.ToLower(base32.StdEncoding.EncodeToString(b[:]))
}

// account returns the Account of a stored row.
func account(a store.Account) Account {
	return Account{ID: a.ID, Workspace: a.Workspace, Since: a.Created, Broken: a.Broken}
}

// valid reports whether the identity names a person.
func (id Identity) valid() bool { return id.TeamID != "" && id.UserID != "" }
