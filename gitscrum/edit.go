package gitscrum

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// ConflictError is an edit refused because the client changed in GitScrum since
// the values the edit was made on were read: nothing was sent.
type ConflictError struct {
	// Current is the client as GitScrum has it now.
	Current ClientCompany
}

// Error says that nothing was saved.
func (e *ConflictError) Error() string {
	return "the client was changed in GitScrum since the form opened: nothing saved"
}

// Fingerprint identifies the editable values of a client: an edit made against
// another fingerprint than the record's now was made on stale values. It is
// opaque, short and stable across versions.
func Fingerprint(c ClientCompany) string {
	h := sha256.New()
	for _, f := range EditableFields {
		v := c.Get(f)
		fmt.Fprintf(h, "%s:%d:%s\n", f, len(v), v)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// EditClient applies an edit of client uuid in workspace slug, made on values
// whose [Fingerprint] was expected, in one step: it fetches the client afresh; a
// client changed meanwhile is a [*ConflictError] carrying it as it is now, and
// nothing is sent (an empty expected skips the check); then only the fields of
// req whose value differs from the fresh record's (spaces around values ignored)
// are validated and sent. An edit that changes nothing sends nothing and returns
// the client as Before and After, without Changes.
//
// Once the client was fetched, the result is returned with Before set even with
// an error (a validation error, or GitScrum's answer to the update), so that the
// caller can show the form again against the record as it is.
//
// With a [CreateCoordinator] the edit holds the client's lock in the state store
// from the fetch to the update, so the check against expected and the update are
// one step across replicas too; a state store out of reach refuses the edit with a
// [*StateStoreError] before anything is sent.
func (c *Client) EditClient(ctx context.Context, slug, uuid, expected string, req UpdateClientRequest) (*UpdateResult, error) {
	fe := fieldErrors{}
	checkSlug(fe, slug)
	checkUUID(fe, uuid)
	if err := fe.err(); err != nil {
		return nil, err
	}
	lease, ctx, cancel, err := c.lockAcross(ctx, opUpdate, slug, []string{clientKey(slug, uuid)})
	if err != nil {
		return nil, err
	}
	defer cancel()
	defer lease.release(ctx)
	fresh, err := c.GetClient(ctx, slug, uuid)
	if err != nil {
		return nil, err
	}
	res := &UpdateResult{Before: *fresh, After: *fresh}
	if expected != "" && Fingerprint(*fresh) != expected {
		return res, &ConflictError{Current: *fresh}
	}
	req = req.trimmed()
	changed := UpdateClientRequest{CompanySlug: slug}
	for _, f := range req.Named() {
		if v, _ := req.Value(f); v != strings.TrimSpace(fresh.Get(f)) {
			changed.Set(f, v)
		}
	}
	if len(changed.Named()) == 0 {
		return res, nil
	}
	if err := changed.Validate(); err != nil {
		return res, err
	}
	after, err := c.record(ctx, call{op: "update_client", method: http.MethodPut, path: clientPath(uuid), body: changed})
	c.afterWrite(slug, after, err)
	if err != nil {
		return res, err
	}
	res.After, res.Changes = *after, Changes(*fresh, *after)
	return res, nil
}
