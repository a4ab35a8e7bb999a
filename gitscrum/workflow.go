package gitscrum

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
)

// ResolveClient finds exactly one client for ref, an id (a UUID or any id GitScrum
// uses, see [LooksLikeID]) or a name, the forgiving way a read wants. The workspace's
// cached list (see [Client.Clients]) is searched: an exact UUID match, else a unique
// name match (see [ResolveIn]); a ref it does not answer that looks like an id is
// fetched by id (one GET), and a name is looked for in a new listing when the cached
// list is older than [DuplicateCheckMaxAge]. Several matches give a [*ResolveError]
// matching ErrAmbiguous with the candidates; none gives one matching ErrNotFound with
// the closest names. The record returned is always the one GitScrum returns now, from
// a GET. ref and companySlug are checked (length caps, characters) before anything is
// sent.
func (c *Client) ResolveClient(ctx context.Context, companySlug, ref string) (*ClientCompany, error) {
	return c.resolve(ctx, companySlug, ref, ResolveIn, -1)
}

// ResolveClientExact finds the one client a write names with ref: its UUID, or its
// whole name exactly as listed once both are normalised (see [ResolveExactIn]).
// Anything looser is a [*ResolveError] with Exact set, listing the clients a read
// would have found, and nothing is changed. It resolves as [Client.ResolveClient]
// does, but by name only against a list at most [DuplicateCheckMaxAge] old: a write
// never picks its client from an older list. The record returned is fetched fresh.
func (c *Client) ResolveClientExact(ctx context.Context, companySlug, ref string) (*ClientCompany, error) {
	return c.resolve(ctx, companySlug, ref, ResolveExactIn, DuplicateCheckMaxAge)
}

// resolve checks the input, then finds the client with pick (see resolveRef): in a
// cached list at most maxAge old (any age the cache serves when negative), or by id.
func (c *Client) resolve(ctx context.Context, companySlug, ref string,
	pick picker, maxAge time.Duration) (*ClientCompany, error) {
	if err := ValidateReference(ref); err != nil {
		return nil, err
	}
	ref = strings.TrimSpace(ref)
	if err := ValidateCompanySlug(companySlug); err != nil {
		return nil, err
	}
	return c.resolveRef(ctx, companySlug, ref, pick, maxAge)
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
// both pass the check.
//
// With a [CreateCoordinator] ([WithCreateCoordinator]) this holds across processes
// too: the create holds its name's and email's lock in the state store over the
// check and the POST, so a create of the same client through another replica waits
// for its outcome and then answers "already exists"; and the check consults the
// record of creates besides the cached list, so a create made through another
// replica a moment ago is seen (its record is fetched by id to confirm it still
// exists). A state store out of reach refuses the create, forced or not, with a
// [*StateStoreError] and nothing sent to GitScrum.
func (c *Client) CreateClientIfNew(ctx context.Context, req CreateClientRequest, allowDuplicate bool) (*ClientCompany, error) {
	req = req.trimmed()
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if allowDuplicate && c.creates.coord == nil {
		return c.CreateClient(ctx, req)
	}
	keys := createKeys(req)
	unlock, err := c.creates.lock(ctx, keys...)
	if err != nil {
		e := &Error{Method: http.MethodPost, Path: pathCompanies, Message: "gave up waiting for another create of the same client", Err: err, class: ErrCanceled}
		if errors.Is(err, context.DeadlineExceeded) {
			e.class = ErrUnavailable
		}
		return nil, e
	}
	defer unlock()
	lease, held, cancel, err := c.lockAcross(ctx, opCreate, req.CompanySlug, keys)
	if err != nil {
		return nil, err
	}
	defer cancel()
	defer lease.release(ctx)
	if !allowDuplicate {
		dups, err := c.duplicates(held, req)
		if err != nil {
			return nil, err
		}
		if len(dups) > 0 {
			return nil, &DuplicateError{Existing: dups}
		}
	}
	cc, err := c.CreateClient(held, req)
	if err == nil {
		c.recordCreate(ctx, req, cc.UUID)
	}
	return cc, err
}

// UpdateResult is the outcome of [Client.UpdateClientByRef].
type UpdateResult struct {
	// Before and After are the client as it was and as GitScrum returned it.
	Before, After ClientCompany
	// Changes lists the fields whose value changed, before → after.
	Changes []Change
}

// UpdateClientByRef resolves ref to the one client it names exactly, its UUID or its
// whole name (see [Client.ResolveClientExact]), applies the partial update, and
// reports what changed. A ref that only matches loosely (part of a name, several
// clients) is a [*ResolveError] with Exact set and changes nothing. The request and
// ref are validated before anything is sent.
//
// With a [CreateCoordinator] the update holds a lock in the state store, on ref
// before it is resolved and on the client's UUID once it is, so the updates of one
// client through several replicas are sent one at a time; a state store out of
// reach refuses the update with a [*StateStoreError] before anything is sent.
// Before is the client as read once ref's lock was held.
func (c *Client) UpdateClientByRef(ctx context.Context, ref string, req UpdateClientRequest) (*UpdateResult, error) {
	if err := ValidateReference(ref); err != nil {
		return nil, err
	}
	req = req.trimmed()
	if err := req.Validate(); err != nil {
		return nil, err
	}
	lease, held, cancel, err := c.lockAcross(ctx, opUpdate, req.CompanySlug, []string{refKey(req.CompanySlug, strings.TrimSpace(ref))})
	if err != nil {
		return nil, err
	}
	defer cancel()
	defer lease.release(ctx)
	before, err := c.ResolveClientExact(held, req.CompanySlug, ref)
	if err != nil {
		return nil, err
	}
	if k := clientKey(req.CompanySlug, before.UUID); k != refKey(req.CompanySlug, strings.TrimSpace(ref)) {
		if err := lease.extend(held, opUpdate, c.lockTTLOrDefault(), k); err != nil {
			return nil, err
		}
	}
	after, err := c.UpdateClient(held, before.UUID, req)
	if err != nil {
		return nil, err
	}
	return &UpdateResult{Before: *before, After: *after, Changes: Changes(*before, *after)}, nil
}
