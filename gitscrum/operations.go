package gitscrum

import (
	"context"
	"net/http"
	"net/url"
)

// Paths of the documented endpoints.
const (
	pathListClients = "/contact-companies/clients"
	pathCompanies   = "/contact-companies"
)

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
// result is always complete: page 1 first, then the pages it announces, several at a
// time (see [WithPageConcurrency]), each retried on its own. The clients come in page
// order, and a client seen twice across pages (the list moved while it was read) is
// kept once, where it came first. All pages share one deadline: ctx's, or the client's
// timeout when ctx has none; the first page to fail cancels the others.
func (c *Client) ListClients(ctx context.Context, companySlug string) ([]ClientCompany, error) {
	if err := ValidateCompanySlug(companySlug); err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	return c.listAll(ctx, companySlug)
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
