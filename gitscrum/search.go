package gitscrum

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Rank says how well a query matched a field. Lower is better.
type Rank int

// The ranks, best first.
const (
	// RankExact: the whole field equals the query.
	RankExact Rank = iota
	// RankPrefix: the field starts with the query.
	RankPrefix
	// RankWordPrefix: the query starts a word inside the field, after a space or
	// punctuation ("corp" in "acme corp", "acme" in "billing@acme.co").
	RankWordPrefix
	// RankSubstring: the query occurs somewhere else in the field.
	RankSubstring

	rankNone // no match; never returned
)

// String returns the name of the rank: "exact", "prefix", "word-prefix" or "substring".
func (r Rank) String() string {
	switch r {
	case RankExact:
		return "exact"
	case RankPrefix:
		return "prefix"
	case RankWordPrefix:
		return "word-prefix"
	case RankSubstring:
		return "substring"
	}
	return "none"
}

// FieldUUID names the UUID of a client in a [Match]. It is not an editable field.
const FieldUUID Field = "uuid"

// Match is one client found by a search.
type Match struct {
	// Client is the client that matched. It points into the slice given to
	// NewIndex, so a search copies no records.
	Client *ClientCompany
	// Rank is the best rank over the client's searched fields.
	Rank Rank
	// Field is the field that matched with that rank: FieldName, FieldEmail,
	// FieldWebsite or FieldUUID. It is "" for the matches of an empty query.
	Field Field
}

// searchFields are the fields a search looks at, in tie-break order.
var searchFields = [...]Field{FieldName, FieldEmail, FieldWebsite, FieldUUID}

const (
	numFields    = len(searchFields)
	websiteField = 2 // index of FieldWebsite in searchFields
	// numKeys is the number of sort keys: rank × (name or not).
	numKeys = int(rankNone) * 2
)

// Index is a set of clients prepared for repeated searches: the searched fields of
// every client are normalised once, into one buffer. Build it with [NewIndex]. An
// Index is safe for concurrent searches; it keeps the slice it was built from, which
// must not be changed afterwards.
type Index struct {
	clients []ClientCompany
	// buf holds the normalised fields, client after client, each field followed by
	// '\n' (which Normalize never leaves in a string).
	buf string
	// starts[k] is the offset in buf of field k (client k/numFields, field
	// searchFields[k%numFields]); starts[len(starts)-1] == len(buf).
	starts []int
	// words[k] has a bit set, through wordBit, for the first byte of each word of
	// field k: a query whose first byte's bit is clear can only be a substring there.
	words []uint64
	// others[c] is the union of words over the fields of client c but the name.
	others []uint64
	// freq counts each byte value in buf, to look for a query's rarest byte.
	freq [256]int
	// web holds the optional parts of each client's website.
	web []webTrim
	// hits recycles the scratch slices of Search.
	hits sync.Pool
}

// webTrim is the length of the optional parts of a website, which an exact or a
// prefix match may leave out. The zero value is for any other field.
type webTrim struct {
	scheme, www, slash uint8
}

// hit is a match before it becomes a Match.
type hit struct {
	client int32
	rank   uint8
	field  uint8
}

// NewIndex normalises the searched fields of clients. The index keeps clients and
// returns its elements in matches. Each field is searched up to its first 1,020
// bytes (GitScrum's fields hold at most 255 characters), which bounds the work of a
// search per client.
func NewIndex(clients []ClientCompany) *Index {
	size := 0
	for i := range clients {
		c := &clients[i]
		size += len(c.Name) + len(c.Email) + len(c.Website) + len(c.UUID) + numFields
	}
	buf := make([]byte, 0, size+size/16)
	starts := make([]int, 0, len(clients)*numFields+1)
	words := make([]uint64, 0, len(clients)*numFields)
	others := make([]uint64, len(clients))
	web := make([]webTrim, len(clients))
	for i := range clients {
		c := &clients[i]
		for f, v := range [numFields]string{c.Name, c.Email, c.Website, c.UUID} {
			start := len(buf)
			starts = append(starts, start)
			buf = appendNormalized(buf, head(v, maxComparedBytes))
			w := wordBits(buf[start:])
			words = append(words, w)
			if f > 0 {
				others[i] |= w
			}
			if f == websiteField {
				web[i] = websiteTrim(buf[start:])
			}
			buf = append(buf, '\n')
		}
	}
	starts = append(starts, len(buf))
	ix := &Index{clients: clients, buf: string(buf), starts: starts, words: words, others: others, web: web}
	var freq [256]int
	for _, c := range buf {
		freq[c]++
	}
	ix.freq = freq
	return ix
}

