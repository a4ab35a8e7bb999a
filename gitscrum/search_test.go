package gitscrum_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// recClient builds a client with the fields that searches look at.
func recClient(uuid, name, email, website string) gitscrum.ClientCompany {
	return gitscrum.ClientCompany{UUID: uuid, Name: name, Email: email, Website: website}
}

// recNames returns the names of the matched clients, in order.
func recNames(ms []gitscrum.Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Client.Name
	}
	return out
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"acme corp", "acme corp"},
		{"Acme Corp", "acme corp"},
		{"  Hello\t\n  WORLD  ", "hello world"},
		{"\t \n", ""},
		{"Zürich", "zurich"},
		{"ZÜRICH", "zurich"},
		{"Zu\u0308rich", "zurich"}, // already decomposed
		{"Société Générale", "societe generale"},
		{"Ångström", "angstrom"},
		{"Straße", "strasse"},
		{"ﬁne", "fine"},
		{"İstanbul", "istanbul"},
		{"Łódź", "łodz"}, // ł has no decomposition
		{"São\u00a0Paulo", "sao paulo"},
		{"東京\u3000Tokyo", "東京 tokyo"},
		{"ΣΊΣΥΦΟΣ", "σισυφοσ"},
		{"a\xffb", "a\ufffdb"},
		{"billing@ACME.co", "billing@acme.co"},
		{"a \u0301 b", "a b"}, // a lone mark between spaces leaves one space
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := gitscrum.Normalize(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, got, gitscrum.Normalize(got), "idempotent")
		})
	}
}

func TestNormalizeAllocations(t *testing.T) {
	for _, s := range []string{"", "acme corp", "billing@acme.co", "3f2a9c1e-0000-4000-8000-000000000000"} {
		allocs := testing.AllocsPerRun(100, func() { _ = gitscrum.Normalize(s) })
		assert.Zero(t, allocs, "normalised ASCII %q must not allocate", s)
	}
	allocs := testing.AllocsPerRun(100, func() { _ = gitscrum.Normalize("  Acme   CORP ") })
	assert.LessOrEqual(t, allocs, 1.0, "ASCII that needs folding allocates once")
}

// searchClients is a small directory with names, emails and websites to rank.
var searchClients = []gitscrum.ClientCompany{
	0: recClient("11111111-aaaa-4aaa-8aaa-000000000000", "Acme Corp", "billing@acme.co", "https://acme.co"),
	1: recClient("22222222-bbbb-4bbb-8bbb-000000000000", "Zürich Versicherung", "info@zurich.ch", "https://www.zurich.ch/"),
	2: recClient("client-def-456", "Globex Corporation", "contact@globex.com", "https://globex.com"),
	3: recClient("44444444-dddd-4ddd-8ddd-000000000000", "Big Acme Ltd", "hello@bigacme.io", ""),
	4: recClient("55555555-eeee-4eee-8eee-000000000000", "Acme", "", ""),
	5: recClient("66666666-ffff-4fff-8fff-000000000000", "Nacme Ltd", "ops@nacme.net", "nacme.net"),
	6: recClient("77777777-0000-4000-8000-000000000000", "Initech", "peter@initech.com", "http://initech.com"),
	7: recClient("88888888-0000-4000-8000-000000000000", "Société Générale", "contact@socgen.fr", "https://www.societegenerale.com"),
	8: recClient("99999999-0000-4000-8000-000000000000", "Banana An", "", ""),
	9: recClient("aaaaaaaa-0000-4000-8000-000000000000", "Hooli", "gavin@hooli.xyz", ""),
}

