package gitscrum

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxCandidates is the most candidates a [ResolveError] lists.
const maxCandidates = 10

// maxSuggestions is the most suggestions a [ResolveError] lists.
const maxSuggestions = 3

// LooksLikeUUID reports whether s has the canonical 8-4-4-4-12 hex form, in any case,
// such as "123e4567-e89b-12d3-a456-426614174000". s is not trimmed.
func LooksLikeUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// ResolveIn picks exactly one client for ref (a UUID or a name) among clients, the
// forgiving way a read wants (a write wants [ResolveExactIn]).
//
//   - A ref equal to a client's UUID (case-insensitive, trimmed) wins.
//   - Otherwise ref is matched against names only, with the ranks of [Index.Search]:
//     the best rank that has any match decides. One client at that rank is the answer.
//   - When no name contains ref, names are compared once more with punctuation
//     ignored ([NormalizeName]), so "acme corp" finds "ACME, Corp.".
//
// Every failure to pick one is a [*ResolveError]: several clients at the best rank
// give one with Candidates (every matching client, best rank first then input order,
// at most 10), which matches [ErrAmbiguous]; no match gives one with Suggestions (up
// to 3 close names, see [Suggest]; none when ref looks like a UUID), which matches
// [ErrNotFound]. An empty or all-whitespace ref gives one with neither.
//
// A ref over [MaxReferenceLength] characters, or holding control characters or
// bidirectional overrides, is an ErrValidation [*Error], refused before any
// comparison. Names are compared up to their first 1,020 bytes. The work stops, with
// ctx's error, soon after ctx ends.
func ResolveIn(ctx context.Context, clients []ClientCompany, ref string) (ClientCompany, error) {
	if err := checkReference(ref); err != nil {
		return ClientCompany{}, err
	}
	q := Normalize(ref)
	if q == "" {
		return ClientCompany{}, &ResolveError{Ref: ref}
	}

	id := strings.TrimSpace(ref)
	var byUUID []ClientCompany
	for i, c := range clients {
		if err := stopped(ctx, i); err != nil {
			return ClientCompany{}, err
		}
		if u := strings.TrimSpace(c.UUID); u != "" && strings.EqualFold(u, id) {
			byUUID = append(byUUID, c)
		}
	}
	switch {
	case len(byUUID) == 1:
		return byUUID[0], nil
	case len(byUUID) > 1:
		return ClientCompany{}, &ResolveError{Ref: ref, Candidates: capCandidates(byUUID)}
	}

	matches, err := nameMatches(ctx, clients, q, Normalize)
	if err != nil {
		return ClientCompany{}, err
	}
	if len(matches) == 0 {
		if qn := NormalizeName(ref); qn != "" {
			if matches, err = nameMatches(ctx, clients, qn, NormalizeName); err != nil {
				return ClientCompany{}, err
			}
		}
	}
	if len(matches) == 0 {
		e := &ResolveError{Ref: ref}
		if !LooksLikeUUID(id) {
			if e.Suggestions, err = Suggest(ctx, clients, ref, maxSuggestions); err != nil {
				return ClientCompany{}, err
			}
		}
		return ClientCompany{}, e
	}
	slices.SortStableFunc(matches, func(a, b nameMatch) int { return cmp.Compare(a.rank, b.rank) })
	if len(matches) == 1 || matches[1].rank > matches[0].rank {
		return clients[matches[0].index], nil
	}
	cands := make([]ClientCompany, 0, min(len(matches), maxCandidates))
	for _, m := range matches[:min(len(matches), maxCandidates)] {
		cands = append(cands, clients[m.index])
	}
	return ClientCompany{}, &ResolveError{Ref: ref, Candidates: cands}
}

// ResolveExactIn picks the one client a write names with ref, strictly:
//
//   - a ref equal to a client's UUID (case-insensitive, trimmed), or
//   - a ref whose [NormalizeName] equals that of exactly one client's name: case,
//     accents, spacing, punctuation, invisible characters and look-alike letters
//     aside, the whole name.
//
// Anything looser changes nothing: it is a [*ResolveError] with Exact set. When
// several clients have that exact name, or the ref only matches the way [ResolveIn]
// matches (a part of a name, "../x" in "Globex"), its Candidates are those clients,
// at most 10, and it matches [ErrAmbiguous]; when the ref matches nothing at all, it
// has the Suggestions of ResolveIn and matches [ErrNotFound]. Input checks, bounds
// and ctx are as for ResolveIn.
func ResolveExactIn(ctx context.Context, clients []ClientCompany, ref string) (ClientCompany, error) {
	if err := checkReference(ref); err != nil {
		return ClientCompany{}, err
	}
	key := NormalizeName(ref)
	if key == "" {
		return ClientCompany{}, &ResolveError{Ref: ref, Exact: true}
	}
	id := strings.TrimSpace(ref)
	var byUUID, byName []ClientCompany
	for i, c := range clients {
		if err := stopped(ctx, i); err != nil {
			return ClientCompany{}, err
		}
		if u := strings.TrimSpace(c.UUID); u != "" && strings.EqualFold(u, id) {
			byUUID = append(byUUID, c)
		} else if NormalizeName(head(c.Name, maxComparedBytes)) == key {
			byName = append(byName, c)
		}
	}
	for _, found := range [...][]ClientCompany{byUUID, byName} {
		switch {
		case len(found) == 1:
			return found[0], nil
		case len(found) > 1:
			return ClientCompany{}, &ResolveError{Ref: ref, Candidates: capCandidates(found), Exact: true}
		}
	}
	// Nothing is exact: offer what a read would have found.
	loose, err := ResolveIn(ctx, clients, ref)
	var re *ResolveError
	switch {
	case err == nil:
		return ClientCompany{}, &ResolveError{Ref: ref, Candidates: []ClientCompany{loose}, Exact: true}
	case errors.As(err, &re):
		re.Exact = true
		return ClientCompany{}, re
	}
	return ClientCompany{}, err
}

// maxComparedBytes is how much of a name (or of a searched field) matching and
// suggestions look at: GitScrum caps names at 255 characters, of at most 4 bytes
// each, so this bounds the work for a record that is not what GitScrum sends.
const maxComparedBytes = 4 * MaxNameLength

// head returns s cut to at most n bytes, at a character boundary.
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// ctxEvery is how many clients a loop over the clients handles between two looks at
// its context.
const ctxEvery = 256

// stopped returns ctx's error, wrapped, when ctx has ended and i is a multiple of
// ctxEvery (the first client included), else nil.
func stopped(ctx context.Context, i int) error {
	if i%ctxEvery != 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("gitscrum: stopped after %d clients: %w", i, err)
	}
	return nil
}

// nameMatch is a client whose name contains the reference.
type nameMatch struct {
	index int
	rank  Rank
}

// nameMatches returns the clients whose name, folded by fold, contains q (folded the
// same way), in input order.
func nameMatches(ctx context.Context, clients []ClientCompany, q string, fold func(string) string) ([]nameMatch, error) {
	var out []nameMatch
	for i := range clients {
		if err := stopped(ctx, i); err != nil {
			return nil, err
		}
		if r := rankText(fold(head(clients[i].Name, maxComparedBytes)), q); r != rankNone {
			out = append(out, nameMatch{index: i, rank: r})
		}
	}
	return out, nil
}

// capCandidates keeps the first maxCandidates clients.
func capCandidates(cs []ClientCompany) []ClientCompany {
	return cs[:min(len(cs), maxCandidates)]
}
