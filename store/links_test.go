package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// link returns a link of T1/U1 expiring at expires.
func link(expires time.Time) store.LinkToken {
	return store.LinkToken{TeamID: "T1", UserID: "U1", UserName: "Ada Lovelace", ChannelID: "C1", Workspace: "acme", Expires: expires}
}

func TestLinksUsedOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		u := b.newDB(t)
		s, other := openStore(t, u, testOpts()), openStore(t, u, testOpts())
		ctx := ctxT(t, 30*time.Second)
		now := time.Now()
		expires := now.Add(10 * time.Minute).Truncate(time.Microsecond).UTC()

		require.NoError(t, s.PutLink(ctx, "secret-1", link(expires)))
		require.ErrorIs(t, s.PutLink(ctx, "secret-1", link(expires)), store.ErrInvalid, "one secret, one link")

		got, ok, err := other.GetLink(ctx, "secret-1")
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, link(expires), got)
		_, ok, err = other.GetLink(ctx, "secret-2")
		require.NoError(t, err)
		assert.False(t, ok)

		got, st, err := other.UseLink(ctx, "secret-1", now)
		require.NoError(t, err)
		assert.Equal(t, store.LinkUsable, st)
		assert.Equal(t, "U1", got.UserID)
		assert.True(t, got.Used.Equal(now.Truncate(time.Microsecond)), "used now: %s", got.Used)
		_, st, err = s.UseLink(ctx, "secret-1", now)
		require.NoError(t, err)
		assert.Equal(t, store.LinkUsed, st, "a second use is refused")

		require.NoError(t, s.PutLink(ctx, "old", link(now.Add(-time.Second))))
		_, st, err = s.UseLink(ctx, "old", now)
		require.NoError(t, err)
		assert.Equal(t, store.LinkExpired, st)
		_, st, err = s.UseLink(ctx, "never made", now)
		require.NoError(t, err)
		assert.Equal(t, store.LinkUnknown, st)

		// Of many uses of one link at once, over two replicas, one wins.
		require.NoError(t, s.PutLink(ctx, "raced", link(expires)))
		states := make([]store.LinkState, 12)
		var wg sync.WaitGroup
		for i := range states {
			wg.Go(func() {
				_, st, err := []*store.Store{s, other}[i%2].UseLink(ctx, "raced", now)
				assert.NoError(t, err)
				states[i] = st
			})
		}
		wg.Wait()
		usable := 0
		for _, st := range states {
			if st == store.LinkUsable {
				usable++
			} else {
				assert.Equal(t, store.LinkUsed, st)
			}
		}
		assert.Equal(t, 1, usable, "exactly one use wins: %v", states)

		bad := []struct {
			name   string
			secret string
			edit   func(*store.LinkToken)
		}{
			{"no secret", "", func(*store.LinkToken) {}},
			{"no team", "s", func(l *store.LinkToken) { l.TeamID = "" }},
			{"no user", "s", func(l *store.LinkToken) { l.UserID = "" }},
			{"no expiry", "s", func(l *store.LinkToken) { l.Expires = time.Time{} }},
		}
		for _, tc := range bad {
			l := link(expires)
			tc.edit(&l)
			assert.ErrorIs(t, s.PutLink(ctx, tc.secret, l), store.ErrInvalid, tc.name)
		}
	})
}

func TestLinksBurnedAfterFailures(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		s := openStore(t, b.newDB(t), testOpts())
		ctx := ctxT(t, 30*time.Second)
		now := time.Now()
		require.NoError(t, s.PutLink(ctx, "guessy", link(now.Add(time.Hour))))
		for want := 1; want <= 2; want++ {
			n, err := s.FailLink(ctx, "guessy", 3, now)
			require.NoError(t, err)
			assert.Equal(t, want, n)
		}
		got, _, err := s.GetLink(ctx, "guessy")
		require.NoError(t, err)
		assert.True(t, got.Used.IsZero(), "still usable after 2 of 3 failures")
		n, err := s.FailLink(ctx, "guessy", 3, now)
		require.NoError(t, err)
		assert.Equal(t, 3, n)
		_, st, err := s.UseLink(ctx, "guessy", now)
		require.NoError(t, err)
		assert.Equal(t, store.LinkUsed, st, "burned at the third failure")
		n, err = s.FailLink(ctx, "guessy", 3, now)
		require.NoError(t, err)
		assert.Zero(t, n, "a burned link counts no more")
		n, err = s.FailLink(ctx, "unknown", 3, now)
		require.NoError(t, err)
		assert.Zero(t, n)
		_, err = s.FailLink(ctx, "guessy", 0, now)
		assert.ErrorIs(t, err, store.ErrInvalid)
	})
}

func TestChannelSettings(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		u := b.newDB(t)
		s, other := openStore(t, u, testOpts()), openStore(t, u, testOpts())
		ctx := ctxT(t, 30*time.Second)
		by := store.SlackActor("T1", "UADMIN")

		steps := []struct {
			set              bool
			team, ch, slug   string
			wantT1C1, wantT2 string
		}{
			{false, "", "", "", "", ""},
			{true, "T1", "C1", "acme", "acme", ""},
			{true, "T2", "C1", "globex", "acme", "globex"}, // same channel id, another team
			{true, "T1", "C1", "initech", "initech", "globex"},
			{true, "T1", "C1", "", "", "globex"}, // cleared
		}
		for i, st := range steps {
			if st.set {
				require.NoError(t, s.SetChannelWorkspace(ctx, st.team, st.ch, st.slug, by), "step %d", i)
			}
			got, err := other.ChannelWorkspace(ctx, "T1", "C1")
			require.NoError(t, err)
			assert.Equal(t, st.wantT1C1, got, "step %d: T1/C1", i)
			got, err = other.ChannelWorkspace(ctx, "T2", "C1")
			require.NoError(t, err)
			assert.Equal(t, st.wantT2, got, "step %d: T2/C1", i)
		}
		got, err := s.ChannelWorkspace(ctx, "T1", "C2")
		require.NoError(t, err)
		assert.Empty(t, got)
		assert.ErrorIs(t, s.SetChannelWorkspace(ctx, "", "C1", "acme", by), store.ErrInvalid)
	})
}

func TestAuditNamesTheAccount(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		s := openStore(t, b.newDB(t), testOpts())
		ctx := ctxT(t, 30*time.Second)
		e := entry("c-1", time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), "ok")
		e.Account = "acct_0123456789abcdef"
		require.NoError(t, s.Append(ctx, e))
		without := entry("c-1", e.When.Add(-time.Minute), "ok")
		require.NoError(t, s.Append(ctx, without))
		got, err := s.History(ctx, "acme", "c-1", 10)
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, e, got[0])
		assert.Empty(t, got[1].Account, "a write without a linked account names none")

		e.Account = "gs token with spaces"
		assert.ErrorIs(t, s.Append(ctx, e), store.ErrInvalid, "an account is an id, not free text")
	})
}