func TestSearch(t *testing.T) {
	type want struct {
		name  string
		rank  gitscrum.Rank
		field gitscrum.Field
	}
	tests := []struct {
		name  string
		query string
		want  []want
	}{
		{"ranks exact prefix word-prefix substring", "acme", []want{
			{"Acme", gitscrum.RankExact, gitscrum.FieldName},
			{"Acme Corp", gitscrum.RankPrefix, gitscrum.FieldName},
			{"Big Acme Ltd", gitscrum.RankWordPrefix, gitscrum.FieldName},
			{"Nacme Ltd", gitscrum.RankSubstring, gitscrum.FieldName},
		}},
		{"case-insensitive", "ACME CORP", []want{{"Acme Corp", gitscrum.RankExact, gitscrum.FieldName}}},
		{"whitespace collapsed", "  acme \t corp ", []want{{"Acme Corp", gitscrum.RankExact, gitscrum.FieldName}}},
		{"accent-insensitive query", "zurich", []want{{"Zürich Versicherung", gitscrum.RankPrefix, gitscrum.FieldName}}},
		{"accented query", "ZÜRICH", []want{{"Zürich Versicherung", gitscrum.RankPrefix, gitscrum.FieldName}}},
		{"accents inside words", "generale", []want{{"Société Générale", gitscrum.RankWordPrefix, gitscrum.FieldName}}},
		{"name prefix beats email word-prefix", "globex", []want{{"Globex Corporation", gitscrum.RankPrefix, gitscrum.FieldName}}},
		{"word-prefix in email", "hooli.x", []want{{"Hooli", gitscrum.RankWordPrefix, gitscrum.FieldEmail}}},
		{"word-prefix after a dot", "xyz", []want{{"Hooli", gitscrum.RankWordPrefix, gitscrum.FieldEmail}}},
		{"email only", "billing", []want{{"Acme Corp", gitscrum.RankPrefix, gitscrum.FieldEmail}}},
		{"email domain is a word start", "acme.co", []want{{"Acme Corp", gitscrum.RankExact, gitscrum.FieldWebsite}}},
		{"website without scheme", "globex.com", []want{{"Globex Corporation", gitscrum.RankExact, gitscrum.FieldWebsite}}},
		{"website without www and slash", "zurich.ch", []want{{"Zürich Versicherung", gitscrum.RankExact, gitscrum.FieldWebsite}}},
		{"website with www", "www.zurich.ch", []want{{"Zürich Versicherung", gitscrum.RankExact, gitscrum.FieldWebsite}}},
		{"website as stored", "HTTPS://WWW.ZURICH.CH/", []want{{"Zürich Versicherung", gitscrum.RankExact, gitscrum.FieldWebsite}}},
		{"website prefix without scheme", "initech.c", []want{{"Initech", gitscrum.RankPrefix, gitscrum.FieldWebsite}}},
		{"uuid exact any case", "CLIENT-DEF-456", []want{{"Globex Corporation", gitscrum.RankExact, gitscrum.FieldUUID}}},
		{"uuid prefix", "7777", []want{{"Initech", gitscrum.RankPrefix, gitscrum.FieldUUID}}},
		{"later occurrence at a word start", "an", []want{
			{"Banana An", gitscrum.RankWordPrefix, gitscrum.FieldName},
		}},
		{"substring in several fields", "ich", []want{
			{"Zürich Versicherung", gitscrum.RankSubstring, gitscrum.FieldName},
		}},
		{"no match", "umbrella", nil},
		{"punctuation is kept", "acme,", nil},
	}
	ix := gitscrum.NewIndex(searchClients)
	require.Equal(t, len(searchClients), ix.Len())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := search(t, ix, tt.query)
			var gotW []want
			for _, m := range got {
				gotW = append(gotW, want{m.Client.Name, m.Rank, m.Field})
			}
			assert.Equal(t, tt.want, gotW)
			assert.Equal(t, got, searchAll(t, searchClients, tt.query), "a fresh index answers as the shared one")
		})
	}
}

