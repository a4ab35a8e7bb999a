package accounts_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// names returns the names of a list of clients.
func names(cs []gitscrum.ClientCompany) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func TestEachPersonActsWithTheirOwnToken(t *testing.T) {
	eachStore(t, accounts.Options{}, func(t *testing.T, e *env) {
		ctx := ctxT(t, 30*time.Second)
		_, _, err := e.svc.Client(ctx, ada)
		require.ErrorIs(t, err, accounts.ErrNotLinked)
		_, err = e.svc.Whoami(ctx, ada)
		require.ErrorIs(t, err, accounts.ErrNotLinked)

		acctA := e.link(t, e.svc, ada, e.tokenA, wsA)
		acctB := e.link(t, e.svc, bob, e.tokenB, wsB)
		assert.True(t, strings.HasPrefix(acctA.ID, "acct_"), acctA.ID)
		assert.NotEqual(t, acctA.ID, acctB.ID)
		assert.Equal(t, wsA, acctA.Workspace)
		assert.True(t, acctA.Since.Equal(e.clock.Now().Truncate(time.Microsecond)), "linked now: %s", acctA.Since)
		assert.True(t, acctA.Broken.IsZero())

		cases := []struct {
			who       accounts.Identity
			token     string
			sees      string
			seesNot   string
			wantNames []string
		}{
			{ada, e.tokenA, wsA, wsB, []string{"Acme Only Co"}},
			{bob, e.tokenB, wsB, wsA, []string{"Globex Only Co"}},
		}
		for _, tc := range cases {
			c, acct, err := e.svc.Client(ctx, tc.who)
			require.NoError(t, err)
			assert.Equal(t, tc.sees, acct.Workspace)
			e.srv.ResetRequests()
			got, err := c.ListClients(ctx, tc.sees)
			require.NoError(t, err)
			assert.Equal(t, tc.wantNames, names(got))
			_, err = c.ListClients(ctx, tc.seesNot)
			require.ErrorIs(t, err, gitscrum.ErrNotFound, "%s never sees what only the other's token sees", tc.who.UserID)
			assert.Equal(t, []string{"Bearer " + tc.token, "Bearer " + tc.token}, e.tokensSent(), "GitScrum sees the person's own token")
		}

		who, err := e.svc.Whoami(ctx, ada)
		require.NoError(t, err)
		assert.Equal(t, acctA, who)

		found, err := e.svc.Disconnect(ctx, ada)
		require.NoError(t, err)
		assert.True(t, found)
		_, _, err = e.svc.Client(ctx, ada)
		require.ErrorIs(t, err, accounts.ErrNotLinked, "disconnected at once, cache included")
		_, err = e.svc.Whoami(ctx, ada)
		require.ErrorIs(t, err, accounts.ErrNotLinked)
		found, err = e.svc.Disconnect(ctx, ada)
		require.NoError(t, err)
		assert.False(t, found, "nothing left to disconnect")
		_, acct, err := e.svc.Client(ctx, bob)
		require.NoError(t, err, "the other person stays linked")
		assert.Equal(t, acctB, acct)
	})
}

