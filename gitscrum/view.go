package gitscrum

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode"
)

// View is an ordered, read-only sequence of clients that copies no record: a
// snapshot's clients by name ([Snapshot.ByName]), in GitScrum's order
// ([Snapshot.InOrder]), the matches of a search ([MatchesView]) or a short list
// ([ViewOf]). Reading one element or one page costs O(1) or O(page), whatever the
// size of the workspace. The records it points to are shared: do not change them.
type View struct {
	clients []ClientCompany
	// order, when set, holds the positions in clients of the view's elements.
	order []int32
	// matches, when set, are the view's elements (clients is then nil).
	matches []Match
}

// ViewOf returns a view of clients in their order. The view keeps the slice.
func ViewOf(clients []ClientCompany) View { return View{clients: clients} }

// MatchesView returns a view of the clients of matches, in the order of matches
// (best first, for those of [Index.Search]). The view keeps the slice.
func MatchesView(matches []Match) View { return View{matches: matches} }

// Len returns the number of clients in the view.
func (v View) Len() int {
	switch {
	case v.matches != nil:
		return len(v.matches)
	case v.order != nil:
		return len(v.order)
	}
	return len(v.clients)
}

// At returns the i-th client of the view, 0 <= i < Len. It points into the
// snapshot's records: do not change it.
func (v View) At(i int) *ClientCompany {
	switch {
	case v.matches != nil:
		return v.matches[i].Client
	case v.order != nil:
		return &v.clients[v.order[i]]
	}
	return &v.clients[i]
}

// Page returns a copy of the clients from index from up to, not including, to:
// both are clamped to [0, Len], so a page past the end is empty. It copies only
// the page's records.
func (v View) Page(from, to int) []ClientCompany {
	n := v.Len()
	from, to = min(max(from, 0), n), min(max(to, 0), n)
	if to <= from {
		return nil
	}
	out := make([]ClientCompany, to-from)
	for i := range out {
		out[i] = *v.At(from + i)
	}
	return out
}

// nameKey is the key of the name order of a client: its name after [Normalize]
// (compared up to its first 1,020 bytes, as a search does), without the symbols
// and punctuation it starts with, so "<!channel> Alerts" sorts under C.
func nameKey(name string) string { return trimToWord(Normalize(head(name, maxComparedBytes))) }

// trimToWord drops the characters a normalised name starts with that are neither
// letters nor digits.
func trimToWord(s string) string {
	for i, c := range []byte(s) {
		if c >= 0x80 {
			return strings.TrimLeftFunc(s[i:], func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		}
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' {
			return s[i:]
		}
	}
	return ""
}

// compareByName orders two clients by their name keys, then by their positions in
// the snapshot: a stable order by name.
func compareByName(ka, kb string, a, b int32) int {
	return cmp.Or(strings.Compare(ka, kb), cmp.Compare(a, b))
}

// nameOrder returns the positions of clients ordered by name, reading the
// normalised names from ix, the index of clients, so that no name is normalised
// again. It stops with ctx's error when ctx ends while it reads the names.
func nameOrder(ctx context.Context, ix *Index) ([]int32, error) {
	n := ix.Len()
	keys := make([]string, n)
	for i := range n {
		if err := stopped(ctx, i); err != nil {
			return nil, err
		}
		k := i * numFields // the name field of client i
		keys[i] = trimToWord(ix.buf[ix.starts[k] : ix.starts[k+1]-1])
	}
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return compareByName(keys[a], keys[b], a, b) })
	return order, nil
}

// reorder returns the name order of clients from old, the name order of the same
// clients but for the one at position moved, whose name changed or which is new
// (moved == len(old)). It costs one copy of the order and a binary search: a write
// patched into a cached list does not sort the workspace again.
func reorder(old []int32, clients []ClientCompany, moved int32) []int32 {
	out := make([]int32, 0, len(clients))
	for _, p := range old {
		if p != moved {
			out = append(out, p)
		}
	}
	key := nameKey(clients[moved].Name)
	pos, _ := slices.BinarySearchFunc(out, moved, func(p, m int32) int {
		return compareByName(nameKey(clients[p].Name), key, p, m)
	})
	return slices.Insert(out, pos, moved)
}
