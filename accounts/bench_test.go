package accounts_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

// benchClient times Client for the person ada, linked on e, and reports the
// median and the 99th percentile of one call besides ns/op.
func benchClient(b *testing.B, e *env) {
	ctx := context.Background()
	e.link(b, e.svc, ada, e.tokenA, wsA)
	if _, _, err := e.svc.Client(ctx, ada); err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		c, _, err := e.svc.Client(ctx, ada)
		d := time.Since(start)
		if err != nil || c == nil {
			b.Fatal(err)
		}
		if len(took) < 1_000_000 {
			took = append(took, d)
		}
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(took[len(took)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkClientWarm: the added cost of a Slack request resolving the acting
// person's client when they acted within the cache's TTL (target: p50 at most
// 100 µs).
func BenchmarkClientWarm(b *testing.B) {
	benchClient(b, newEnv(b, storetest.Backends()[0].NewURL(b), accounts.Options{}))
}

// BenchmarkClientCold: the same with nothing cached: a read of the store, the
// token opened (AES-GCM) and a client made, on each backend.
func BenchmarkClientCold(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			benchClient(b, newEnv(b, be.NewURL(b), accounts.Options{CacheTTL: -1}))
		})
	}
}