// wordBit maps the first byte of a word to a bit of Index.words: one bit for each
// ASCII letter and digit, the other bytes share the rest.
var wordBit = func() (t [256]uint64) {
	for b := range 256 {
		var bit int
		switch {
		case 'a' <= b && b <= 'z':
			bit = b - 'a' // 0-25
		case 'A' <= b && b <= 'Z':
			bit = b - 'A'
		case '0' <= b && b <= '9':
			bit = 26 + b - '0' // 26-35
		case b < utf8.RuneSelf:
			bit = 36 + b%20 // 36-55
		default:
			bit = 56 + b%8 // 56-63
		}
		t[b] = 1 << bit
	}
	return t
}()

// nonWord is all ones for an ASCII byte that is not part of a word, else 0.
var nonWord = func() (t [utf8.RuneSelf]uint64) {
	for c := range utf8.RuneSelf {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z') {
			t[c] = ^uint64(0)
		}
	}
	return t
}()

// wordBits returns the union of wordBit of the first byte of every word of the
// normalised field.
func wordBits(field []byte) uint64 {
	var w uint64
	after := ^uint64(0) // all ones after a non-word character (or at the start)
	for i := 0; i < len(field); {
		c := field[i]
		w |= wordBit[c] & after
		if c < utf8.RuneSelf {
			after = nonWord[c]
			i++
			continue
		}
		r, n := utf8.DecodeRune(field[i:])
		after = 0
		if !isWordRune(r) {
			after = ^uint64(0)
		}
		i += n
	}
	return w
}

// websiteTrim measures the optional parts of a normalised website: the scheme
// ("https://"), "www." and a trailing "/", in bytes.
func websiteTrim(w []byte) webTrim {
	var t webTrim
	rest := w
	for _, p := range [...]string{"https://", "http://"} {
		if len(rest) >= len(p) && string(rest[:len(p)]) == p {
			rest = rest[len(p):]
			t.scheme = uint8(len(p))
			break
		}
	}
	if len(rest) >= 4 && string(rest[:4]) == "www." {
		rest = rest[4:]
		t.www = 4
	}
	if len(rest) > 1 && rest[len(rest)-1] == '/' {
		t.slash = 1
	}
	return t
}

// Len returns the number of clients in the index.
func (ix *Index) Len() int { return len(ix.clients) }

