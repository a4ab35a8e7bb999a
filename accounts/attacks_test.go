package accounts_test

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
)

func TestTwoSlackWorkspacesAreTwoIdentities(t *testing.T) {
	eachStore(t, accounts.Options{}, func(t *testing.T, e *env) {
		ctx := ctxT(t, 30*time.Second)
		inT1 := e.link(t, e.svc, ada, e.tokenA, wsA)
		inT2 := e.link(t, e.svc, adaT2, e.tokenB, wsB)
		assert.NotEqual(t, inT1.ID, inT2.ID)

		for _, tc := range []struct {
			id    accounts.Identity
			token string
			ws    string
		}{{ada, e.tokenA, wsA}, {adaT2, e.tokenB, wsB}} {
			c, acct, err := e.svc.Client(ctx, tc.id)
			require.NoError(t, err)
			assert.Equal(t, tc.ws, acct.Workspace)
			e.srv.ResetRequests()
			_, err = c.ListClients(ctx, tc.ws)
			require.NoError(t, err)
			assert.Equal(t, []string{"Bearer " + tc.token}, e.tokensSent(), "%s in %s uses its own token", tc.id.UserID, tc.id.TeamID)
		}

		found, err := e.svc.Disconnect(ctx, adaT2)
		require.NoError(t, err)
		require.True(t, found)
		_, _, err = e.svc.Client(ctx, adaT2)
		require.ErrorIs(t, err, accounts.ErrNotLinked)
		_, acct, err := e.svc.Client(ctx, ada)
		require.NoError(t, err, "disconnecting in one Slack workspace leaves the other linked")
		assert.Equal(t, inT1, acct)
	})
}

func TestLinkBurnedAfterMaxFailures(t *testing.T) {
	eachStore(t, accounts.Options{MaxLinkFailures: 3}, func(t *testing.T, e *env) {
		ctx := ctxT(t, 30*time.Second)
		secret, _, err := e.svc.NewLink(ctx, ada, accounts.LinkRequest{})
		require.NoError(t, err)
		for i := range 2 {
			_, _, err := e.svc.CompleteLink(ctx, secret, "gs_guess_"+strings.Repeat("x", i+8), wsA)
			var fe *accounts.FormError
			require.ErrorAs(t, err, &fe, "attempt %d", i+1)
		}
		_, _, err = e.svc.CompleteLink(ctx, secret, e.tokenA, wsB) // a wrong workspace counts too
		require.ErrorIs(t, err, accounts.ErrLinkUsed, "the third failure burns the link")
		var fe *accounts.FormError
		assert.False(t, errors.As(err, &fe), "the burning attempt says the link is gone, not what to fix")

		e.srv.ResetRequests()
		_, _, err = e.svc.CompleteLink(ctx, secret, e.tokenA, wsA)
		require.ErrorIs(t, err, accounts.ErrLinkUsed, "a burned link does not link even the right token")
		assert.Empty(t, e.srv.Requests())
		_, err = e.svc.Link(ctx, secret)
		require.ErrorIs(t, err, accounts.ErrLinkUsed)
		_, _, err = e.svc.Client(ctx, ada)
		require.ErrorIs(t, err, accounts.ErrNotLinked)
	})
}

func TestPastedTokenCleaned(t *testing.T) {
	eachStore(t, accounts.Options{}, func(t *testing.T, e *env) {
		ctx := ctxT(t, 30*time.Second)
		tok := e.tokenA
		pastes := []struct {
			name, paste string
		}{
			{"surrounding white space", "  \t" + tok + "\r\n"},
			{"new lines inside", tok[:10] + "\n" + tok[10:20] + "\r\n" + tok[20:]},
			{"spaces and tabs inside", tok[:5] + " " + tok[5:15] + "\t" + tok[15:]},
			{"zero-width characters", "\ufeff" + tok[:7] + "\u200b" + tok[7:9] + "\u200c\u200d" + tok[9:] + "\u2060"},
			{"non-breaking spaces", "\u00a0" + tok + "\u00a0\u2003"},
			{"a Bearer prefix", "Bearer " + tok},
		}
		for _, p := range pastes {
			t.Run(p.name, func(t *testing.T) {
				secret, _, err := e.svc.NewLink(ctx, ada, accounts.LinkRequest{})
				require.NoError(t, err)
				_, _, err = e.svc.CompleteLink(ctx, secret, p.paste, " "+wsA+"\n")
				require.NoError(t, err)
				c, _, err := e.svc.Client(ctx, ada)
				require.NoError(t, err)
				e.srv.ResetRequests()
				_, err = c.ListClients(ctx, wsA)
				require.NoError(t, err)
				assert.Equal(t, []string{"Bearer " + tok}, e.tokensSent(), "the token as GitScrum issued it")
			})
		}
	})
}

