package gitscrum

import "context"

// CheckAccess asks GitScrum, with one request, whether the client's token may
// read the clients of the workspace companySlug: it fetches page 1 of the list
// (retried as any read) and keeps none of it. It returns nil when it may, else
// the [*Error] of the answer: class [ErrUnauthorized] (401) for a token GitScrum
// refuses, [ErrNotFound] (404, Code WORKSPACE_NOT_FOUND) for a workspace the token
// does not see, [ErrForbidden] (403) for one whose clients it may not read,
// [ErrUnavailable] and the others when GitScrum could not answer. A slug that
// [ValidateCompanySlug] refuses is an [ErrValidation] error, and nothing is sent.
//
// It does not touch the list cache: a person linking a token uses it to check the
// token before it is kept.
func (c *Client) CheckAccess(ctx context.Context, companySlug string) error {
	if err := ValidateCompanySlug(companySlug); err != nil {
		return err
	}
	// Only the pagination block is decoded: the records of the page are skipped.
	var page struct {
		Meta *pageMeta `json:"meta"`
	}
	cl := listCall(companySlug, 1)
	cl.op = "check_access"
	return c.do(ctx, cl, &page)
}