// Search returns the clients whose name, email, website or UUID contains query,
// compared after [Normalize] (so case and accents do not matter: "zurich" finds
// "Zürich"). A website also matches without its scheme and "www.": "acme.co" is an
// exact match of "https://www.acme.co/".
//
// Each client appears once, with its best rank over the four fields. Results are
// ordered by rank, then name matches before matches on another field, then input
// order. An empty (or all-whitespace) query returns every client in input order, with
// RankSubstring and an empty Field. No match gives nil.
//
// A query refused by [ValidateQuery] (over [MaxQueryLength] characters, control
// characters, bidirectional overrides) is an ErrValidation [*Error], before any
// work. The search stops, with ctx's error, soon after ctx ends.
func (ix *Index) Search(ctx context.Context, query string) ([]Match, error) {
	if err := ValidateQuery(query); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("gitscrum: search not started: %w", err)
	}
	q := Normalize(query)
	if q == "" {
		if len(ix.clients) == 0 {
			return nil, nil
		}
		out := make([]Match, len(ix.clients))
		for i := range ix.clients {
			out[i] = Match{Client: &ix.clients[i], Rank: RankSubstring}
		}
		return out, nil
	}

	hp, _ := ix.hits.Get().(*[]hit)
	if hp == nil {
		hp = new([]hit)
	}
	hits, counts, err := ix.scan(ctx, q, (*hp)[:0])
	var out []Match
	if err == nil && len(hits) > 0 {
		// Counting sort on (rank, not-name): hits are in input order, so it is stable.
		var next [numKeys]int
		for key := 1; key < numKeys; key++ {
			next[key] = next[key-1] + counts[key-1]
		}
		out = make([]Match, len(hits))
		for _, h := range hits {
			key := hitKey(h)
			m := &out[next[key]]
			m.Client, m.Rank, m.Field = &ix.clients[h.client], Rank(h.rank), searchFields[h.field]
			next[key]++
		}
	}
	*hp = hits[:0]
	ix.hits.Put(hp)
	return out, err
}

// hitKey is the sort key of a hit: rank first, then name before the other fields.
func hitKey(h hit) int {
	key := int(h.rank) * 2
	if h.field != 0 {
		key++
	}
	return key
}

// scan appends to hits one hit per client matching the normalised, non-empty q, in
// input order, and counts them by sort key. It stops with ctx's error when ctx ends.
func (ix *Index) scan(ctx context.Context, q string, hits []hit) ([]hit, [numKeys]int, error) {
	var counts [numKeys]int
	find := ix.newFinder(q)
	bit := wordBit[q[0]]
	pos, k := 0, 0
	for pos < len(ix.buf) {
		p := find.next(pos)
		if p < 0 {
			break
		}
		if err := stopped(ctx, len(hits)+1); err != nil {
			return hits, counts, err
		}
		k = ix.fieldAt(k, p)
		c := k / numFields
		end := (c + 1) * numFields
		// Fields of client c before k hold no occurrence of q. A later field only
		// counts when it ranks strictly better: on a tie the earlier field wins. When
		// the name matched, the other fields can only do better with a word
		// starting like q.
		best, bestField := ix.rankField(k, q, true, rankNone), k%numFields
		if bestField != 0 || best > RankExact && ix.others[c]&bit != 0 {
			for f := k + 1; f < end && best != RankExact; f++ {
				if r := ix.rankField(f, q, false, best); r < best {
					best, bestField = r, f%numFields
				}
			}
		}
		h := hit{client: int32(c), rank: uint8(best), field: uint8(bestField)}
		hits = append(hits, h)
		counts[hitKey(h)]++
		k = end
		pos = ix.starts[k]
	}
	return hits, counts, nil
}

// finder finds a query in the buffer. When some byte of the query is rare in the
// buffer, it looks for that byte and checks the query around it; otherwise it uses
// strings.Index.
type finder struct {
	buf, q string
	rare   int // index in q of the byte to look for, or -1 for strings.Index
}

// rareBytes is how rare a byte must be in the buffer for finder to look for it: at
// most one byte in rareBytes. Looking for a byte costs a call per occurrence, which
// beats strings.Index (about half a nanosecond per byte) below about one in 32.
const rareBytes = 32

// newFinder returns the finder of q in the index buffer.
func (ix *Index) newFinder(q string) finder {
	ri := 0
	for i := 1; i < len(q); i++ {
		if ix.freq[q[i]] < ix.freq[q[ri]] {
			ri = i
		}
	}
	if len(q) == 1 || ix.freq[q[ri]] > len(ix.buf)/rareBytes {
		ri = -1
	}
	return finder{buf: ix.buf, q: q, rare: ri}
}

