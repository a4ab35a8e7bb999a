package gitscrum

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// ResolveClient finds exactly one client for ref, a UUID or a name. A ref in UUID form
// is fetched directly; otherwise the workspace's complete list is searched: an exact
// UUID match, else a unique name match (see [ResolveIn]). Several matches give a
// [*ResolveError] matching ErrAmbiguous with the candidates; none gives one matching
// ErrNotFound with the closest names. The record returned is the full one from
// GetClient.
func (c *Client) ResolveClient(ctx context.Context, companySlug, ref string) (*ClientCompany, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, newValidationError("client", "is required: give a client name or UUID")
	}
	if err := ValidateCompanySlug(companySlug); err != nil {
		return nil, err
	}
	return c.resolveRef(ctx, companySlug, ref)
}

// isClientNotFound reports a 404 about the client, not about the workspace.
func isClientNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == 404 && e.Code != "WORKSPACE_NOT_FOUND"
}

// CreateClientIfNew creates a client unless the workspace already has one with the
// same normalised name or the same email, in which case it returns a
// [*DuplicateError] (matching ErrDuplicate) listing them and creates nothing.
// allowDuplicate skips the check. Models and people retry; this keeps a retried create
// from making a second client. Within one process (a Client and its WithToken copies),
// concurrent creates of the same name or email run one after the other, so they cannot
// both pass the check; separate processes can still race.
func (c *Client) CreateClientIfNew(ctx context.Context, req CreateClientRequest, allowDuplicate bool) (*ClientCompany, error) {
	req = req.trimmed()
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if !allowDuplicate {
		unlock, err := c.creates.lock(ctx, createKeys(req)...)
		if err != nil {
			e := &Error{Method: http.MethodPost, Path: pathCompanies, Message: "gave up waiting for another create of the same client", Err: err}
			if errors.Is(err, context.DeadlineExceeded) {
				e.class = ErrUnavailable
			}
			return nil, e
		}
		defer unlock()
		snap, err := c.ClientsMaxAge(ctx, req.CompanySlug, DuplicateCheckMaxAge)
		if err != nil {
			return nil, err
		}
		if dups := FindDuplicates(snap.Clients(), req.Name, req.Email); len(dups) > 0 {
			return nil, &DuplicateError{Existing: dups}
		}
	}
	return c.CreateClient(ctx, req)
}

// UpdateResult is the outcome of [Client.UpdateClientByRef].
type UpdateResult struct {
	// Before and After are the client as it was and as GitScrum returned it.
	Before, After ClientCompany
	// Changes lists the fields whose value changed, before → after.
	Changes []Change
}

// UpdateClientByRef resolves ref (a UUID or a name) to one client, applies the partial
// update, and reports what changed. The request is validated before anything is sent.
func (c *Client) UpdateClientByRef(ctx context.Context, ref string, req UpdateClientRequest) (*UpdateResult, error) {
	req = req.trimmed()
	if err := req.Validate(); err != nil {
		return nil, err
	}
	before, err := c.ResolveClient(ctx, req.CompanySlug, ref)
	if err != nil {
		return nil, err
	}
	after, err := c.UpdateClient(ctx, before.UUID, req)
	if err != nil {
		return nil, err
	}
	return &UpdateResult{Before: *before, After: *after, Changes: Changes(*before, *after)}, nil
}
