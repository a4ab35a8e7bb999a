package gitscrum_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

func TestLooksLikeUUID(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"123e4567-e89b-12d3-a456-426614174000", true},
		{"123E4567-E89B-12D3-A456-426614174000", true},
		{"00000000-0000-0000-0000-000000000000", true},
		{"", false},
		{"client-abc-123", false},
		{"123e4567e89b12d3a456426614174000", false},
		{" 123e4567-e89b-12d3-a456-426614174000", false},
		{"123e4567-e89b-12d3-a456-42661417400g", false},
		{"123e4567-e89b-12d3-a456_426614174000", false},
		{"123e4567-e89b-12d3-a4564-26614174000", false},
		{"{123e4567-e89b-12d3-a456-426614174000}", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, gitscrum.LooksLikeUUID(tt.in), "%q", tt.in)
	}
}

// resolveClients is a directory with names that overlap.
var resolveClients = []gitscrum.ClientCompany{
	0: recClient("123e4567-e89b-12d3-a456-426614174000", "Acme Corp", "billing@acme.co", "https://acme.co"),
	1: recClient("client-def-456", "Globex Corporation", "contact@globex.com", "https://globex.com"),
	2: recClient("33333333-0000-4000-8000-000000000000", "Acme Ltd", "", ""),
	3: recClient("44444444-0000-4000-8000-000000000000", "Big Acme", "", ""),
	4: recClient("55555555-0000-4000-8000-000000000000", "Zürich Versicherung", "", ""),
	5: recClient("66666666-0000-4000-8000-000000000000", "Initech", "", ""),
	6: recClient("77777777-0000-4000-8000-000000000000", "Initrode", "", ""),
	7: recClient("88888888-0000-4000-8000-000000000000", "Umbrella", "", ""),
	8: recClient("99999999-0000-4000-8000-000000000000", "Umbrella Health", "", ""),
	9: recClient("aaaaaaaa-0000-4000-8000-000000000000", "Wayne, Enterprises.", "", ""),
}

func TestResolveIn(t *testing.T) {
	tests := []struct {
		name string
		ref  string
		want string // UUID of the client found
	}{
		{"uuid", "123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-426614174000"},
		{"uuid upper case and spaces", "  123E4567-E89B-12D3-A456-426614174000 ", "123e4567-e89b-12d3-a456-426614174000"},
		{"non-canonical uuid", "CLIENT-DEF-456", "client-def-456"},
		{"exact name", "Umbrella", "88888888-0000-4000-8000-000000000000"},
		{"exact name beats prefix", "umbrella", "88888888-0000-4000-8000-000000000000"},
		{"unique prefix", "glob", "client-def-456"},
		{"unique word prefix", "health", "99999999-0000-4000-8000-000000000000"},
		{"unique substring", "trod", "77777777-0000-4000-8000-000000000000"},
		{"prefix beats word prefix and substring", "acme c", "123e4567-e89b-12d3-a456-426614174000"},
		{"accent-insensitive", "zurich", "55555555-0000-4000-8000-000000000000"},
		{"case-insensitive", "ZÜRICH VERSICHERUNG", "55555555-0000-4000-8000-000000000000"},
		{"punctuation ignored when nothing else matches", "wayne enterprises", "aaaaaaaa-0000-4000-8000-000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := gitscrum.ResolveIn(t.Context(), resolveClients, tt.ref)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.UUID)
		})
	}
}

func TestResolveInAmbiguous(t *testing.T) {
	tests := []struct {
		name string
		ref  string
		want []string // candidate names, best first
	}{
		{"two prefixes, then word prefix", "acme", []string{"Acme Corp", "Acme Ltd", "Big Acme"}},
		{"two prefixes", "init", []string{"Initech", "Initrode"}},
		{"two substrings", "r", []string{"Acme Corp", "Globex Corporation", "Zürich Versicherung", "Initrode", "Umbrella", "Umbrella Health", "Wayne, Enterprises."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gitscrum.ResolveIn(t.Context(), resolveClients, tt.ref)
			require.Error(t, err)
			assert.ErrorIs(t, err, gitscrum.ErrAmbiguous)
			assert.NotErrorIs(t, err, gitscrum.ErrNotFound)
			var re *gitscrum.ResolveError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.ref, re.Ref)
			var names []string
			for _, c := range re.Candidates {
				names = append(names, c.Name)
			}
			assert.Equal(t, tt.want, names)
			assert.Empty(t, re.Suggestions)
		})
	}
}

