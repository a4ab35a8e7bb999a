package gitscrum

import (
	"testing"
	"unicode/utf8"
)

// refDistance is the plain dynamic programme of the edit distance with
// substitutions costing sub.
func refDistance(a, b []rune, sub int) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			diag := d[i-1][j-1]
			if a[i-1] != b[j-1] {
				diag += sub
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, diag)
		}
	}
	return d[len(a)][len(b)]
}

// FuzzBoundedDistance checks the banded distance against the plain one: equal when
// at most k, k+1 otherwise, for Levenshtein and for insertions and deletions only.
func FuzzBoundedDistance(f *testing.F) {
	f.Add("globx", "globex", 2)
	f.Add("kitten", "sitting", 3)
	f.Add("", "abc", 0)
	f.Add("abc", "", 5)
	f.Add("zürich", "zurich", 1)
	f.Fuzz(func(t *testing.T, a, b string, k int) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) || len(a) > 64 || len(b) > 64 {
			return
		}
		k %= 20
		ra, rb := []rune(a), []rune(b)
		var ed editDistance
		for _, sub := range []int{1, 2} {
			want := refDistance(ra, rb, sub)
			if want > k {
				want = k + 1
			}
			if got := ed.bounded(ra, rb, k, sub); got != want {
				t.Fatalf("bounded(%q, %q, %d, sub %d) = %d, want %d", a, b, k, sub, got, want)
			}
		}
	})
}
