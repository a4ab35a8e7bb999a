package emulator

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// Word lists for GenerateClients: company names as they appear in CRMs, some accented.
var (
	genFirst = []string{
		"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell",
		"Cyberdyne", "Soylent", "Vandelay", "Zürich", "Müller", "Société", "Crème", "São Paulo",
		"Łódź", "Ærø", "Núñez", "Björk", "Göteborg", "Café", "Nordic", "Pacific", "Atlas",
		"Blue River", "Red Oak", "Silver Line", "Green Valley", "Northwind", "Contoso",
	}
	genSecond = []string{
		"Logistics", "Consulting", "Software", "Systems", "Foods", "Energy", "Media", "Health",
		"Partners", "Labs", "Holdings", "Ventures", "Bäckerei", "Générale", "Industries", "Design",
	}
	genSuffix = []string{"", "", "Inc", "Ltd", "GmbH", "AG", "S.A.", "LLC", "Corp", "& Co."}
	genTLDs   = []string{"com", "io", "co", "de", "ch", "fr", "com.br"}
)

// GenerateClients returns n deterministic clients with realistic, varied fields
// (names from word lists, some accented; most with an email, many with a website),
// for benchmarks and load tests at any scale. The same n always gives the same
// clients. UUIDs are set, CreatedAt is not: [Server.AddClients] fills it.
func GenerateClients(n int) []gitscrum.ClientCompany {
	rng := rand.New(rand.NewPCG(42, 7))
	pick := func(words []string) string { return words[rng.IntN(len(words))] }
	out := make([]gitscrum.ClientCompany, n)
	for i := range out {
		name := strings.TrimSpace(pick(genFirst) + " " + pick(genSecond) + " " + pick(genSuffix))
		slug := strings.ToLower(strings.NewReplacer(" ", "", ".", "", "&", "").Replace(gitscrum.NormalizeName(name)))
		tld := pick(genTLDs)
		c := gitscrum.ClientCompany{
			UUID: fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", rng.Uint32(), rng.Uint32()&0xffff,
				rng.Uint32()&0xfff, 0x8000|rng.Uint32()&0x3fff, rng.Uint64()&0xffffffffffff),
			Name:          name,
			ProjectsCount: rng.IntN(12),
			InvoicesTotal: gitscrum.Money(rng.IntN(1_000_000)) / 100,
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
