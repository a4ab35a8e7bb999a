package gitscrum

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lookalikeCases are the Cyrillic and Greek letters that pass for Latin ones, written
// apart from the table in confusables.go and by code point, so that a letter dropped
// from the table (or one the normalisation before it turns into another letter)
// fails: each letter in both cases, and the Latin letter it reads as.
var lookalikeCases = []struct {
	lower, upper rune
	latin        string
}{
	// Cyrillic.
	{'\u0430', '\u0410', "a"}, // а А
	{'\u0432', '\u0412', "b"}, // в В
	{'\u0501', '\u0500', "d"}, // ԁ Ԁ
	{'\u0435', '\u0415', "e"}, // е Е
	{'\u04BB', '\u04BA', "h"}, // һ Һ
	{'\u043D', '\u041D', "h"}, // н Н
	{'\u0456', '\u0406', "i"}, // і І
	{'\u0458', '\u0408', "j"}, // ј Ј
	{'\u043A', '\u041A', "k"}, // к К
	{'\u04CF', '\u04C0', "l"}, // ӏ Ӏ
	{'\u043C', '\u041C', "m"}, // м М
	{'\u043E', '\u041E', "o"}, // о О
	{'\u0440', '\u0420', "p"}, // р Р
	{'\u051B', '\u051A', "q"}, // ԛ Ԛ
	{'\u0455', '\u0405', "s"}, // ѕ Ѕ
	{'\u0442', '\u0422', "t"}, // т Т
	{'\u0441', '\u0421', "c"}, // с С
	{'\u0443', '\u0423', "y"}, // у У
	{'\u04AF', '\u04AE', "y"}, // ү Ү
	{'\u051D', '\u051C', "w"}, // ԝ Ԝ
	{'\u0445', '\u0425', "x"}, // х Х
	// Greek.
	{'\u03B1', '\u0391', "a"}, // α Α
	{'\u03B2', '\u0392', "b"}, // β Β
	{'\u03B5', '\u0395', "e"}, // ε Ε
	{'\u03B6', '\u0396', "z"}, // ζ Ζ
	{'\u03B7', '\u0397', "h"}, // η Η
	{'\u03B9', '\u0399', "i"}, // ι Ι
	{'\u03BA', '\u039A', "k"}, // κ Κ
	{'\u03BC', '\u039C', "m"}, // μ Μ
	{'\u03BD', '\u039D', "n"}, // ν Ν
	{'\u03BF', '\u039F', "o"}, // ο Ο
	{'\u03C1', '\u03A1', "p"}, // ρ Ρ
	{'\u03C4', '\u03A4', "t"}, // τ Τ
	{'\u03C5', '\u03A5', "y"}, // υ Υ
	{'\u03C7', '\u03A7', "x"}, // χ Χ
	{'\u03F2', '\u03F9', "c"}, // ϲ Ϲ (lunate sigma)
	{'\u03F3', '\u037F', "j"}, // ϳ Ϳ
}

// TestLookalikesEachLetter checks every look-alike letter, in either case, alone and
// inside a company name, reads as its Latin letter: NormalizeName folds it, and
// FindDuplicates takes the spoofed name for the Latin one.
func TestLookalikesEachLetter(t *testing.T) {
	for _, tc := range lookalikeCases {
		for _, r := range []rune{tc.lower, tc.upper} {
			t.Run(fmt.Sprintf("%U %c", r, r), func(t *testing.T) {
				assert.Equal(t, tc.latin, NormalizeName(string(r)))
				spoof := "Zz" + string(r) + "zz Corp"
				assert.Equal(t, "zz"+tc.latin+"zz corp", NormalizeName(spoof))
				existing := []ClientCompany{{UUID: "u1", Name: "ZZ" + tc.latin + "ZZ Corp."}, {UUID: "u2", Name: "Zzqzz Corp"}}
				if tc.latin == "q" {
					existing[1].Name = "Zzvzz Corp"
				}
				dups := FindDuplicates(existing, spoof, "")
				require.Len(t, dups, 1, "%q duplicates %q", spoof, existing[0].Name)
				assert.Equal(t, "u1", dups[0].UUID)
			})
		}
	}
}

// TestLookalikesTableIsCovered checks lookalikeCases cover the whole table, so a
// letter added to it is added to the test too: every key of the table is some
// case's letter as Normalize leaves it, read as the same Latin letter.
func TestLookalikesTableIsCovered(t *testing.T) {
	covered := map[rune]string{}
	for _, tc := range lookalikeCases {
		for _, r := range []rune{tc.lower, tc.upper} {
			for _, n := range Normalize(string(r)) {
				covered[n] = tc.latin
			}
		}
	}
	for r, latin := range lookalikes {
		want, ok := covered[r]
		if assert.True(t, ok, "%U %c is in the table but has no case here", r, r) {
			assert.Equal(t, want, string(latin), "%U %c", r, r)
		}
	}
}

// TestGreekSigmaIsNoLatinC checks only the lunate sigma reads as c: the ordinary
// sigma of Greek names (Σ, σ and the final ς) stays a sigma, so a Greek name is
// not taken for a Latin one spelled with c.
func TestGreekSigmaIsNoLatinC(t *testing.T) {
	for _, tc := range []struct{ greek, latin string }{
		{"Σοφία", "Coφia"},
		{"Κάσσος Ltd", "Kaccoc Ltd"},
		{"ΣΟΣ", "COC"},
		{"Οδυσσέας", "Oδyccεac"},
	} {
		t.Run(tc.greek, func(t *testing.T) {
			n := NormalizeName(tc.greek)
			assert.Contains(t, n, "σ", "the sigma stays a sigma")
			assert.NotContains(t, n, "c")
			assert.NotEqual(t, NormalizeName(tc.latin), n)
			assert.Empty(t, FindDuplicates([]ClientCompany{{UUID: "u1", Name: tc.latin}}, tc.greek, ""),
				"%q is no duplicate of %q", tc.greek, tc.latin)
		})
	}
	assert.Equal(t, "cocia", NormalizeName("\u03F2o\u03F9ia"), "the lunate sigma, in both cases, is a c")
}