func TestSearchNameBeforeOtherFields(t *testing.T) {
	clients := []gitscrum.ClientCompany{
		recClient("u1", "Foo", "zeta@foo.io", ""),
		recClient("u2", "Bar", "", "https://zeta.example"),
		recClient("u3", "Zeta Inc", "", ""),
		recClient("u4", "Zeta Labs", "", ""),
	}
	got := searchAll(t, clients, "zeta")
	assert.Equal(t, []string{"Zeta Inc", "Zeta Labs", "Foo", "Bar"}, recNames(got))
	assert.Equal(t, []gitscrum.Field{gitscrum.FieldName, gitscrum.FieldName, gitscrum.FieldEmail, gitscrum.FieldWebsite},
		[]gitscrum.Field{got[0].Field, got[1].Field, got[2].Field, got[3].Field})
	for _, m := range got {
		assert.Equal(t, gitscrum.RankPrefix, m.Rank)
	}
}

func TestSearchBestFieldWins(t *testing.T) {
	// The name is only a substring match; the email is a prefix match and decides.
	clients := []gitscrum.ClientCompany{recClient("u1", "Panacme", "acme@panacme.io", "")}
	got := searchAll(t, clients, "acme")
	require.Len(t, got, 1)
	assert.Equal(t, gitscrum.RankPrefix, got[0].Rank)
	assert.Equal(t, gitscrum.FieldEmail, got[0].Field)

	// On an equal rank the name is reported.
	clients = []gitscrum.ClientCompany{recClient("u1", "Acme", "acme", "")}
	got = searchAll(t, clients, "acme")
	require.Len(t, got, 1)
	assert.Equal(t, gitscrum.FieldName, got[0].Field)
}

func TestSearchStable(t *testing.T) {
	var clients []gitscrum.ClientCompany
	for i := range 30 {
		clients = append(clients, recClient(fmt.Sprintf("u%02d", i), "Same Name", "", ""))
	}
	got := searchAll(t, clients, "same")
	require.Len(t, got, 30)
	for i, m := range got {
		assert.Equal(t, fmt.Sprintf("u%02d", i), m.Client.UUID)
	}
}

func TestSearchEmptyQuery(t *testing.T) {
	for _, q := range []string{"", "   ", "\t\n"} {
		got := searchAll(t, searchClients, q)
		require.Len(t, got, len(searchClients))
		for i, m := range got {
			assert.Same(t, &searchClients[i], m.Client)
			assert.Equal(t, gitscrum.RankSubstring, m.Rank)
			assert.Empty(t, m.Field)
		}
	}
	assert.Nil(t, searchAll(t, nil, ""))
	assert.Nil(t, searchAll(t, nil, "acme"))
	assert.Zero(t, gitscrum.NewIndex(nil).Len())
}

func TestSearchEmptyFieldsAndEdges(t *testing.T) {
	clients := []gitscrum.ClientCompany{
		{},
		recClient("", "", "", "https://"),
		recClient("", "x", "", ""),
		{},
	}
	got := searchAll(t, clients, "x")
	assert.Equal(t, []string{"x"}, recNames(got))
	got = searchAll(t, clients, "https")
	require.Len(t, got, 1)
	assert.Equal(t, gitscrum.FieldWebsite, got[0].Field)
	assert.Equal(t, gitscrum.RankPrefix, got[0].Rank)
}

func TestIndexConcurrentSearch(t *testing.T) {
	ix := gitscrum.NewIndex(searchClients)
	want := search(t, ix, "acme")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				assert.Equal(t, want, search(t, ix, "acme"))
				assert.Len(t, search(t, ix, "zurich"), 1)
			}
		})
	}
	gitscrum.AwaitGroup(t, &wg, "the concurrent searches did not end")
}