func TestHugeTokenRefusedCheaply(t *testing.T) {
	eachStore(t, accounts.Options{}, func(t *testing.T, e *env) {
		ctx := ctxT(t, 30*time.Second)
		secret, _, err := e.svc.NewLink(ctx, ada, accounts.LinkRequest{})
		require.NoError(t, err)
		megabyte := strings.Repeat("gs_", 1<<20/3) + strings.Repeat("\u200b", 1000)
		e.srv.ResetRequests()
		start := time.Now()
		_, _, err = e.svc.CompleteLink(ctx, secret, megabyte, wsA)
		took := time.Since(start)
		var fe *accounts.FormError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "token", fe.Field)
		assert.Less(t, len(err.Error()), 300, "the error does not echo the input")
		assert.Empty(t, e.srv.Requests(), "GitScrum never sees it")
		assert.Less(t, took, 2*time.Second, "refused without scanning the megabyte (took %s)", took)
		got, err := e.svc.Link(ctx, secret)
		require.NoError(t, err, "one failure does not burn the link")
		assert.Equal(t, ada, got.Identity)

	})
}

func TestDisconnectRacingClient(t *testing.T) {
	eachStore(t, accounts.Options{}, func(t *testing.T, e *env) {
		ctx := ctxT(t, 60*time.Second)
		for round := range 25 {
			// A fresh link each round: the first Client calls miss the cache and
			// read the store while Disconnect deletes.
			e.link(t, e.svc, ada, e.tokenA, wsA)
			var disconnected atomic.Bool
			var late atomic.Int32
			var wg sync.WaitGroup
			start := make(chan struct{})
			for range 6 {
				wg.Go(func() {
					<-start
					for range 20 {
						after := disconnected.Load()
						c, _, err := e.svc.Client(ctx, ada)
						if after {
							late.Add(1)
							if !assert.ErrorIs(t, err, accounts.ErrNotLinked, "round %d: a call begun after Disconnect returned", round) {
								return
							}
							continue
						}
						if err == nil {
							assert.NotNil(t, c)
						} else {
							assert.ErrorIs(t, err, accounts.ErrNotLinked, "round %d", round)
						}
					}
				})
			}
			close(start)
			found, err := e.svc.Disconnect(ctx, ada)
			require.NoError(t, err)
			require.True(t, found)
			disconnected.Store(true)
			wg.Wait()
			_, _, err = e.svc.Client(ctx, ada)
			require.ErrorIs(t, err, accounts.ErrNotLinked, "round %d: nothing stale is left cached", round)
		}
	})
}

func TestOneLinkCompletedAtOnce(t *testing.T) {
	eachStore(t, accounts.Options{}, func(t *testing.T, e *env) {
		ctx := ctxT(t, 30*time.Second)
		secret, _, err := e.svc.NewLink(ctx, ada, accounts.LinkRequest{})
		require.NoError(t, err)
		// Two replicas, as a load balancer would spread the posts.
		replica := e.newService(t, e.keys, accounts.Options{Now: e.clock.Now})
		errs := make([]error, 8)
		accts := make([]accounts.Account, 8)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				_, accts[i], errs[i] = []*accounts.Service{e.svc, replica}[i%2].CompleteLink(ctx, secret, e.tokenA, wsA)
			})
		}
		wg.Wait()
		var won accounts.Account
		wins := 0
		for i, err := range errs {
			if err == nil {
				wins++
				won = accts[i]
				continue
			}
			assert.ErrorIs(t, err, accounts.ErrLinkUsed, "post %d", i)
		}
		require.Equal(t, 1, wins, "exactly one completion wins: %v", errs)
		who, err := e.svc.Whoami(ctx, ada)
		require.NoError(t, err)
		assert.Equal(t, won.ID, who.ID, "the winner's account is the one linked")
		ids, err := e.st.AccountKeyIDs(ctx)
		require.NoError(t, err)
		assert.Len(t, ids, 1)
	})
}
