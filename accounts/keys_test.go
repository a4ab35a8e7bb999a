package accounts_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

// rawKey returns n random bytes.
func rawKey(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// newKey returns a random key as `openssl rand -base64 32` prints it.
func newKey() string { return base64.StdEncoding.EncodeToString(rawKey(accounts.KeySize)) }

// keyring parses a keyring the test knows is right.
func keyring(t testing.TB, current string, old ...string) *accounts.Keyring {
	t.Helper()
	k, err := accounts.ParseKeyring(current, strings.Join(old, ","))
	require.NoError(t, err)
	return k
}

func TestParseKeyring(t *testing.T) {
	raw := rawKey(accounts.KeySize)
	std := base64.StdEncoding.EncodeToString(raw)
	short := base64.StdEncoding.EncodeToString(rawKey(16))
	long := base64.StdEncoding.EncodeToString(rawKey(64))
	notBase64 := "this is not base64 at all!!" + hex.EncodeToString(rawKey(8))

	good := []struct {
		name, current, old string
	}{
		{"standard base64, as openssl prints it", std, ""},
		{"with the new line of a file", std + "\n", ""},
		{"unpadded", base64.RawStdEncoding.EncodeToString(raw), ""},
		{"URL alphabet", base64.URLEncoding.EncodeToString(raw), ""},
		{"old keys by commas and spaces", newKey(), newKey() + ", " + newKey() + "\n" + newKey()},
		{"the current key among the old", std, std},
	}
	want := keyring(t, std).KeyID()
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			k, err := accounts.ParseKeyring(tc.current, tc.old)
			require.NoError(t, err)
			if tc.current == std || strings.TrimSpace(tc.current) == std || tc.name == "unpadded" || tc.name == "URL alphabet" {
				assert.Equal(t, want, k.KeyID(), "one key, one id, however it is written")
			}
		})
	}

	bad := []struct {
		name, current, old string
		is                 error
		says               []string
		secret             string // never in the error
	}{
		{"no key", "", "", accounts.ErrNoKey, []string{accounts.EnvKey, "openssl rand -base64 32"}, ""},
		{"only old keys", " ", std, accounts.ErrNoKey, []string{accounts.EnvKey, accounts.EnvOldKeys}, std},
		{"not base64", notBase64, "", nil, []string{accounts.EnvKey, "not base64", "openssl rand -base64 32"}, notBase64},
		{"too short", short, "", nil, []string{accounts.EnvKey, "16 bytes, not 32"}, short},
		{"too long", long, "", nil, []string{accounts.EnvKey, "64 bytes, not 32"}, long},
		{"an old key malformed", std, newKey() + "," + short + "," + newKey(), nil, []string{accounts.EnvOldKeys, "key 2 of 3", "16 bytes"}, short},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := accounts.ParseKeyring(tc.current, tc.old)
			require.Error(t, err)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			for _, s := range tc.says {
				assert.Contains(t, err.Error(), s)
			}
			if tc.secret != "" {
				assert.NotContains(t, err.Error(), tc.secret, "an error never shows a key")
				assert.NotContains(t, err.Error(), tc.secret[:12])
			}
			assert.NotContains(t, err.Error(), std[:12])
		})
	}

	// A key id is derived one way: neither the key nor its encodings show in it.
	k := keyring(t, std)
	assert.NotEqual(t, keyring(t, newKey()).KeyID(), k.KeyID(), "two keys, two ids")
	for _, form := range []string{std[:8], hex.EncodeToString(raw)[:8], base64.RawURLEncoding.EncodeToString(raw)[:8]} {
		assert.NotContains(t, k.KeyID(), form)
	}
	assert.NotEqual(t, accounts.NewEphemeralKeyring().KeyID(), accounts.NewEphemeralKeyring().KeyID())
}