func TestRankString(t *testing.T) {
	assert.Equal(t, "exact", gitscrum.RankExact.String())
	assert.Equal(t, "prefix", gitscrum.RankPrefix.String())
	assert.Equal(t, "word-prefix", gitscrum.RankWordPrefix.String())
	assert.Equal(t, "substring", gitscrum.RankSubstring.String())
	assert.Equal(t, "none", gitscrum.Rank(99).String())
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"", " ", "Zürich", "  Hello\t\n  WORLD  ", "Straße", "ﬁ", "İ", "Ꭰꭰ", "ΣΑΣ",
		"a\xffb", "\u3000x\u00a0", "a \u0301 b", "e\u0301\u0302\u0303", "東京",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := gitscrum.Normalize(s)
		if nn := gitscrum.Normalize(n); nn != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, n, nn)
		}
		if !utf8.ValidString(n) {
			t.Fatalf("invalid UTF-8 out: %q -> %q", s, n)
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Fatalf("whitespace not collapsed: %q -> %q", s, n)
		}
		if strings.ContainsAny(n, "\t\n\v\f\rABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			t.Fatalf("not folded: %q -> %q", s, n)
		}
		if want := refNormalize(s); n != want {
			t.Fatalf("%q: got %q, want %q", s, n, want)
		}
	})
}

// refNormalize is Normalize done the slow, obvious way, to check its fast paths.
func refNormalize(s string) string {
	return refNormalizeWith(refChain(), s)
}

// refChain returns the transformer of refNormalize.
func refChain() transform.Transformer {
	return transform.Chain(
		norm.NFKD, runes.Remove(runes.In(unicode.Mn)),
		cases.Fold(), runes.Map(unicode.ToLower),
		norm.NFKD, runes.Remove(runes.In(unicode.Mn)),
	)
}

// refNormalizeWith is refNormalize with a chain from refChain, reused.
func refNormalizeWith(t transform.Transformer, s string) string {
	out, _, err := transform.String(t, strings.ToValidUTF8(s, "\uFFFD"))
	if err != nil {
		panic(err)
	}
	return strings.Join(strings.Fields(out), " ")
}

// TestNormalizeLatinPairs checks the fast path for accented Latin text against
// refNormalize on every pair of characters up to U+02FF.
func TestNormalizeLatinPairs(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	var rs []rune
	for r := rune(0x20); r < 0x300; r++ {
		if r < 0x7f && !strings.ContainsRune(" Aa1.\t", r) {
			continue // one of each kind of ASCII is enough
		}
		rs = append(rs, r)
	}
	chain := refChain()
	for _, a := range rs {
		for _, b := range rs {
			s := string(a) + string(b)
			if got, want := gitscrum.Normalize(s), refNormalizeWith(chain, s); got != want {
				t.Fatalf("Normalize(%+q) = %+q, want %+q", s, got, want)
			}
		}
	}
}

// refRank is a slow, obvious ranking of the normalised q in one field, to check the
// index against.
func refRank(field, q string, website bool) (gitscrum.Rank, bool) {
	text := gitscrum.Normalize(field)
	variants := []string{text}
	if website {
		rest := text
		if s, ok := strings.CutPrefix(rest, "https://"); ok {
			rest = s
		} else if s, ok := strings.CutPrefix(rest, "http://"); ok {
			rest = s
		}
		variants = append(variants, rest)
		if s, ok := strings.CutPrefix(rest, "www."); ok {
			variants = append(variants, s)
		}
		for _, v := range variants[1:] {
			if len(v) > 1 && strings.HasSuffix(v, "/") && strings.TrimSuffix(v, "/") == q {
				return gitscrum.RankExact, true
			}
		}
	}
	for _, v := range variants {
		if v == q {
			return gitscrum.RankExact, true
		}
	}
	for _, v := range variants {
		if strings.HasPrefix(v, q) {
			return gitscrum.RankPrefix, true
		}
	}
	found := false
	for i := range text { // rune starts only
		if !strings.HasPrefix(text[i:], q) {
			continue
		}
		found = true
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		if i > 0 && !unicode.IsLetter(prev) && !unicode.IsDigit(prev) && !unicode.IsMark(prev) {
			return gitscrum.RankWordPrefix, true
		}
	}
	if found {
		return gitscrum.RankSubstring, true
	}
	return 0, false
}

