package tools_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

// reportLatency reports the p50 and p99 of durations in milliseconds.
func reportLatency(b *testing.B, durations []time.Duration) {
	d := slices.Clone(durations)
	slices.Sort(d)
	at := func(q float64) float64 {
		return float64(d[min(len(d)-1, int(q*float64(len(d))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkUpdateAudited: one update_client call through an in-process MCP
// client against the emulator, without a store (the baseline) and with its audit
// row on SQLite and on PostgreSQL; p50 and p99 per call. The added latency of the
// audit row is the difference from the baseline of the same run.
func BenchmarkUpdateAudited(b *testing.B) {
	cases := []struct {
		name  string
		store func(b *testing.B) func(*envConfig)
	}{
		{"none", func(*testing.B) func(*envConfig) { return func(*envConfig) {} }},
	}
	for _, be := range storetest.Backends() {
		cases = append(cases, struct {
			name  string
			store func(b *testing.B) func(*envConfig)
		}{be.Name, func(b *testing.B) func(*envConfig) { return withStore(storetest.Open(b, be.NewURL(b))) }})
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			e := newEnv(b, tc.store(b))
			var took []time.Duration
			i := 0
			for b.Loop() {
				i++
				start := time.Now()
				res := e.call(b, "update_client", map[string]any{"client": emulator.DemoAcmeUUID, "phone": "+1 555 " + strconv.Itoa(i)})
				took = append(took, time.Since(start))
				if res.IsError {
					b.Fatal(textOf(b, res))
				}
			}
			reportLatency(b, took)
		})
	}
}
