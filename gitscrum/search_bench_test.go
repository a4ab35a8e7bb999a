package gitscrum_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// Word lists for benchClients: company names as they appear in CRMs, some accented.
var (
	benchFirst = []string{
		"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell",
		"Cyberdyne", "Soylent", "Vandelay", "Zürich", "Müller", "Société", "Crème", "São Paulo",
		"Łódź", "Ærø", "Núñez", "Björk", "Göteborg", "Café", "Nordic", "Pacific", "Atlas",
		"Blue River", "Red Oak", "Silver Line", "Green Valley", "Northwind", "Contoso",
	}
	benchSecond = []string{
		"Logistics", "Consulting", "Software", "Systems", "Foods", "Energy", "Media", "Health",
		"Partners", "Labs", "Holdings", "Ventures", "Bäckerei", "Générale", "Industries", "Design",
	}
	benchSuffix = []string{"", "", "Inc", "Ltd", "GmbH", "AG", "S.A.", "LLC", "Corp", "& Co."}
	benchTLDs   = []string{"com", "io", "co", "de", "ch", "fr", "com.br"}
)

// benchClients generates n deterministic clients with realistic fields.
func benchClients(n int) []gitscrum.ClientCompany {
	rng := rand.New(rand.NewPCG(42, 7))
	pick := func(words []string) string { return words[rng.IntN(len(words))] }
	out := make([]gitscrum.ClientCompany, n)
	for i := range out {
		name := strings.TrimSpace(pick(benchFirst) + " " + pick(benchSecond) + " " + pick(benchSuffix))
		slug := strings.ToLower(strings.NewReplacer(" ", "", ".", "", "&", "").Replace(gitscrum.NormalizeName(name)))
		tld := pick(benchTLDs)
		c := gitscrum.ClientCompany{
			UUID: fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", rng.Uint32(), rng.Uint32()&0xffff,
				rng.Uint32()&0xfff, 0x8000|rng.Uint32()&0x3fff, rng.Uint64()&0xffffffffffff),
			Name: name,
		}
		if rng.IntN(10) > 0 {
			c.Email = fmt.Sprintf("%s@%s%d.%s", pick([]string{"info", "billing", "contact", "hello"}), slug, i, tld)
		}
		if rng.IntN(10) > 2 {
			c.Website = fmt.Sprintf("https://www.%s%d.%s", slug, i, tld)
		}
		out[i] = c
	}
	return out
}

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
		ix := gitscrum.NewIndex(benchClients(size.n))
		b.Run(size.name, func(b *testing.B) {
			for _, q := range benchQueries {
				b.Run(q.name, func(b *testing.B) {
					b.ReportAllocs()
					var n int
					for b.Loop() {
						n = len(ix.Search(q.query))
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
		clients := benchClients(size.n)
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
	clients := benchClients(10_000)
	b.ReportAllocs()
	for b.Loop() {
		_, _ = gitscrum.ResolveIn(clients, clients[5000].UUID)
		_, _ = gitscrum.ResolveIn(clients, "globex")
	}
}
