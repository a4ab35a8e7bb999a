package gitscrum

import "context"

// SearchClients searches the clients of workspace companySlug for query, as
// [Index.Search] does, over the workspace's complete list ([Client.Clients]). It
// returns the matches, best first, as a [View], and the list searched (for the names
// closest to a query nothing matched, say). A blank query matches every client: the
// view is then the list in GitScrum's order ([Snapshot.InOrder]; [Snapshot.ByName]
// orders it by name), and no per-client work is done, however large the workspace.
//
// The workspace slug and the query are checked first, together, before any request:
// a slug or a query that [ValidateCompanySlug] or [ValidateQuery] would refuse is an
// ErrValidation [*Error] naming each input at fault, and GitScrum is not asked for
// the list. This is the one entry point an adapter calls to list or search: it need
// not validate on its own.
func (c *Client) SearchClients(ctx context.Context, companySlug, query string) (View, *Snapshot, error) {
	fe := fieldErrors{}
	checkSlug(fe, companySlug)
	if msg := textMessage(InputQuery, query); msg != "" {
		fe.add(InputQuery, msg)
	}
	if err := fe.err(); err != nil {
		return View{}, nil, err
	}
	snap, err := c.Clients(ctx, companySlug)
	if err != nil {
		return View{}, nil, err
	}
	if Normalize(query) == "" {
		return snap.InOrder(), snap, nil
	}
	matches, err := snap.Index().Search(ctx, query)
	if err != nil {
		return View{}, nil, err
	}
	return MatchesView(matches), snap, nil
}
