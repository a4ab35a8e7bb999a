package gitscrum

import (
	"cmp"
	"context"
	"math"
	"slices"
	"unicode"
)

// maxSuggestDistance is the most edits a suggestion may be from the reference,
// whatever its length: past that, a name is not what the user meant to type, and the
// bound keeps each comparison to a narrow band of the edit-distance table.
const maxSuggestDistance = 10

// maxSuggestRunes is how many characters of a normalised name Suggest compares.
const maxSuggestRunes = 2 * MaxNameLength

// Suggest returns up to n client names close to ref, closest first, for a "did you
// mean" when ref matched nothing. Closeness is the Levenshtein distance between the
// normalised ref and the normalised name, or the name's start, or one of its words
// (or a word's start) when that is smaller, so "globx" suggests "Globex
// Corporation". A name is only suggested when that distance is at most
// min(max(2, len/3), len/2, 10), len being the length of ref in characters: short
// refs get only very close names. Ties go to the name with a word (or the whole name)
// that ref needs the fewest insertions and deletions to become ("globx" is closer to
// "globex" than to "globe"), then to the name closest as a whole, then to input order;
// these two tie-breaks count up to 2·limit+2 edits, names further away tie.
// Names equal after [Normalize] are suggested once. It returns nil when no name is
// close enough.
//
// The work is bounded: a ref over [MaxReferenceLength] characters is an
// ErrValidation [*Error]; names are compared up to their first 510 characters; a
// name or word whose length alone puts it too far from ref costs no comparison, and
// each comparison only fills the band of the table within the distance bound. It
// stops, with ctx's error, soon after ctx ends.
func Suggest(ctx context.Context, clients []ClientCompany, ref string, n int) ([]string, error) {
	if err := CheckLength(InputClient, ref); err != nil {
		return nil, err
	}
	q := []rune(Normalize(ref))
	if n <= 0 || len(q) == 0 {
		return nil, nil
	}
	limit := min(max(2, len(q)/3), len(q)/2, maxSuggestDistance)
	type close struct {
		index, dist int
		name        []rune
	}
	var found []close
	seen := make(map[string]bool)
	var ed editDistance
	for i := range clients {
		if err := stopped(ctx, i); err != nil {
			return nil, err
		}
		norm := Normalize(head(clients[i].Name, maxComparedBytes))
		if norm == "" || seen[norm] {
			continue
		}
		name := []rune(norm)
		name = name[:min(len(name), maxSuggestRunes)]
		dist := ed.bounded(q, name, limit, 1)
		for i, part := range nameParts(name) {
			if dist == 0 {
				break
			}
			if i == 0 && len(name) <= len(q) {
				continue // the name's start is the whole name, compared above
			}
			dist = min(dist, ed.bounded(q, part[:min(len(part), len(q))], min(limit, dist-1), 1))
		}
		if dist <= limit {
			seen[norm] = true
			found = append(found, close{index: i, dist: dist, name: name})
		}
	}
	if len(found) == 0 {
		return nil, nil
	}
	// The tie-breaks, only for the names that can make the first n, and bounded too:
	// past tieBound, names tie.
	slices.SortStableFunc(found, func(a, b close) int { return cmp.Compare(a.dist, b.dist) })
	cutoff := found[min(n, len(found))-1].dist
	tieBound := 2*limit + 2
	type scored struct {
		index, dist, indel, full int
	}
	var ranked []scored
	for i, f := range found {
		if f.dist > cutoff {
			break
		}
		if err := stopped(ctx, i); err != nil {
			return nil, err
		}
		indel := math.MaxInt
		for _, part := range nameParts(f.name) {
			indel = min(indel, ed.bounded(q, part, tieBound, 2))
		}
		ranked = append(ranked, scored{index: f.index, dist: f.dist, indel: indel, full: ed.bounded(q, f.name, tieBound, 1)})
	}
	slices.SortStableFunc(ranked, func(a, b scored) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.indel, b.indel), cmp.Compare(a.full, b.full), cmp.Compare(a.index, b.index))
	})
	out := make([]string, 0, min(n, len(ranked)))
	for _, s := range ranked[:min(n, len(ranked))] {
		out = append(out, clients[s.index].Name)
	}
	return out, nil
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

// bounded returns the edit distance between a and b when it is at most k, else k+1
// (also for k < 0). sub is the cost of a substitution: 1 gives the Levenshtein
// distance, 2 the fewest insertions and deletions (a substitution is one of each).
// It fills only the cells within k of the diagonal and stops at the first row whose
// every cell exceeds k: O(len(a)·k) at most, and nothing when the lengths alone
// differ by more than k.
func (e *editDistance) bounded(a, b []rune, k, sub int) int {
	if k < 0 {
		return k + 1
	}
	if len(a)-len(b) > k || len(b)-len(a) > k {
		return k + 1
	}
	over := k + 1 // any value above k: a cell outside the band
	prev, cur := e.rows(b)
	if k+1 <= len(b) {
		prev[k+1] = over
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-k), min(len(b), i+k)
		if lo == 1 {
			cur[0] = i
		} else {
			cur[lo-1] = over
		}
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			diag := prev[j-1]
			if a[i-1] != b[j-1] {
				diag += sub
			}
			c := min(prev[j]+1, cur[j-1]+1, diag)
			cur[j] = c
			rowMin = min(rowMin, c)
		}
		if hi+1 <= len(b) {
			cur[hi+1] = over
		}
		if rowMin > k {
			return k + 1
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], k+1)
}