// search is ix.Search with the test's context; an error fails the test.
func search(t testing.TB, ix *gitscrum.Index, query string) []gitscrum.Match {
	t.Helper()
	got, err := ix.Search(t.Context(), query)
	assert.NoError(t, err)
	return got
}

// searchAll searches clients with a fresh index and the test's context; an error
// fails the test.
func searchAll(t testing.TB, clients []gitscrum.ClientCompany, query string) []gitscrum.Match {
	t.Helper()
	got, err := gitscrum.NewIndex(clients).Search(t.Context(), query)
	assert.NoError(t, err)
	return got
}

// refSearch is a slow, obvious Search. Like the index, it looks at the first 1,020
// bytes of each field.
func refSearch(clients []gitscrum.ClientCompany, query string) []gitscrum.Match {
	q := gitscrum.Normalize(query)
	if q == "" {
		var out []gitscrum.Match
		for i := range clients {
			out = append(out, gitscrum.Match{Client: &clients[i], Rank: gitscrum.RankSubstring})
		}
		return out
	}
	var byKey [8][]gitscrum.Match
	for i := range clients {
		c := &clients[i]
		best, bestField, ok := gitscrum.Rank(99), gitscrum.Field(""), false
		for _, f := range []struct {
			field gitscrum.Field
			value string
		}{{gitscrum.FieldName, c.Name}, {gitscrum.FieldEmail, c.Email}, {gitscrum.FieldWebsite, c.Website}, {gitscrum.FieldUUID, c.UUID}} {
			if r, hit := refRank(refHead(f.value, 1020), q, f.field == gitscrum.FieldWebsite); hit && r < best {
				best, bestField, ok = r, f.field, true
			}
		}
		if ok {
			key := int(best) * 2
			if bestField != gitscrum.FieldName {
				key++
			}
			byKey[key] = append(byKey[key], gitscrum.Match{Client: c, Rank: best, Field: bestField})
		}
	}
	var out []gitscrum.Match
	for _, ms := range byKey {
		out = append(out, ms...)
	}
	return out
}

// refHead cuts s to at most n bytes at a character boundary.
func refHead(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// FuzzSearch checks the index against refSearch. dir holds clients separated by ';',
// each "name|email|website|uuid".
func FuzzSearch(f *testing.F) {
	f.Add("acme", "Acme Corp|billing@acme.co|https://acme.co|u1;Big Acme|||u2;Nacme|||u3;Acme|||u4")
	f.Add("zurich", "Zürich AG|info@zurich.ch|https://www.zurich.ch/|u1;ZURICH|||u2")
	f.Add("an", "Banana An|||;an|an|an|an")
	f.Add("", "a;b;c")
	f.Add("x.co/", "|||;X|x@x.co|http://www.x.co/|")
	f.Add("é", "É|é|é|é;Société Générale|||")
	f.Fuzz(func(t *testing.T, query, dir string) {
		var clients []gitscrum.ClientCompany
		for _, rec := range strings.Split(dir, ";") {
			p := append(strings.SplitN(rec, "|", 4), "", "", "")
			clients = append(clients, recClient(p[3], p[0], p[1], p[2]))
		}
		got, err := gitscrum.NewIndex(clients).Search(t.Context(), query)
		if gitscrum.ValidateQuery(query) != nil {
			if !errors.Is(err, gitscrum.ErrValidation) {
				t.Fatalf("query %q: got error %v, want a validation error", query, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("query %q: %v", query, err)
		}
		want := refSearch(clients, query)
		if len(got) != len(want) {
			t.Fatalf("query %q: got %d matches, want %d\ngot  %+v\nwant %+v", query, len(got), len(want), got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("query %q, match %d: got %+v, want %+v", query, i, got[i], want[i])
			}
		}
	})
}