func TestCompleteLinkRefusesWhatThePersonCanFix(t *testing.T) {
	eachStore(t, accounts.Options{MaxLinkFailures: 100}, func(t *testing.T, e *env) {
		ctx := ctxT(t, 30*time.Second)
		secret, _, err := e.svc.NewLink(ctx, ada, accounts.LinkRequest{UserName: "Ada", ChannelID: "C1", Workspace: wsA})
		require.NoError(t, err)

		cases := []struct {
			name       string
			token, ws  string
			field      string
			gitscrum   error // the class of the cause, when GitScrum refused
			sentTokens int   // requests made to GitScrum
		}{
			{"a token GitScrum refuses", "gs_forged_0123456789", wsA, "token", gitscrum.ErrUnauthorized, 1},
			{"a workspace the token does not see", e.tokenA, wsB, "workspace", gitscrum.ErrNotFound, 1},
			{"a workspace that does not exist", e.tokenA, "no-such-co", "workspace", gitscrum.ErrNotFound, 1},
			{"no token", " \n\t ", wsA, "token", nil, 0},
			{"a token too long", strings.Repeat("x", accounts.MaxTokenLen+1), wsA, "token", nil, 0},
			{"a token of other characters", "gs_tökén", wsA, "token", nil, 0},
			{"a token with a control character", "gs_a\x00b", wsA, "token", nil, 0},
			{"no workspace", e.tokenA, "  ", "workspace", nil, 0},
			{"a malformed workspace", e.tokenA, "acme/inc", "workspace", nil, 0},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e.srv.ResetRequests()
				_, _, err := e.svc.CompleteLink(ctx, secret, tc.token, tc.ws)
				var fe *accounts.FormError
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, tc.field, fe.Field)
				assert.NotEmpty(t, fe.Message)
				if tc.gitscrum != nil {
					assert.ErrorIs(t, err, tc.gitscrum)
				}
				assert.Len(t, e.srv.Requests(), tc.sentTokens, "GitScrum is asked once, and only about a well-formed token")
				if len(tc.token) > 4 {
					assert.NotContains(t, err.Error(), tc.token, "an error never holds the token")
					assert.NotContains(t, fe.Message, tc.token)
				}
			})
		}
		// GitScrum out of reach: a plain error, not the person's fault.
		e.srv.FailNext(10, 503, 0)
		_, _, err = e.svc.CompleteLink(ctx, secret, e.tokenA, wsA)
		require.ErrorIs(t, err, gitscrum.ErrUnavailable)
		var fe *accounts.FormError
		assert.False(t, errors.As(err, &fe), "GitScrum down is no form error")
		e.srv.FailNext(0, 0, 0)

		// The link still works after those failures, and links the right token.
		_, _, err = e.svc.CompleteLink(ctx, secret, e.tokenA, wsA)
		require.NoError(t, err)
		c, _, err := e.svc.Client(ctx, ada)
		require.NoError(t, err)
		_, err = c.ListClients(ctx, wsA)
		require.NoError(t, err)
	})
}

func TestLinkStates(t *testing.T) {
	eachStore(t, accounts.Options{}, func(t *testing.T, e *env) {
		ctx := ctxT(t, 30*time.Second)
		secret, expires, err := e.svc.NewLink(ctx, ada, accounts.LinkRequest{UserName: "Ada Lovelace", ChannelID: "C42", Workspace: " acme "})
		require.NoError(t, err)
		assert.Len(t, secret, 43, "32 random bytes, base64url without padding")
		assert.NotContains(t, secret, "=")
		assert.WithinDuration(t, e.clock.Now().Add(accounts.DefaultLinkTTL), expires, time.Millisecond)

		l, err := e.svc.Link(ctx, secret)
		require.NoError(t, err)
		assert.Equal(t, accounts.Link{Identity: ada, UserName: "Ada Lovelace", ChannelID: "C42", Workspace: wsA, Expires: expires.UTC()}, l)

		unknown := []string{"", "short", strings.Repeat("A", 43), strings.Repeat("A", 42) + "=", secret + "x", strings.Repeat("é", 40)}
		for _, s := range unknown {
			_, err := e.svc.Link(ctx, s)
			assert.ErrorIs(t, err, accounts.ErrLinkUnknown, "%q", s)
			_, _, err = e.svc.CompleteLink(ctx, s, e.tokenA, wsA)
			assert.ErrorIs(t, err, accounts.ErrLinkUnknown, "%q", s)
		}

		_, _, err = e.svc.CompleteLink(ctx, secret, e.tokenA, wsA)
		require.NoError(t, err)
		_, err = e.svc.Link(ctx, secret)
		assert.ErrorIs(t, err, accounts.ErrLinkUsed)
		e.srv.ResetRequests()
		_, _, err = e.svc.CompleteLink(ctx, secret, e.tokenB, wsB)
		assert.ErrorIs(t, err, accounts.ErrLinkUsed, "single use")
		assert.Empty(t, e.srv.Requests(), "a used link checks no token")

		expiring, _, err := e.svc.NewLink(ctx, bob, accounts.LinkRequest{})
		require.NoError(t, err)
		e.clock.Add(accounts.DefaultLinkTTL)
		_, err = e.svc.Link(ctx, expiring)
		assert.ErrorIs(t, err, accounts.ErrLinkExpired)
		_, _, err = e.svc.CompleteLink(ctx, expiring, e.tokenB, wsB)
		assert.ErrorIs(t, err, accounts.ErrLinkExpired)
		assert.Empty(t, e.srv.Requests(), "an expired link checks no token")
		_, _, err = e.svc.Client(ctx, bob)
		assert.ErrorIs(t, err, accounts.ErrNotLinked)

		_, _, err = e.svc.NewLink(ctx, accounts.Identity{TeamID: "T1"}, accounts.LinkRequest{})
		assert.Error(t, err, "a link needs a whole identity")
	})
}

