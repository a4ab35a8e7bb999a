package gitscrum

import "context"

// SearchClients searches the clients of workspace companySlug for query, as
// [Index.Search] does, over the workspace's complete list ([Client.Clients]). It
// returns the matches, best first, and the list searched (for the names closest to a
// query nothing matched, say).
//
// The workspace slug and the query are checked first, together, before any request:
// a slug or a query that [ValidateCompanySlug] or [ValidateQuery] would refuse is an
// ErrValidation [*Error] naming each input at fault, and GitScrum is not asked for
// the list. This is the one entry point an adapter calls to list or search: it need
// not validate on its own.
func (c *Client) SearchClients(ctx context.Context, companySlug, query string) ([]Match, *Snapshot, error) {
	fe := fieldErrors{}
	checkSlug(fe, companySlug)
	if msg := textMessage(InputQuery, query); msg != "" {
		fe.add(InputQuery, msg)
	}
	if err := fe.err(); err != nil {
		return nil, nil, err
	}
	snap, err := c.Clients(ctx, companySlug)
	if err != nil {
		return nil, nil, err
	}
	matches, err := snap.Index().Search(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	return matches, snap, nil
}
