package gitscrum

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
)

// DefaultPageConcurrency is how many pages of a list are fetched at once once page 1
// has told how many there are. See [WithPageConcurrency].
const DefaultPageConcurrency = 8

// maxPages bounds pagination against a server whose meta never ends: a list of more
// pages is refused, and so is one whose pages keep announcing more.
const maxPages = 10000

// listing is one ListClients under way: the clients taken so far, in page order and
// without repeats, and where the page-by-page walk stands. Pages fetched at once are
// taken in page order, so the result is the one a walk of one page at a time gives.
type listing struct {
	all   []ClientCompany
	seen  map[string]bool
	next  int // the page the walk asks for next
	last  int // the last page, as the latest page taken announced it
	taken int // pages taken: the requests a walk of one page at a time would make
	done  bool
}

// take adds page p's answer to the list, as the walk would, and says where the walk
// goes next: on to meta.current_page+1, or nowhere when the page is the last or empty.
// A page that does not advance the walk is an error.
func (l *listing) take(p int, env *listEnvelope) error {
	l.taken++
	if l.all == nil && env.Meta != nil && env.Meta.Total > 0 {
		l.all = make([]ClientCompany, 0, min(int(env.Meta.Total), 1<<20))
	}
	for _, cc := range env.Data {
		if cc.UUID != "" {
			if l.seen[cc.UUID] {
				continue
			}
			l.seen[cc.UUID] = true
		}
		l.all = append(l.all, cc)
	}
	m := env.Meta
	if m == nil || m.LastPage <= m.CurrentPage || len(env.Data) == 0 {
		l.done = true
		return nil
	}
	next := int(m.CurrentPage) + 1
	if next <= p {
		return &Error{Method: http.MethodGet, Path: pathListClients, StatusCode: http.StatusOK, Sent: true,
			Message: fmt.Sprintf("pagination did not advance (asked for page %d, got page %d)", p, m.CurrentPage), class: ErrUnavailable}
	}
	l.next, l.last = next, int(m.LastPage)
	return nil
}

// listAll fetches every page of the workspace's list: page 1, then the pages it
// announces, c.pageConcurrency at a time, taken in page order.
func (c *Client) listAll(ctx context.Context, slug string) ([]ClientCompany, error) {
	l := &listing{seen: map[string]bool{}, next: 1, last: 1}
	for !l.done {
		// The walk would make more requests than the page limit: refuse before making
		// them.
		if l.taken >= c.pageLimit || l.last-l.next+1 > c.pageLimit-l.taken {
			return nil, &Error{Method: http.MethodGet, Path: pathListClients, Sent: true,
				Message: fmt.Sprintf("list has more than %d pages", c.pageLimit), class: ErrUnavailable}
		}
		from, to := l.next, l.last
		if c.pageConcurrency <= 1 {
			to = from
		}
		envs, err := c.fetchPages(ctx, slug, from, to)
		for i := range envs {
			if l.done || from+i != l.next {
				break // the list ended, or the walk went elsewhere: fetch from there
			}
			if envs[i] == nil {
				return nil, err
			}
			if err := l.take(from+i, envs[i]); err != nil {
				return nil, err
			}
		}
	}
	return nonNil(l.all), nil
}

// fetchPages fetches pages from to to (at least one), up to c.pageConcurrency at a
// time, lowest first. It returns one envelope per page, nil for a page not fetched,
// and then the first error: the first page to fail cancels the pages not yet
// answered.
func (c *Client) fetchPages(ctx context.Context, slug string, from, to int) ([]*listEnvelope, error) {
	envs := make([]*listEnvelope, to-from+1)
	if len(envs) == 1 {
		env, err := c.listPage(ctx, slug, from)
		envs[0] = env
		return envs, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
		next     atomic.Int64 // index of the next page to fetch
	)
	fail := func(err error) {
		once.Do(func() {
			firstErr = err
			cancel()
		})
	}
	for range min(c.pageConcurrency, len(envs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(envs) {
					return
				}
				if ctx.Err() != nil {
					e := c.transportError(ctx, listCall(slug, from+i), ctx.Err())
					e.Sent = false
					fail(e)
					return
				}
				env, err := c.listPage(ctx, slug, from+i)
				if err != nil {
					fail(err)
					return
				}
				envs[i] = env
			}
		})
	}
	wg.Wait()
	return envs, firstErr
}

// listPage fetches one page of the list; page 1 is asked for without ?page, as the
// documentation shows the request.
func (c *Client) listPage(ctx context.Context, slug string, page int) (*listEnvelope, error) {
	var env listEnvelope
	if err := c.do(ctx, listCall(slug, page), &env); err != nil {
		return nil, err
	}
	return &env, nil
}

// listCall is the request for one page of the list.
func listCall(slug string, page int) call {
	q := url.Values{"company_slug": {slug}}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	return call{op: "list_clients", method: http.MethodGet, path: pathListClients, query: q}
}
