package store_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// account returns an account of id sealed under keyID (the sealed bytes are
// stand-ins: the store never opens them).
func account(id, keyID string) store.Account {
	at := time.Date(2026, 3, 1, 9, 0, 0, 123456000, time.UTC)
	return store.Account{
		ID: id, Workspace: "acme", KeyID: keyID,
		Sealed: []byte("sealed:" + id), TokenMAC: []byte("mac:" + id),
		Created: at, Updated: at,
	}
}

func TestAccountsLinkReadUnlink(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		u := b.newDB(t)
		s, other := openStore(t, u, testOpts()), openStore(t, u, testOpts())
		ctx := ctxT(t, 30*time.Second)

		_, ok, err := s.IdentityAccount(ctx, "T1", "U1")
		require.NoError(t, err)
		assert.False(t, ok, "no account before linking")

		a1 := account("acct-1", "k1")
		require.NoError(t, s.LinkIdentity(ctx, "T1", "U1", a1))
		got, ok, err := other.IdentityAccount(ctx, "T1", "U1")
		require.NoError(t, err)
		require.True(t, ok, "another replica reads the link")
		assert.Equal(t, a1, got)

		// The same user id in another team is another identity.
		a2 := account("acct-2", "k1")
		a2.Workspace = "globex"
		require.NoError(t, s.LinkIdentity(ctx, "T2", "U1", a2))
		got, ok, err = s.IdentityAccount(ctx, "T2", "U1")
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, "globex", got.Workspace)
		got, _, err = s.IdentityAccount(ctx, "T1", "U1")
		require.NoError(t, err)
		assert.Equal(t, "acct-1", got.ID, "linking T2/U1 leaves T1/U1 alone")

		// Linking again replaces the account, and the old one goes.
		a3 := account("acct-3", "k2")
		require.NoError(t, s.LinkIdentity(ctx, "T1", "U1", a3))
		got, _, err = s.IdentityAccount(ctx, "T1", "U1")
		require.NoError(t, err)
		assert.Equal(t, a3, got)
		assert.Equal(t, 2, count(t, u, "accounts"), "the account left without identities is deleted")
		assert.Equal(t, 2, count(t, u, "slack_identities"))

		ids, err := other.AccountKeyIDs(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{"k1", "k2"}, ids)

		// Broken once.
		at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		marked, err := s.MarkBroken(ctx, "acct-3", at)
		require.NoError(t, err)
		assert.True(t, marked)
		marked, err = other.MarkBroken(ctx, "acct-3", at.Add(time.Hour))
		require.NoError(t, err)
		assert.False(t, marked, "an account broken already is not marked again")
		got, _, err = s.IdentityAccount(ctx, "T1", "U1")
		require.NoError(t, err)
		assert.True(t, got.Broken.Equal(at), "broken at the first time: %s", got.Broken)
		marked, err = s.MarkBroken(ctx, "no-such-account", at)
		require.NoError(t, err)
		assert.False(t, marked)

		// Unlinking deletes the identity and its account at once.
		found, err := other.UnlinkIdentity(ctx, "T1", "U1")
		require.NoError(t, err)
		assert.True(t, found)
		_, ok, err = s.IdentityAccount(ctx, "T1", "U1")
		require.NoError(t, err)
		assert.False(t, ok)
		assert.Equal(t, 1, count(t, u, "accounts"), "the unlinked account row is gone")
		found, err = s.UnlinkIdentity(ctx, "T1", "U1")
		require.NoError(t, err)
		assert.False(t, found, "nothing left to unlink")
		got, ok, err = s.IdentityAccount(ctx, "T2", "U1")
		require.NoError(t, err)
		assert.True(t, ok, "the other team's identity stays")
		assert.Equal(t, "acct-2", got.ID)

		bad := []struct {
			name       string
			team, user string
			edit       func(*store.Account)
		}{
			{"no team", "", "U1", func(*store.Account) {}},
			{"no user", "T1", "", func(*store.Account) {}},
			{"no id", "T1", "U1", func(a *store.Account) { a.ID = "" }},
			{"no key id", "T1", "U1", func(a *store.Account) { a.KeyID = "" }},
			{"nothing sealed", "T1", "U1", func(a *store.Account) { a.Sealed = nil }},
			{"no MAC", "T1", "U1", func(a *store.Account) { a.TokenMAC = nil }},
		}
		for _, tc := range bad {
			a := account("acct-bad", "k1")
			tc.edit(&a)
			assert.ErrorIs(t, s.LinkIdentity(ctx, tc.team, tc.user, a), store.ErrInvalid, tc.name)
		}
	})
}

func TestAccountsLinkedAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		u := b.newDB(t)
		a, c := openStore(t, u, testOpts()), openStore(t, u, testOpts())
		ctx := ctxT(t, 60*time.Second)
		require.NoError(t, a.LinkIdentity(ctx, "T1", "U1", account("acct-0", "k1")))
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				s := []*store.Store{a, c}[i%2]
				assert.NoError(t, s.LinkIdentity(ctx, "T1", "U1", account(fmt.Sprintf("acct-%d", i+1), "k1")))
			})
		}
		wg.Wait()
		assert.Equal(t, 1, count(t, u, "accounts"), "of eight links of one identity at once, one account is left")
		found, err := c.UnlinkIdentity(ctx, "T1", "U1")
		require.NoError(t, err)
		assert.True(t, found)
		assert.Equal(t, 0, count(t, u, "accounts"))
	})
}

func TestAccountsResealCompareAndSwap(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		u := b.newDB(t)
		a, c := openStore(t, u, testOpts()), openStore(t, u, testOpts())
		ctx := ctxT(t, 60*time.Second)
		for i := range 5 {
			require.NoError(t, a.LinkIdentity(ctx, "T1", fmt.Sprintf("U%d", i), account(fmt.Sprintf("acct-%d", i), "old")))
		}
		require.NoError(t, a.LinkIdentity(ctx, "T1", "U9", account("acct-9", "new")))

		// Paged by id.
		var seen []string
		after := ""
		for {
			page, err := c.AccountsUnderKey(ctx, "old", after, 2)
			require.NoError(t, err)
			if len(page) == 0 {
				break
			}
			assert.LessOrEqual(t, len(page), 2)
			for _, acct := range page {
				assert.Equal(t, "old", acct.KeyID)
				seen = append(seen, acct.ID)
			}
			after = page[len(page)-1].ID
		}
		assert.Equal(t, []string{"acct-0", "acct-1", "acct-2", "acct-3", "acct-4"}, seen)

		resealed := account("acct-0", "new")
		resealed.Sealed, resealed.TokenMAC = []byte("resealed"), []byte("remac")
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				ok, err := []*store.Store{a, c}[i%2].ResealAccount(ctx, resealed, "old")
				assert.NoError(t, err)
				if ok {
					wins.Add(1)
				}
			})
		}
		wg.Wait()
		assert.EqualValues(t, 1, wins.Load(), "of ten reseals of one row at once, one writes it")
		got, _, err := a.IdentityAccount(ctx, "T1", "U0")
		require.NoError(t, err)
		assert.Equal(t, "new", got.KeyID)
		assert.Equal(t, []byte("resealed"), got.Sealed)
		assert.Equal(t, []byte("remac"), got.TokenMAC)
		assert.True(t, got.Created.Equal(account("acct-0", "old").Created), "resealing keeps when it was linked")

		ok, err := a.ResealAccount(ctx, account("acct-1", "new"), "elsewhere")
		require.NoError(t, err)
		assert.False(t, ok, "a row not under fromKeyID is left alone")
		ids, err := a.AccountKeyIDs(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{"new", "old"}, ids)
	})
}