func TestBrokenUntilLinkedAgain(t *testing.T) {
	eachStore(t, accounts.Options{}, func(t *testing.T, e *env) {
		ctx := ctxT(t, 30*time.Second)
		first := e.link(t, e.svc, ada, e.tokenA, wsA)
		_, _, err := e.svc.Client(ctx, ada)
		require.NoError(t, err)

		e.clock.Add(time.Second) // within the cache's TTL
		require.NoError(t, e.svc.MarkBroken(ctx, ada, first.ID))
		c, acct, err := e.svc.Client(ctx, ada)
		require.ErrorIs(t, err, accounts.ErrBroken, "broken at once, cache included")
		assert.Nil(t, c)
		assert.Equal(t, first.ID, acct.ID, "the account comes with ErrBroken")
		assert.True(t, acct.Broken.Equal(e.clock.Now().Truncate(time.Microsecond)), "broken now: %s", acct.Broken)
		who, err := e.svc.Whoami(ctx, ada)
		require.NoError(t, err, "Whoami says broken without an error")
		assert.Equal(t, acct, who)

		second := e.link(t, e.svc, ada, e.tokenA, wsA)
		assert.NotEqual(t, first.ID, second.ID)
		_, acct, err = e.svc.Client(ctx, ada)
		require.NoError(t, err, "linked again, it works")
		assert.True(t, acct.Broken.IsZero())

		// A late 401 of the first account leaves the second alone.
		require.NoError(t, e.svc.MarkBroken(ctx, ada, first.ID))
		_, _, err = e.svc.Client(ctx, ada)
		require.NoError(t, err)
	})
}

func TestCacheServesUntilItsTTL(t *testing.T) {
	eachStore(t, accounts.Options{CacheTTL: 5 * time.Second}, func(t *testing.T, e *env) {
		ctx := ctxT(t, 30*time.Second)
		e.link(t, e.svc, ada, e.tokenA, wsA)
		warm, _, err := e.svc.Client(ctx, ada)
		require.NoError(t, err)
		again, _, err := e.svc.Client(ctx, ada)
		require.NoError(t, err)
		assert.Same(t, warm, again, "the second call is served from memory")

		// Another replica disconnects the person: this one serves its cached
		// client until the TTL ends, no longer.
		replica := e.newService(t, e.keys, accounts.Options{Now: e.clock.Now})
		found, err := replica.Disconnect(ctx, ada)
		require.NoError(t, err)
		require.True(t, found)
		e.clock.Add(4 * time.Second)
		_, _, err = e.svc.Client(ctx, ada)
		require.NoError(t, err, "within the TTL, the cached client")
		e.clock.Add(time.Second)
		_, _, err = e.svc.Client(ctx, ada)
		require.ErrorIs(t, err, accounts.ErrNotLinked, "after the TTL, the store again")

		// Without a cache, every call reads the store.
		uncached := e.newService(t, e.keys, accounts.Options{CacheTTL: -1, Now: e.clock.Now})
		e.link(t, uncached, bob, e.tokenB, wsB)
		a, _, err := uncached.Client(ctx, bob)
		require.NoError(t, err)
		b, _, err := uncached.Client(ctx, bob)
		require.NoError(t, err)
		assert.NotSame(t, a, b)
	})
}

func TestNewNeedsItsParts(t *testing.T) {
	e := newEnv(t, "sqlite::memory:", accounts.Options{})
	_, err := accounts.New(e.st, nil, e.base, accounts.Options{})
	require.ErrorIs(t, err, accounts.ErrNoKey)
	assert.Contains(t, err.Error(), "openssl rand -base64 32")
	_, err = accounts.New(nil, e.keys, e.base, accounts.Options{})
	require.Error(t, err)
	_, err = accounts.New(e.st, e.keys, nil, accounts.Options{})
	require.Error(t, err)
}
