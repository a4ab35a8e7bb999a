package gitscrum

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
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

// ResolveIn picks exactly one client for ref (a UUID or a name) among clients.
//
//   - A ref equal to a client's UUID (case-insensitive, trimmed) wins.
//   - Otherwise ref is matched against names only, with the ranks of [Index.Search]:
//     the best rank that has any match decides. One client at that rank is the answer.
//   - When no name contains ref, names are compared once more with punctuation
//     ignored ([NormalizeName]), so "acme corp" finds "ACME, Corp.".
//
// Every failure is a [*ResolveError]: several clients at the best rank give one with
// Candidates (every matching client, best rank first then input order, at most 10),
// which matches [ErrAmbiguous]; no match gives one with Suggestions (up to 3 close
// names, see [Suggest]; none when ref looks like a UUID), which matches
// [ErrNotFound]. An empty or all-whitespace ref gives one with neither.
func ResolveIn(clients []ClientCompany, ref string) (ClientCompany, error) {
	q := Normalize(ref)
	if q == "" {
		return ClientCompany{}, &ResolveError{Ref: ref}
	}

	id := strings.TrimSpace(ref)
	var byUUID []ClientCompany
	for _, c := range clients {
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

	matches := nameMatches(clients, q, Normalize)
	if len(matches) == 0 {
		if qn := NormalizeName(ref); qn != "" {
			matches = nameMatches(clients, qn, NormalizeName)
		}
	}
	if len(matches) == 0 {
		e := &ResolveError{Ref: ref}
		if !LooksLikeUUID(id) {
			e.Suggestions = Suggest(clients, ref, maxSuggestions)
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

// nameMatch is a client whose name contains the reference.
type nameMatch struct {
	index int
	rank  Rank
}

// nameMatches returns the clients whose name, folded by fold, contains q (folded the
// same way), in input order.
func nameMatches(clients []ClientCompany, q string, fold func(string) string) []nameMatch {
	var out []nameMatch
	for i := range clients {
		if r := rankText(fold(clients[i].Name), q); r != rankNone {
			out = append(out, nameMatch{index: i, rank: r})
		}
	}
	return out
}

// capCandidates keeps the first maxCandidates clients.
func capCandidates(cs []ClientCompany) []ClientCompany {
	return cs[:min(len(cs), maxCandidates)]
}

// Suggest returns up to n client names close to ref, closest first, for a "did you
// mean" when ref matched nothing. Closeness is the Levenshtein distance between the
// normalised ref and the normalised name, or the name's start, or one of its words
// (or a word's start) when that is smaller, so "globx" suggests "Globex
// Corporation". A name is only suggested when that distance is at most
// max(2, len/3) and at most len/2, len being the length of ref in characters: short
// refs get only very close names. Ties go to the name with a word (or the whole name)
// that ref needs the fewest insertions and deletions to become ("globx" is closer to
// "globex" than to "globe"), then to the name closest as a whole, then to input order.
// Names equal after [Normalize] are suggested once. It returns nil when no name is
// close enough.
func Suggest(clients []ClientCompany, ref string, n int) []string {
	q := []rune(Normalize(ref))
	if n <= 0 || len(q) == 0 {
		return nil
	}
	limit := min(max(2, len(q)/3), len(q)/2)
	type scored struct {
		name              string
		dist, indel, full int
	}
	var found []scored
	seen := make(map[string]bool)
	var ed editDistance
	for _, c := range clients {
		norm := Normalize(c.Name)
		if norm == "" || seen[norm] {
			continue
		}
		name := []rune(norm)
		full := ed.levenshtein(q, name)
		dist, indel := full, math.MaxInt
		for _, part := range nameParts(name) {
			indel = min(indel, ed.indel(q, part))
			if len(part) > len(q) {
				part = part[:len(q)]
			}
			dist = min(dist, ed.levenshtein(q, part))
		}
		if dist <= limit {
			seen[norm] = true
			found = append(found, scored{name: c.Name, dist: dist, indel: indel, full: full})
		}
	}
	if len(found) == 0 {
		return nil
	}
	slices.SortStableFunc(found, func(a, b scored) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.indel, b.indel), cmp.Compare(a.full, b.full))
	})
	out := make([]string, 0, min(n, len(found)))
	for _, s := range found[:min(n, len(found))] {
		out = append(out, s.name)
	}
	return out
}

// nameParts returns the name itself and each of its words (runs of letters, digits
// and marks), for comparing a ref with a name's start and with its words' starts.
func nameParts(name []rune) [][]rune {
	parts := [][]rune{name}
	start := -1
	for i, r := range name {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			parts = append(parts, name[start:i])
			start = -1
		}
	}
	if start > 0 { // a word that is the whole name is parts[0] already
		parts = append(parts, name[start:])
	}
	return parts
}

// editDistance computes edit distances between rune slices, reusing its row
// buffers.
type editDistance struct {
	prev, cur []int
}

// rows returns two rows of len(b)+1 cells, the first filled with 0, 1, 2, ….
func (e *editDistance) rows(b []rune) (prev, cur []int) {
	if cap(e.prev) < len(b)+1 {
		e.prev = make([]int, len(b)+1)
		e.cur = make([]int, len(b)+1)
	}
	prev, cur = e.prev[:len(b)+1], e.cur[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	return prev, cur
}

// levenshtein returns the Levenshtein distance between a and b: the fewest
// insertions, deletions and substitutions of characters that turn a into b.
func (e *editDistance) levenshtein(a, b []rune) int {
	prev, cur := e.rows(b)
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// indel returns the fewest insertions and deletions of characters (no
// substitutions) that turn a into b.
func (e *editDistance) indel(a, b []rune) int {
	prev, cur := e.rows(b)
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1]
			} else {
				cur[j] = min(prev[j], cur[j-1]) + 1
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