// next returns the offset of the first occurrence of q at or after pos, or -1.
func (fd *finder) next(pos int) int {
	buf, q, ri := fd.buf, fd.q, fd.rare
	if ri < 0 {
		if i := strings.Index(buf[pos:], q); i >= 0 {
			return pos + i
		}
		return -1
	}
	for {
		from := pos + ri // q[ri] of a match at pos or later is here or later
		if from >= len(buf) {
			return -1
		}
		j := strings.IndexByte(buf[from:], q[ri])
		if j < 0 {
			return -1
		}
		start := pos + j
		if start+len(q) <= len(buf) && buf[start:start+len(q)] == q {
			return start
		}
		pos = start + 1
	}
}

// fieldAt returns the index of the field that holds offset p of the buffer, searching
// forward from field k (starts[k] <= p): galloping, then a binary search.
func (ix *Index) fieldAt(k, p int) int {
	s := ix.starts
	last := len(s) - 1 // s[last] == len(buf) > p
	step := 1
	for k+step < last && s[k+step] <= p {
		k += step
		step *= 2
	}
	lo, hi := k, min(k+step, last) // s[lo] <= p < s[hi]
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if s[m] <= p {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

// rankField returns the rank of q in field f when it is better than bound, else
// rankNone. contains says that q is known to occur in the field.
func (ix *Index) rankField(f int, q string, contains bool, bound Rank) Rank {
	start, end := ix.starts[f], ix.starts[f+1]-1
	text := ix.buf[start:end]
	var trim webTrim
	if f%numFields == websiteField {
		trim = ix.web[f/numFields]
	}
	switch {
	case text == q || trim != (webTrim{}) && exactWebsite(text, q, trim):
		return RankExact
	case bound <= RankPrefix:
		return rankNone
	case len(text) >= len(q) && text[0] == q[0] && text[:len(q)] == q,
		trim != (webTrim{}) && prefixWebsite(text, q, trim):
		return RankPrefix
	case bound <= RankWordPrefix:
		return rankNone
	case ix.words[f]&wordBit[q[0]] != 0 && wordPrefix(text, q):
		return RankWordPrefix
	case bound <= RankSubstring:
		return rankNone
	case contains || strings.Contains(text, q):
		return RankSubstring
	}
	return rankNone
}

// exactWebsite reports whether the website text equals q without its scheme, "www."
// or trailing slash.
func exactWebsite(text, q string, t webTrim) bool {
	end := len(text) - int(t.slash)
	for _, start := range [2]int{int(t.scheme), int(t.scheme + t.www)} {
		if text[start:end] == q || text[start:] == q {
			return true
		}
	}
	return false
}

// prefixWebsite reports whether the website text starts with q once its scheme, or
// its scheme and "www.", are left out.
func prefixWebsite(text, q string, t webTrim) bool {
	return strings.HasPrefix(text[t.scheme:], q) || strings.HasPrefix(text[t.scheme+t.www:], q)
}

// rankText returns the best rank of the normalised q in the normalised text, or
// rankNone; it is rankField for a lone string.
func rankText(text, q string) Rank {
	switch {
	case text == q:
		return RankExact
	case strings.HasPrefix(text, q):
		return RankPrefix
	case wordPrefix(text, q):
		return RankWordPrefix
	case strings.Contains(text, q):
		return RankSubstring
	}
	return rankNone
}

// wordPrefix reports whether q occurs in text at a word start other than offset 0.
func wordPrefix(text, q string) bool {
	for j := 0; j+len(q) < len(text); {
		n := strings.Index(text[j+1:], q)
		if n < 0 {
			return false
		}
		j += 1 + n
		if wordStart(text, j) {
			return true
		}
	}
	return false
}

// wordStart reports whether offset j of text starts a word: the text starts there, or
// the character before is neither a letter, a digit nor a mark.
func wordStart(text string, j int) bool {
	if j == 0 {
		return true
	}
	if c := text[j-1]; c < utf8.RuneSelf {
		return !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z')
	}
	r, _ := utf8.DecodeLastRuneInString(text[:j])
	return !isWordRune(r)
}

// isWordRune reports whether r belongs to a word: a letter, a digit or a mark.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}
