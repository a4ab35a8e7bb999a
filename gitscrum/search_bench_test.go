package gitscrum_test

import (
	"testing"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// benchQueries are the kinds of query timed by BenchmarkSearch.
var benchQueries = []struct{ name, query string }{
	{"accented", "ZURICH"},         // a name word, typed without accents
	{"prefix", "glob"},             // a name prefix, one client in ~32
	{"email", "billing@initech"},   // an email
	{"dense", "e"},                 // matches nearly every client
	{"none", "no such client xyz"}, // matches nothing: a full scan
}

var benchSizes = []struct {
	name string
	n    int
}{{"1k", 1_000}, {"10k", 10_000}, {"100k", 100_000}}

// BenchmarkSearch times one query over an index built outside the timed loop.
func BenchmarkSearch(b *testing.B) {
	for _, size := range benchSizes {
		ix := gitscrum.NewIndex(emulator.GenerateClients(size.n))
		b.Run(size.name, func(b *testing.B) {
			for _, q := range benchQueries {
				b.Run(q.name, func(b *testing.B) {
					b.ReportAllocs()
					var n int
					for b.Loop() {
						m, _ := ix.Search(b.Context(), q.query)
						n = len(m)
					}
					b.ReportMetric(float64(n), "matches")
				})
			}
		})
	}
}

// BenchmarkNewIndex times building the index.
func BenchmarkNewIndex(b *testing.B) {
	for _, size := range benchSizes {
		clients := emulator.GenerateClients(size.n)
		b.Run(size.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = gitscrum.NewIndex(clients)
			}
		})
	}
}

// BenchmarkNormalize times Normalize on ASCII and accented input.
func BenchmarkNormalize(b *testing.B) {
	for _, s := range []struct{ name, in string }{
		{"normalised", "acme logistics gmbh"},
		{"ascii", "  ACME   Logistics GmbH "},
		{"accented", "Société Générale Zürich"},
	} {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = gitscrum.Normalize(s.in)
			}
		})
	}
}

// BenchmarkResolveIn times resolving a name among 10,000 clients.
func BenchmarkResolveIn(b *testing.B) {
	clients := emulator.GenerateClients(10_000)
	b.ReportAllocs()
	for b.Loop() {
		_, _ = gitscrum.ResolveIn(b.Context(), clients, clients[5000].UUID)
		_, _ = gitscrum.ResolveIn(b.Context(), clients, "globex")
	}
}
