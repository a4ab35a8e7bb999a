package gitscrum

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// NormalizeName folds a company name for duplicate detection and for the exact match
// a write needs: [Normalize] (case, accents, spacing), then
//
//   - punctuation separates words: "ACME, Corp." and "Globex-Europe" become
//     "acme corp" and "globex europe"; apostrophes join them ("O'Brien" is
//     "obrien");
//   - format characters, which show nothing (zero-width spaces and joiners, the
//     byte-order mark, soft hyphens, direction marks), are removed;
//   - Cyrillic and Greek letters that look like Latin ones become those Latin
//     letters, so "Аcme Corp" with a Cyrillic А is "acme corp";
//
// and white space collapsed. Symbols such as "+" and "$" are kept.
func NormalizeName(s string) string {
	n := Normalize(foldLunateSigma(s))
	if plainName(n) {
		return n
	}
	b := make([]rune, 0, len(n))
	for _, r := range n {
		switch {
		case isApostrophe(r), unicode.Is(unicode.Cf, r):
		case unicode.IsPunct(r):
			b = append(b, ' ')
		default:
			b = append(b, lookalike(r))
		}
	}
	return collapseSpace(string(b))
}

// isApostrophe reports the apostrophes, which join the parts of a word.
func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '‘'
}

// plainName reports whether the normalised n is all ASCII without punctuation, so
// that NormalizeName has nothing more to do.
func plainName(n string) bool {
	for i := 0; i < len(n); i++ {
		if c := n[i]; c >= utf8.RuneSelf || unicode.IsPunct(rune(c)) {
			return false
		}
	}
	return true
}

// FindDuplicates returns the clients that a new client named name with email would
// duplicate: those with the same [NormalizeName] name (names compared up to their
// first 1,020 bytes), or the same email compared case-insensitively after trimming.
// An empty name or email never matches. The clients are returned in input order; nil
// when there is none.
func FindDuplicates(clients []ClientCompany, name, email string) []ClientCompany {
	name = NormalizeName(name)
	email = strings.TrimSpace(email)
	if name == "" && email == "" {
		return nil
	}
	var out []ClientCompany
	for _, c := range clients {
		sameName := name != "" && NormalizeName(head(c.Name, maxComparedBytes)) == name
		sameEmail := email != "" && strings.EqualFold(strings.TrimSpace(c.Email), email)
		if sameName || sameEmail {
			out = append(out, c)
		}
	}
	return out
}

// duplicates returns the clients that the create req would duplicate: those of
// the workspace's list at most [DuplicateCheckMaxAge] old, and, with a
// coordinator, those the record of creates names (see [Client.recordedDuplicates]).
func (c *Client) duplicates(ctx context.Context, req CreateClientRequest) ([]ClientCompany, error) {
	snap, err := c.ClientsMaxAge(ctx, req.CompanySlug, DuplicateCheckMaxAge)
	if err != nil {
		return nil, err
	}
	dups := FindDuplicates(snap.Clients(), req.Name, req.Email)
	recorded, err := c.recordedDuplicates(ctx, req)
	if err != nil {
		return nil, err
	}
	for _, r := range recorded {
		if !slices.ContainsFunc(dups, func(d ClientCompany) bool { return d.UUID == r.UUID }) {
			dups = append(dups, r)
		}
	}
	return dups, nil
}

// recordedDuplicates returns the clients that the coordinator's record of creates
// names for req's name or email, each fetched by id (one GET) to confirm that it
// still exists and still has that name or email; none without a coordinator. A
// coordinator out of reach is a [*StateStoreError].
func (c *Client) recordedDuplicates(ctx context.Context, req CreateClientRequest) ([]ClientCompany, error) {
	coord := c.creates.coord
	if coord == nil {
		return nil, nil
	}
	var out []ClientCompany
	for _, key := range recordKeys(req) {
		uuid, ok, err := coord.LookupCreate(ctx, req.CompanySlug, key)
		if err != nil {
			return nil, lockError(ctx, opCreate, err)
		}
		if !ok || slices.ContainsFunc(out, func(d ClientCompany) bool { return d.UUID == uuid }) {
			continue
		}
		got, err := c.GetClient(ctx, req.CompanySlug, uuid)
		if isClientNotFound(err) {
			continue // deleted since
		}
		if err != nil {
			return nil, err
		}
		out = append(out, FindDuplicates([]ClientCompany{*got}, req.Name, req.Email)...)
	}
	return out, nil
}

// recordCreate records the client uuid that req created, under each of its
// record keys, before the create's lock is released. A record that fails (the
// store went down just now) is left out: the create did happen, and the check of a
// later create still has the workspace's list.
func (c *Client) recordCreate(ctx context.Context, req CreateClientRequest, uuid string) {
	coord := c.creates.coord
	if coord == nil || uuid == "" {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	for _, key := range recordKeys(req) {
		_ = coord.RecordCreate(rctx, req.CompanySlug, key, uuid)
	}
}