func TestResolveInAmbiguousCapped(t *testing.T) {
	var clients []gitscrum.ClientCompany
	for i := range 15 {
		clients = append(clients, recClient(fmt.Sprintf("u%02d", i), fmt.Sprintf("Shop %d", i), "", ""))
	}
	clients = append(clients, recClient("first", "Shop", "", ""), recClient("second", "Shop", "", ""))
	_, err := gitscrum.ResolveIn(t.Context(), clients, "shop")
	var re *gitscrum.ResolveError
	require.ErrorAs(t, err, &re)
	require.Len(t, re.Candidates, 10)
	// The two exact matches come first, then the prefixes in input order.
	assert.Equal(t, "first", re.Candidates[0].UUID)
	assert.Equal(t, "second", re.Candidates[1].UUID)
	for i, c := range re.Candidates[2:] {
		assert.Equal(t, fmt.Sprintf("u%02d", i), c.UUID)
	}
}

func TestResolveInDuplicateUUID(t *testing.T) {
	clients := []gitscrum.ClientCompany{recClient("dup", "One", "", ""), recClient("DUP", "Two", "", "")}
	_, err := gitscrum.ResolveIn(t.Context(), clients, "dup")
	assert.ErrorIs(t, err, gitscrum.ErrAmbiguous)
}

func TestResolveInNotFound(t *testing.T) {
	tests := []struct {
		name        string
		ref         string
		suggestions []string
	}{
		{"typo", "globx", []string{"Globex Corporation"}},
		{"typo in the second word", "acme corpp", []string{"Acme Corp"}},
		{"close to several, whole name first", "umbrela", []string{"Umbrella", "Umbrella Health"}},
		{"only close names", "inotech", []string{"Initech"}},
		{"accented typo", "zürik", []string{"Zürich Versicherung"}},
		{"far from everything", "qqqqqqqq", nil},
		{"short and unknown", "qz", nil},
		{"unknown uuid gets no suggestions", "123e4567-e89b-12d3-a456-426614174999", nil},
		{"email is not a name", "billing@acme.co", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gitscrum.ResolveIn(t.Context(), resolveClients, tt.ref)
			require.Error(t, err)
			assert.ErrorIs(t, err, gitscrum.ErrNotFound)
			assert.NotErrorIs(t, err, gitscrum.ErrAmbiguous)
			var re *gitscrum.ResolveError
			require.ErrorAs(t, err, &re)
			assert.Empty(t, re.Candidates)
			assert.Equal(t, tt.suggestions, re.Suggestions)
			if len(tt.suggestions) > 0 {
				assert.Contains(t, err.Error(), tt.suggestions[0])
			}
		})
	}
}

func TestResolveInEmptyRef(t *testing.T) {
	for _, ref := range []string{"", " ", "\t\n "} {
		_, err := gitscrum.ResolveIn(t.Context(), resolveClients, ref)
		var re *gitscrum.ResolveError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, ref, re.Ref)
		assert.Empty(t, re.Candidates)
		assert.Empty(t, re.Suggestions)
		assert.ErrorIs(t, err, gitscrum.ErrNotFound)
	}
	_, err := gitscrum.ResolveIn(t.Context(), nil, "acme")
	assert.ErrorIs(t, err, gitscrum.ErrNotFound)
}

