package accounts_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/gitscrumtest"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

// The emulator's workspaces: person A's token sees acme only, person B's globex
// only.
const (
	wsA = "acme"
	wsB = "globex"
)

var (
	ada   = accounts.Identity{TeamID: "T0001", UserID: "U0ADA"}
	bob   = accounts.Identity{TeamID: "T0001", UserID: "U0BOB"}
	adaT2 = accounts.Identity{TeamID: "T0002", UserID: "U0ADA"} // the same user id in another Slack workspace
)

// fastRetry keeps the tests of GitScrum failures quick.
var fastRetry = gitscrum.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: time.Second}

// clock is a test's clock, moved by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a service over a real store and the emulator served over HTTP.
type env struct {
	srv            *emulator.Server
	base           *gitscrum.Client
	st             *store.Store
	databaseURL    string
	keys           *accounts.Keyring
	svc            *accounts.Service
	clock          *clock
	tokenA, tokenB string // member tokens: A sees acme, B globex
}

// backend is a store the tests run on.
type backend struct {
	name string
	url  func(t testing.TB) string
}

// backends are SQLite in memory and PostgreSQL (skipped without
// GITSCRUM_TEST_POSTGRES_URL).
var backends = []backend{
	{"sqlite", func(testing.TB) string { return store.MemoryURL }},
	{"postgres", func(t testing.TB) string { return storetest.NewPostgresURL(t) }},
}

// eachStore runs f as a subtest per backend, with a new env.
func eachStore(t *testing.T, opts accounts.Options, f func(t *testing.T, e *env)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, newEnv(t, b.url(t), opts)) })
	}
}

// randomToken returns a distinctive random token.
func randomToken(prefix string) string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// newEnv returns an env of the database databaseURL with a new ephemeral key.
func newEnv(t testing.TB, databaseURL string, opts accounts.Options) *env {
	t.Helper()
	e := &env{
		srv:         emulator.New(),
		databaseURL: databaseURL,
		keys:        accounts.NewEphemeralKeyring(),
		clock:       &clock{now: time.Now()},
		tokenA:      randomToken("gsA_"),
		tokenB:      randomToken("gsB_"),
	}
	e.srv.AddWorkspace(wsA)
	e.srv.AddWorkspace(wsB)
	e.srv.AddClients(wsA, gitscrum.ClientCompany{Name: "Acme Only Co"})
	e.srv.AddClients(wsB, gitscrum.ClientCompany{Name: "Globex Only Co"})
	e.srv.AddMemberToken(e.tokenA, wsA)
	e.srv.AddMemberToken(e.tokenB, wsB)
	e.base = gitscrumtest.NewClient(t, e.srv, gitscrum.WithRetryPolicy(fastRetry))
	e.st = storetest.Open(t, databaseURL)
	if opts.Now == nil {
		opts.Now = e.clock.Now
	}
	e.svc = e.newService(t, e.keys, opts)
	return e
}

// newService returns a service of e's store and emulator under keys.
func (e *env) newService(t testing.TB, keys *accounts.Keyring, opts accounts.Options) *accounts.Service {
	t.Helper()
	svc, err := accounts.New(e.st, keys, e.base, opts)
	require.NoError(t, err)
	return svc
}

// link links token on workspace for id through a new one-time link.
func (e *env) link(t testing.TB, svc *accounts.Service, id accounts.Identity, token, workspace string) accounts.Account {
	t.Helper()
	ctx := ctxT(t, 30*time.Second)
	secret, _, err := svc.NewLink(ctx, id, accounts.LinkRequest{UserName: "Person " + id.UserID, ChannelID: "C1", Workspace: workspace})
	require.NoError(t, err)
	l, acct, err := svc.CompleteLink(ctx, secret, token, workspace)
	require.NoError(t, err)
	require.Equal(t, id, l.Identity)
	return acct
}

// tokensSent returns the bearer tokens of the emulator's requests since the last
// reset.
func (e *env) tokensSent() []string {
	var out []string
	for _, r := range e.srv.Requests() {
		out = append(out, r.Header.Get("Authorization"))
	}
	return out
}

// ctxT returns a context that ends after d, when the test ends at the latest.
func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