// observedStore opens a store of databaseURL whose observer records the
// operations run.
func observedStore(t *testing.T, databaseURL string) (*store.Store, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var ops []string
	s, err := store.Open(context.Background(), databaseURL, store.Options{Observer: func(op string, _ time.Duration, _ error) {
		mu.Lock()
		defer mu.Unlock()
		ops = append(ops, op)
	}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.NoError(t, s.Ready(ctxT(t, 30*time.Second)))
	return s, func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := append([]string(nil), ops...)
		ops = ops[:0]
		return out
	}
}

func TestWrongKeyRefusedAtStart(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			u := b.NewURL(t)
			e := newEnv(t, u, accounts.Options{})
			k1 := newKey()
			e.link(t, e.newService(t, keyring(t, k1), accounts.Options{}), ada, e.tokenA, wsA)

			st, ops := observedStore(t, u)
			ctx := ctxT(t, 30*time.Second)
			k2 := newKey()
			wrong, err := accounts.New(st, keyring(t, k2), e.base, accounts.Options{})
			require.NoError(t, err)
			ops()
			err = wrong.CheckKeys(ctx)
			require.ErrorIs(t, err, accounts.ErrWrongKey)
			for _, s := range []string{accounts.EnvKey, accounts.EnvOldKeys, keyring(t, k1).KeyID(), keyring(t, k2).KeyID()} {
				assert.Contains(t, err.Error(), s)
			}
			for _, key := range []string{k1, k2} {
				assert.NotContains(t, err.Error(), key[:12], "the error names key ids, never a key")
			}
			assert.Equal(t, []string{"account_key_ids"}, ops(), "CheckKeys reads the key ids and nothing else")

			// Used anyway, a wrong key opens nothing, and says why.
			_, _, err = wrong.Client(ctx, ada)
			require.Error(t, err)
			assert.NotErrorIs(t, err, accounts.ErrNotLinked)
			assert.Contains(t, err.Error(), accounts.EnvOldKeys)
			n, err := wrong.RotateKey(ctx)
			require.ErrorIs(t, err, accounts.ErrWrongKey, "nothing is rotated under a wrong key")
			assert.Zero(t, n)

			// With the key among the old ones, it starts.
			right, err := accounts.New(st, keyring(t, k2, k1), e.base, accounts.Options{})
			require.NoError(t, err)
			require.NoError(t, right.CheckKeys(ctx))

			// An empty store starts under any key.
			empty := newEnv(t, b.NewURL(t), accounts.Options{})
			require.NoError(t, empty.svc.CheckKeys(ctx))
		})
	}
}

func TestOldKeyOpensAndReseals(t *testing.T) {
	eachStore(t, accounts.Options{}, func(t *testing.T, e *env) {
		ctx := ctxT(t, 30*time.Second)
		k1, k2 := newKey(), newKey()
		under1 := e.newService(t, keyring(t, k1), accounts.Options{})
		e.link(t, under1, ada, e.tokenA, wsA)

		// Rotated: k2 seals, k1 still opens. The first use reseals.
		rotated := e.newService(t, keyring(t, k2, k1), accounts.Options{})
		require.NoError(t, rotated.CheckKeys(ctx))
		c, _, err := rotated.Client(ctx, ada)
		require.NoError(t, err)
		e.srv.ResetRequests()
		_, err = c.ListClients(ctx, wsA)
		require.NoError(t, err)
		assert.Equal(t, []string{"Bearer " + e.tokenA}, e.tokensSent(), "the old key opened the right token")
		ids, err := e.st.AccountKeyIDs(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{keyring(t, k2).KeyID()}, ids, "resealed under the current key on use")

		// So the old key can go.
		only2 := e.newService(t, keyring(t, k2), accounts.Options{})
		require.NoError(t, only2.CheckKeys(ctx))
		_, _, err = only2.Client(ctx, ada)
		require.NoError(t, err)
	})
}

func TestRotateKey(t *testing.T) {
	eachStore(t, accounts.Options{}, func(t *testing.T, e *env) {
		ctx := ctxT(t, 60*time.Second)
		k1, k2, k3 := newKey(), newKey(), newKey()
		people := []accounts.Identity{ada, bob, adaT2, {TeamID: "T0001", UserID: "U0CAROL"}}
		tokens := map[accounts.Identity]string{}
		for i, p := range people {
			k := k1
			if i == 3 {
				k = k2 // one row is under another old key
			}
			tokens[p] = e.tokenA
			if i%2 == 1 {
				tokens[p] = e.tokenB
			}
			ws := wsA
			if tokens[p] == e.tokenB {
				ws = wsB
			}
			e.link(t, e.newService(t, keyring(t, k), accounts.Options{}), p, tokens[p], ws)
		}

		svc := e.newService(t, keyring(t, k3, k1, k2), accounts.Options{})
		n, err := svc.RotateKey(ctx)
		require.NoError(t, err)
		assert.Equal(t, len(people), n, "every row under an old key is resealed")
		n, err = svc.RotateKey(ctx)
		require.NoError(t, err)
		assert.Zero(t, n, "a second rotation has nothing to do")

		only3 := e.newService(t, keyring(t, k3), accounts.Options{})
		require.NoError(t, only3.CheckKeys(ctx), "the old keys can go")
		for _, p := range people {
			c, _, err := only3.Client(ctx, p)
			require.NoError(t, err, p)
			e.srv.ResetRequests()
			_, _ = c.ListClients(ctx, wsA)
			assert.Equal(t, []string{"Bearer " + tokens[p]}, e.tokensSent(), "%v keeps their own token", p)
		}
	})
}
