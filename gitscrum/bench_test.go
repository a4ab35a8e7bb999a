package gitscrum_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/gitscrumtest"
)

func newServer(t testing.TB, srv *emulator.Server) string {
	t.Helper()
	return gitscrumtest.Serve(t, srv).URL
}

// BenchmarkListClients lists 10,000 clients served in pages of 100 (100 requests)
// end to end over loopback HTTP. The baseline is the raw round trip of one page of
// 100, so the ratio shows what pagination costs beyond 100 such round trips.
func BenchmarkListClients(b *testing.B) {
	srv := emulator.New()
	clients := make([]gitscrum.ClientCompany, 10000)
	for i := range clients {
		clients[i] = gitscrum.ClientCompany{Name: fmt.Sprintf("Client %05d GmbH", i), Email: fmt.Sprintf("billing%d@example.com", i), Website: "https://example.com", Notes: "Enterprise client since 2024", ProjectsCount: i % 7, InvoicesTotal: gitscrum.Money(i) * 10.5}
	}
	stored := srv.AddClients("bench", clients...)
	srv.AddClients("bench-one-page", clients[:100]...)
	srv.SetPageSize(100)
	url := newServer(b, srv)
	c, err := gitscrum.New(gitscrum.WithBaseURL(url), gitscrum.WithToken(emulator.DefaultToken))
	require.NoError(b, err)
	ctx := context.Background()

	b.Run("baseline-one-page-of-100", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if got, err := c.ListClients(ctx, "bench-one-page"); err != nil || len(got) != 100 {
				b.Fatal(err, len(got))
			}
		}
	})
	b.Run("get-one", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.GetClient(ctx, "bench", stored[0].UUID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("10k-in-pages-of-100", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			got, err := c.ListClients(ctx, "bench")
			if err != nil || len(got) != 10000 {
				b.Fatal(err, len(got))
			}
		}
	})
}

// BenchmarkListClientsSlowUpstream lists 5,000 clients in pages of 100 (50 requests)
// from an upstream that takes 100 ms per request, cold every time: one page after
// another (the baseline, about 5 s) and 8 at once (the default), reporting the
// upstream requests per listing. Compare the two sub-benchmarks' sec/op.
func BenchmarkListClientsSlowUpstream(b *testing.B) {
	srv := emulator.New()
	srv.AddClients("bench", emulator.GenerateClients(5000)...)
	srv.SetPageSize(100)
	srv.SetLatency(100 * time.Millisecond)
	srv.SetLogLimit(1000)
	url := newServer(b, srv)
	for _, n := range []int{1, gitscrum.DefaultPageConcurrency} {
		name := fmt.Sprintf("%d-at-once", n)
		if n == 1 {
			name = "sequential"
		}
		b.Run(name, func(b *testing.B) {
			c, err := gitscrum.New(gitscrum.WithBaseURL(url), gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithPageConcurrency(n))
			require.NoError(b, err)
			srv.ResetRequests()
			for b.Loop() {
				if got, err := c.ListClients(context.Background(), "bench"); err != nil || len(got) != 5000 {
					b.Fatal(err, len(got))
				}
			}
			b.ReportMetric(float64(len(srv.Requests()))/float64(b.N), "requests/op")
		})
	}
}
