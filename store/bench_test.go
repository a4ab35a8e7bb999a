package store_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// eachBackendB runs f as a sub-benchmark per backend, on a new database.
func eachBackendB(b *testing.B, f func(b *testing.B, s *store.Store)) {
	for _, be := range []backend{sqliteBackend, postgresBackend} {
		b.Run(be.name, func(b *testing.B) { f(b, openStore(b, be.newDB(b), store.Options{})) })
	}
}

// BenchmarkRemember: one delivery recorded (a new key each time).
func BenchmarkRemember(b *testing.B) {
	eachBackendB(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		until := time.Now().Add(5 * time.Minute)
		var i atomic.Int64
		b.ResetTimer()
		for b.Loop() {
			if _, err := s.Remember(ctx, "v0="+strconv.FormatInt(i.Add(1), 10), until); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAcquireRelease: a create lock of two keys (name and email) taken and
// released, uncontended.
func BenchmarkAcquireRelease(b *testing.B) {
	eachBackendB(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		keys := []string{"name\x00acme corp", "email\x00ops@acme.example"}
		for b.Loop() {
			h := store.NewHolder()
			if _, err := s.Acquire(ctx, "acme", keys, h, 30*time.Second); err != nil {
				b.Fatal(err)
			}
			if err := s.Release(ctx, "acme", keys, h); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAppend: one audit entry written.
func BenchmarkAppend(b *testing.B) {
	eachBackendB(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		e := entry("c-1", time.Time{}, "ok")
		for b.Loop() {
			if err := s.Append(ctx, e); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHistory10k: the last 20 entries of a client with 10,000 (target: at
// most 10 ms), among 10,000 of other clients.
func BenchmarkHistory10k(b *testing.B) {
	eachBackendB(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		base := time.Now().Add(-24 * time.Hour)
		for i := range 20_000 {
			uuid := "c-1"
			if i%2 == 1 {
				uuid = "c-" + strconv.Itoa(i)
			}
			require.NoError(b, s.Append(ctx, entry(uuid, base.Add(time.Duration(i)*time.Millisecond), "ok")))
		}
		b.ResetTimer()
		for b.Loop() {
			got, err := s.History(ctx, "acme", "c-1", store.DefaultHistoryLimit)
			if err != nil || len(got) != store.DefaultHistoryLimit {
				b.Fatal(len(got), err)
			}
		}
	})
}
