package gitscrum_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// BenchmarkClientsCache searches and resolves in a workspace of 5,000 clients
// served in pages of 100 over loopback HTTP (no added latency): with the list
// cache warm, against the same call with the cache off, which lists the
// workspace every time. upstream-req/op is what the emulator served per call.
func BenchmarkClientsCache(b *testing.B) {
	srv := emulator.New()
	srv.SetPageSize(100)
	srv.SetLogLimit(1)
	clients := slices.Insert(emulator.GenerateClients(4999), 2500, gitscrum.ClientCompany{Name: "Bench Lookup Target Ltd"})
	srv.AddClients(workspace, clients...)
	url := newServer(b, srv)
	ctx := context.Background()
	var attempts attemptCounter
	newClient := func(opts ...gitscrum.Option) *gitscrum.Client {
		c, err := gitscrum.New(append([]gitscrum.Option{gitscrum.WithBaseURL(url), gitscrum.WithToken(emulator.DefaultToken),
			gitscrum.WithObserver(&attempts)}, opts...)...)
		require.NoError(b, err)
		return c
	}
	on, off := newClient(), newClient(gitscrum.WithCacheTTL(0))
	_, err := on.Clients(ctx, workspace)
	require.NoError(b, err)

	search := func(c *gitscrum.Client) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			attempts.Store(0)
			for b.Loop() {
				snap, err := c.Clients(ctx, workspace)
				if err != nil {
					b.Fatal(err)
				}
				if m, err := snap.Index().Search(ctx, "glob"); err != nil || len(m) == 0 {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(attempts.Load())/float64(b.N), "upstream-req/op")
		}
	}
	resolve := func(c *gitscrum.Client) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			attempts.Store(0)
			for b.Loop() {
				if _, err := c.ResolveClient(ctx, workspace, "Bench Lookup Target Ltd"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(attempts.Load())/float64(b.N), "upstream-req/op")
		}
	}
	b.Run("search/baseline-cache-off", search(off))
	b.Run("search/warm", search(on))
	b.Run("resolve-by-name/baseline-cache-off", resolve(off))
	b.Run("resolve-by-name/warm", resolve(on))
}

// attemptCounter is an Observer that counts the HTTP attempts.
type attemptCounter struct{ atomic.Int64 }

func (a *attemptCounter) ObserveAttempt(string, int, time.Duration, bool) { a.Add(1) }