func TestSuggest(t *testing.T) {
	clients := []gitscrum.ClientCompany{
		recClient("1", "Globex Corporation", "", ""),
		recClient("2", "Globe Trotters", "", ""),
		recClient("3", "GLOBEX CORPORATION", "", ""), // same normalised name: once
		recClient("4", "Hooli", "", ""),
		recClient("5", "Gl0bex", "", ""),
		recClient("6", "", "", ""),
	}
	tests := []struct {
		ref  string
		n    int
		want []string
	}{
		{"globx", 3, []string{"Globex Corporation", "Globe Trotters", "Gl0bex"}},
		{"globx", 1, []string{"Globex Corporation"}},
		{"globx", 0, nil},
		{"hoolie", 3, []string{"Hooli"}},
		{"trotter", 3, []string{"Globe Trotters"}},
		{"", 3, nil},
		{"zzzzzz", 3, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.ref, tt.n), func(t *testing.T) {
			got, err := gitscrum.Suggest(t.Context(), clients, tt.ref, tt.n)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func FuzzResolveIn(f *testing.F) {
	const dir = "Acme Corp|Acme Ltd|Big Acme|Zürich AG|Globex Corporation|Wayne, Enterprises.|Shop|Shop"
	for _, ref := range []string{"acme", "Acme Corp", "zurich", "globx", "", " ", "u3", "U3", "wayne enterprises", "shop", "123e4567-e89b-12d3-a456-426614174000", "\xff", "é"} {
		f.Add(ref, dir)
	}
	f.Add("x", "")
	f.Add("a", "a|A|á|ａ")
	f.Fuzz(func(t *testing.T, ref, names string) {
		var clients []gitscrum.ClientCompany
		for i, name := range strings.Split(names, "|") {
			clients = append(clients, recClient(fmt.Sprintf("u%d", i), name, "", ""))
		}
		got, err := gitscrum.ResolveIn(t.Context(), clients, ref)
		if vErr := gitscrum.CheckLength(gitscrum.InputClient, ref); vErr != nil || gitscrum.ValidateQuery(ref) != nil {
			// Over the cap, or a control character: refused before any comparison.
			if !errors.Is(err, gitscrum.ErrValidation) {
				t.Fatalf("ResolveIn(%q): got %v, want a validation error", ref, err)
			}
			return
		}
		if err == nil {
			found := false
			for _, c := range clients {
				found = found || c == got
			}
			if !found {
				t.Fatalf("ResolveIn(%q) returned %+v, not one of the input clients", ref, got)
			}
			return
		}
		var re *gitscrum.ResolveError
		if !errors.As(err, &re) {
			t.Fatalf("ResolveIn(%q): error %T is not a *ResolveError", ref, err)
		}
		if re.Ref != ref {
			t.Fatalf("Ref = %q, want %q", re.Ref, ref)
		}
		if len(re.Candidates) > 10 || len(re.Suggestions) > 3 {
			t.Fatalf("too many candidates (%d) or suggestions (%d)", len(re.Candidates), len(re.Suggestions))
		}
		if len(re.Candidates) == 1 || len(re.Candidates) > 0 && len(re.Suggestions) > 0 {
			t.Fatalf("bad error: %+v", re)
		}
		if errors.Is(err, gitscrum.ErrAmbiguous) == errors.Is(err, gitscrum.ErrNotFound) {
			t.Fatalf("error %v must be exactly one of ambiguous and not found", err)
		}
		for _, c := range re.Candidates {
			found := false
			for _, in := range clients {
				found = found || c == in
			}
			if !found {
				t.Fatalf("candidate %+v is not an input client", c)
			}
		}
		// A UUID that only one client has always resolves.
		id := strings.TrimSpace(ref)
		n := 0
		for _, c := range clients {
			if strings.EqualFold(c.UUID, id) {
				n++
			}
		}
		if n == 1 {
			t.Fatalf("ResolveIn(%q) failed although one client has that UUID: %v", ref, err)
		}
	})
}

// FuzzResolveExactIn checks what a write may pick: a client whose UUID is the
// reference or whose whole name equals it once normalised, and only when no other
// client does; anything else is an Exact *ResolveError.
func FuzzResolveExactIn(f *testing.F) {
	const dir = "Acme Corp|Acme Ltd|Globex Corporation|Globex Europe|Shop|SHOP!|東京 Trading|Аcme Logistics"
	for _, ref := range []string{"acme corp", "../x", "東", "shop", "globex-europe", "acme logistics", "u2", "", "...", "\xff"} {
		f.Add(ref, dir)
	}
	f.Fuzz(func(t *testing.T, ref, names string) {
		var clients []gitscrum.ClientCompany
		for i, name := range strings.Split(names, "|") {
			clients = append(clients, recClient(fmt.Sprintf("u%d", i), name, "", ""))
		}
		got, err := gitscrum.ResolveExactIn(t.Context(), clients, ref)
		if errors.Is(err, gitscrum.ErrValidation) {
			if gitscrum.ValidateQuery(ref) == nil {
				t.Fatalf("ResolveExactIn(%q): validation error %v for a valid reference", ref, err)
			}
			return
		}
		id, key := strings.TrimSpace(ref), gitscrum.NormalizeName(ref)
		byID, byName := 0, 0
		for _, c := range clients {
			switch {
			case strings.EqualFold(c.UUID, id):
				byID++
			case key != "" && gitscrum.NormalizeName(c.Name) == key:
				byName++
			}
		}
		if err != nil {
			var re *gitscrum.ResolveError
			if !errors.As(err, &re) || !re.Exact {
				t.Fatalf("ResolveExactIn(%q): %v is not an Exact *ResolveError", ref, err)
			}
			if byID == 1 || byID == 0 && byName == 1 {
				t.Fatalf("ResolveExactIn(%q) failed although one client is named exactly: %v", ref, err)
			}
			return
		}
		if !strings.EqualFold(got.UUID, id) && (byID > 0 || gitscrum.NormalizeName(got.Name) != key || byName != 1) {
			t.Fatalf("ResolveExactIn(%q) picked %+v, which it does not name exactly and alone", ref, got)
		}
	})
}
