package gitscrum

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Paths of the documented endpoints.
const (
	pathListClients = "/contact-companies/clients"
	pathCompanies   = "/contact-companies"
)

// maxPages bounds pagination against a server whose meta never ends.
const maxPages = 10000

// listEnvelope is a list response; Meta is present when the list is paginated.
type listEnvelope struct {
	Data []ClientCompany `json:"data"`
	Meta *pageMeta       `json:"meta"`
}

// pageMeta is Laravel's pagination block.
type pageMeta struct {
	Total       flexInt `json:"total"`
	PerPage     flexInt `json:"per_page"`
	CurrentPage flexInt `json:"current_page"`
	LastPage    flexInt `json:"last_page"`
}

// recordEnvelope is a single-record response.
type recordEnvelope struct {
	Data *ClientCompany `json:"data"`
}

// ListClients returns every client of the workspace. When GitScrum paginates the list
// (meta.last_page > meta.current_page), it fetches ?page=N until the last page, so the
// result is always complete. A client seen twice across pages is kept once.
func (c *Client) ListClients(ctx context.Context, companySlug string) ([]ClientCompany, error) {
	if err := ValidateCompanySlug(companySlug); err != nil {
		return nil, err
	}
	var all []ClientCompany
	seen := map[string]bool{}
	page := 1
	for range maxPages {
		q := url.Values{"company_slug": {companySlug}}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		var env listEnvelope
		if err := c.do(ctx, call{op: "list_clients", method: http.MethodGet, path: pathListClients, query: q}, &env); err != nil {
			return nil, err
		}
		if all == nil && env.Meta != nil && env.Meta.Total > 0 {
			all = make([]ClientCompany, 0, min(int(env.Meta.Total), 1<<20))
		}
		for _, cc := range env.Data {
			if cc.UUID != "" {
				if seen[cc.UUID] {
					continue
				}
				seen[cc.UUID] = true
			}
			all = append(all, cc)
		}
		m := env.Meta
		if m == nil || m.LastPage <= m.CurrentPage || len(env.Data) == 0 {
			return nonNil(all), nil
		}
		next := int(m.CurrentPage) + 1
		if next <= page {
			return nil, &Error{Method: http.MethodGet, Path: pathListClients, StatusCode: http.StatusOK, Sent: true,
				Message: fmt.Sprintf("pagination did not advance (asked for page %d, got page %d)", page, m.CurrentPage), class: ErrUnavailable}
		}
		page = next
	}
	return nil, &Error{Method: http.MethodGet, Path: pathListClients, Sent: true,
		Message: fmt.Sprintf("list has more than %d pages", maxPages), class: ErrUnavailable}
}

func nonNil(s []ClientCompany) []ClientCompany {
	if s == nil {
		return []ClientCompany{}
	}
	return s
}

// GetClient returns one client by UUID.
func (c *Client) GetClient(ctx context.Context, companySlug, uuid string) (*ClientCompany, error) {
	fe := fieldErrors{}
	checkSlug(fe, companySlug)
	checkUUID(fe, uuid)
	if err := fe.err(); err != nil {
		return nil, err
	}
	q := url.Values{"company_slug": {companySlug}}
	return c.record(ctx, call{op: "get_client", method: http.MethodGet, path: clientPath(uuid), query: q})
}

// CreateClient creates a client. Surrounding spaces are trimmed from every value and
// the request is validated first; invalid input never leaves the process. A create is
// never retried once it may have reached GitScrum. To refuse duplicates, use
// [Client.CreateClientIfNew].
func (c *Client) CreateClient(ctx context.Context, req CreateClientRequest) (*ClientCompany, error) {
	req = req.trimmed()
	if err := req.Validate(); err != nil {
		return nil, err
	}
	cc, err := c.record(ctx, call{op: "create_client", method: http.MethodPost, path: pathCompanies, body: req})
	c.afterWrite(req.CompanySlug, cc, err)
	return cc, err
}

// UpdateClient changes the named fields of a client and returns the updated record.
// Fields the request does not name are never sent, so they cannot be lost; a field
// named with "" is sent as null and so cleared.
func (c *Client) UpdateClient(ctx context.Context, uuid string, req UpdateClientRequest) (*ClientCompany, error) {
	req = req.trimmed()
	fe := fieldErrors{}
	checkUUID(fe, uuid)
	if err := req.Validate(); err != nil {
		for k, v := range err.(*Error).Fields {
			fe[k] = v
		}
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	cc, err := c.record(ctx, call{op: "update_client", method: http.MethodPut, path: clientPath(uuid), body: req})
	c.afterWrite(req.CompanySlug, cc, err)
	return cc, err
}

func (c *Client) record(ctx context.Context, cl call) (*ClientCompany, error) {
	var env recordEnvelope
	if err := c.do(ctx, cl, &env); err != nil {
		return nil, err
	}
	if env.Data == nil {
		return nil, &Error{Method: cl.method, Path: cl.path, StatusCode: http.StatusOK, Sent: true,
			Message: "GitScrum answered without a client record", class: ErrUnavailable}
	}
	return env.Data, nil
}

func clientPath(uuid string) string { return pathCompanies + "/" + url.PathEscape(uuid) }
