package gitscrum

import "strings"

// lookalikes maps Cyrillic and Greek letters, case-folded as [Normalize] leaves them,
// to the Latin letter they look like: a small "skeleton" in the manner of Unicode's
// confusables (UTS #39), limited to the two scripts whose letters pass for Latin
// ones in company names ("Аcme" with a Cyrillic А). A letter is mapped when its upper
// or its lower case looks like a Latin letter of the same case, since names are
// compared case-folded: Cyrillic "в" maps to "b" because "В" looks like "B".
// Different letters of one script map to different Latin letters, except Cyrillic н
// and һ (both h) and у and ү (both y), so two names in Cyrillic or Greek alone
// almost never collide.
//
// The lunate sigma ϲ (Ϲ), which looks like c, is not in the table: Normalize's
// compatibility decomposition makes it ς, case-folded to σ, the ordinary sigma of
// every Greek name ("Σοφία"), which looks like no Latin letter. [NormalizeName]
// maps it before Normalize, with [lunateSigma].
var lookalikes = map[rune]rune{
	// Cyrillic.
	'а': 'a', 'в': 'b', 'ԁ': 'd', 'е': 'e', 'һ': 'h', 'н': 'h', 'і': 'i', 'ј': 'j',
	'к': 'k', 'ӏ': 'l', 'м': 'm', 'о': 'o', 'р': 'p', 'ԛ': 'q', 'ѕ': 's', 'т': 't',
	'с': 'c', 'у': 'y', 'ү': 'y', 'ԝ': 'w', 'х': 'x',
	// Greek.
	'α': 'a', 'β': 'b', 'ε': 'e', 'ζ': 'z', 'η': 'h', 'ι': 'i', 'κ': 'k', 'μ': 'm',
	'ν': 'n', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'y', 'χ': 'x', 'ϳ': 'j',
}

// lunateSigma maps the lunate sigma, in both cases, to the Latin c it looks like:
// applied before Normalize, which would fold it into the ordinary σ.
var lunateSigma = strings.NewReplacer("\u03F2", "c", "\u03F9", "C")

// foldLunateSigma returns s with each lunate sigma made a Latin c.
func foldLunateSigma(s string) string {
	if !strings.ContainsRune(s, '\u03F2') && !strings.ContainsRune(s, '\u03F9') {
		return s
	}
	return lunateSigma.Replace(s)
}

// lookalike returns the Latin letter r looks like, or r.
func lookalike(r rune) rune {
	if l, ok := lookalikes[r]; ok {
		return l
	}
	return r
}
