package gitscrum_test

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// byNameReference is the name order as the Slack list sorted it before the order
// was kept with the snapshot: a stable sort on the normalised name without its
// leading symbols.
func byNameReference(clients []gitscrum.ClientCompany) []string {
	key := func(name string) string {
		return strings.TrimLeftFunc(gitscrum.Normalize(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	}
	sorted := slices.Clone(clients)
	slices.SortStableFunc(sorted, func(a, b gitscrum.ClientCompany) int { return strings.Compare(key(a.Name), key(b.Name)) })
	return uuids(gitscrum.ViewOf(sorted))
}

// uuids returns the UUIDs of a view's clients, in its order.
func uuids(v gitscrum.View) []string {
	out := make([]string, v.Len())
	for i := range out {
		out[i] = v.At(i).UUID
	}
	return out
}

// orderClients are names whose order by name tests case, accents, leading
// symbols, digits and ties, among generated ones.
func orderClients() []gitscrum.ClientCompany {
	special := []string{"zeta", "Zürich AG", "<!channel> Alerts", "  acme", "Acme", "ACME", "Émile & Co", "emile",
		"123 Numbers", "!!!", "", "Ñandú", "nandu", "Straße", "strasse", "日本 Corp", "«Bravo»", "bravo"}
	out := emulator.GenerateClients(400)
	for i, name := range special {
		out = slices.Insert(out, i*20, gitscrum.ClientCompany{Name: name})
	}
	return out
}

// TestByNameOrder: the name order kept with a snapshot is the order the Slack list
// used to sort on every request, for a cached list (built with the listing) and
// for one listed without the cache (built on first use).
func TestByNameOrder(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts []gitscrum.Option
	}{
		{"cached", nil},
		{"cache off", []gitscrum.Option{gitscrum.WithCacheTTL(0)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _ := newEnv(t, tt.opts...)
			srv.AddClients(workspace, orderClients()...)
			ctx := context.Background()
			snap, err := c.Clients(ctx, workspace)
			require.NoError(t, err)
			view, err := snap.ByName(ctx)
			require.NoError(t, err)
			assert.Equal(t, byNameReference(snap.Clients()), uuids(view))
			again, err := snap.ByName(ctx)
			require.NoError(t, err)
			assert.Same(t, view.At(0), again.At(0), "the order is built once and copies no record")
			assert.Equal(t, uuids(gitscrum.ViewOf(snap.Clients())), uuids(snap.InOrder()), "InOrder is GitScrum's order")
		})
	}
}

// TestByNameFollowsWrites: creates and renames patched into the cached list move
// the client to its place by name, as sorting the patched list would.
func TestByNameFollowsWrites(t *testing.T) {
	srv, c, _ := newEnv(t)
	srv.AddClients(workspace, orderClients()...)
	ctx := context.Background()
	snap, err := c.Clients(ctx, workspace)
	require.NoError(t, err)
	first := snap.Clients()[0]

	for _, name := range []string{"Aardvark First", "Zz Last", "  middle m", "Acme", "#1 Hashtag Co"} {
		_, err := c.CreateClientIfNew(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: name}, true)
		require.NoError(t, err)
	}
	for _, name := range []string{"zzz renamed", "Acme", "(Bravo) renamed", "aaa renamed"} {
		_, err := c.UpdateClientByRef(ctx, first.UUID, gitscrum.UpdateClientRequest{CompanySlug: workspace, Name: &name})
		require.NoError(t, err)
		patched, err := c.Clients(ctx, workspace)
		require.NoError(t, err)
		require.NotSame(t, snap, patched, "the write is patched in")
		view, err := patched.ByName(ctx)
		require.NoError(t, err)
		require.Equal(t, byNameReference(patched.Clients()), uuids(view), "after renaming to %q", name)
	}
	assert.Equal(t, 1, listings(srv, workspace), "the writes were patched into the cached list")
}

// TestByNameContext: a context that has ended stops the name order at once, for a
// cached snapshot and for one whose order is not built yet, which then builds it
// for the next caller.
func TestByNameContext(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts []gitscrum.Option
	}{
		{"cached", nil},
		{"cache off", []gitscrum.Option{gitscrum.WithCacheTTL(0)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _ := newEnv(t, tt.opts...)
			srv.AddClients(workspace, emulator.GenerateClients(1000)...)
			snap, err := c.Clients(context.Background(), workspace)
			require.NoError(t, err)
			done, cancel := context.WithCancel(context.Background())
			cancel()
			_, err = snap.ByName(done)
			require.ErrorIs(t, err, context.Canceled)
			view, err := snap.ByName(context.Background())
			require.NoError(t, err)
			assert.Equal(t, 1000, view.Len())
		})
	}
}

// bytesPerRun returns the bytes f allocates per call, on average over runs calls.
func bytesPerRun(runs int, f func()) float64 {
	f() // warm up
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return float64(after.TotalAlloc-before.TotalAlloc) / float64(runs)
}

// TestByNamePageCostsAPage: a page of the name order of a cached list allocates
// what the page holds, whatever the size of the workspace.
func TestByNamePageCostsAPage(t *testing.T) {
	const page = 20
	cost := func(n int) (allocs, bytes float64) {
		srv, c, _ := newEnv(t)
		srv.AddClients(workspace, emulator.GenerateClients(n)...)
		ctx := context.Background()
		_, err := c.Clients(ctx, workspace)
		require.NoError(t, err)
		next := 0
		f := func() {
			snap, err := c.Clients(ctx, workspace)
			require.NoError(t, err)
			view, err := snap.ByName(ctx)
			require.NoError(t, err)
			require.Len(t, view.Page(next, next+page), page)
			next = (next + page) % (n - page)
		}
		return testing.AllocsPerRun(50, f), bytesPerRun(50, f)
	}
	smallAllocs, smallBytes := cost(200)
	largeAllocs, largeBytes := cost(20_000)
	assert.LessOrEqual(t, largeAllocs, smallAllocs+2, "allocations at 20,000 clients against 200")
	assert.LessOrEqual(t, largeAllocs, 10.0, "a page is a few allocations")
	// A page of 20 records is about 3 KB; a copy of the workspace would be 3 MB.
	assert.Less(t, largeBytes, 3*smallBytes+8<<10, "bytes at 20,000 clients (%.0f) against 200 (%.0f)", largeBytes, smallBytes)
}

// TestViewPage: a page is clamped to the view, and copies its records.
func TestViewPage(t *testing.T) {
	clients := []gitscrum.ClientCompany{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	v := gitscrum.ViewOf(clients)
	for _, tt := range []struct {
		from, to int
		want     []string
	}{
		{0, 2, []string{"a", "b"}},
		{1, 10, []string{"b", "c"}},
		{-5, 1, []string{"a"}},
		{3, 5, nil},
		{2, 1, nil},
	} {
		var got []string
		for _, c := range v.Page(tt.from, tt.to) {
			got = append(got, c.Name)
		}
		assert.Equal(t, tt.want, got, "Page(%d, %d)", tt.from, tt.to)
	}
	p := v.Page(0, 1)
	p[0].Name = "changed"
	assert.Equal(t, "a", clients[0].Name, "a page is a copy")

	m := gitscrum.MatchesView([]gitscrum.Match{{Client: &clients[2]}, {Client: &clients[0]}})
	assert.Equal(t, 2, m.Len())
	assert.Same(t, &clients[2], m.At(0))
	assert.Equal(t, 0, gitscrum.MatchesView(nil).Len())
	assert.Equal(t, 0, gitscrum.ViewOf(nil).Len())
}
