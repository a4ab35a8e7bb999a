package gitscrum

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Defaults of the workspace list cache (see [Client.Clients]).
const (
	// DefaultCacheTTL is how long a listed workspace is served without asking
	// GitScrum: long enough that a conversation's list, search, lookup and update
	// read the workspace once; short enough that changes made outside this process
	// show within half a minute (changes made through it show at once).
	DefaultCacheTTL = 30 * time.Second
	// DefaultCacheStaleFor is how long after DefaultCacheTTL a list is still
	// served at once while one background refresh runs; after it, the next caller
	// waits for a new listing.
	DefaultCacheStaleFor = 5 * time.Minute
	// DefaultCacheMaxRecords caps the records cached across every workspace and
	// token (about 500 bytes each with the search index, so about 100 MB at most).
	DefaultCacheMaxRecords = 200_000
	// DuplicateCheckMaxAge is the oldest list the duplicate check before a create
	// trusts; an older one is listed again first.
	DuplicateCheckMaxAge = 5 * time.Second
)

// maxIDLength is the longest reference tried as an id before any listing.
const maxIDLength = 64

// cacheConfig is the list cache configuration that options set; zero fields
// take the defaults.
type cacheConfig struct {
	ttl, staleFor       time.Duration
	ttlSet, staleForSet bool
	maxRecords          int
}

// build returns the cache, or nil when the TTL is 0 (caching off).
func (cfg cacheConfig) build(obs Observer) *listCache {
	ttl, staleFor, maxRecords := DefaultCacheTTL, DefaultCacheStaleFor, DefaultCacheMaxRecords
	if cfg.ttlSet {
		ttl = cfg.ttl
	}
	if cfg.staleForSet {
		staleFor = cfg.staleFor
	}
	if cfg.maxRecords > 0 {
		maxRecords = cfg.maxRecords
	}
	if ttl == 0 {
		return nil
	}
	return newListCache(ttl, staleFor, maxRecords, obs)
}

// WithCacheTTL sets how long a listed workspace is served from the cache before
// it is stale ([DefaultCacheTTL]); 0 turns the cache off, so every call lists the
// workspace. A negative duration is refused.
func WithCacheTTL(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return fmt.Errorf("cache TTL %s is negative; use 0 to turn the cache off", d)
		}
		c.cacheCfg.ttl, c.cacheCfg.ttlSet = d, true
		return nil
	}
}

// WithCacheStaleFor sets how long after its TTL a list is still served at once
// while one background refresh runs ([DefaultCacheStaleFor]); 0 makes every caller
// after the TTL wait for a new listing. A negative duration is refused.
func WithCacheStaleFor(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return fmt.Errorf("cache stale window %s is negative", d)
		}
		c.cacheCfg.staleFor, c.cacheCfg.staleForSet = d, true
		return nil
	}
}

// WithCacheMaxRecords caps the client records cached across every workspace and
// token ([DefaultCacheMaxRecords]); the least recently used lists are dropped
// first, and a list larger than the cap is not cached. n must be positive.
func WithCacheMaxRecords(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("cache cap of %d records: want at least 1", n)
		}
		c.cacheCfg.maxRecords = n
		return nil
	}
}

// Clients returns the complete client list of the workspace, from the list cache
// when it has one, else listed with [Client.ListClients]. Lists are kept per
// workspace and per token (two tokens never share one; a failed listing, such as one
// with a token GitScrum refuses, caches nothing). Concurrent callers of the same
// workspace and token share one listing; a caller whose ctx ends returns at once
// while the listing goes on, bounded by the client's timeout. A list older than the
// TTL is returned at once while one background refresh runs; after the stale
// window it is listed again. Creates and updates made through this Client (and its
// WithToken copies) are in the list at once. With the cache off ([WithCacheTTL](0))
// every call lists.
//
// The records are those of the list, which may be up to the TTL (plus the stale
// window) old: to show one record to a person, fetch it with [Client.GetClient] or
// [Client.ResolveClient].
func (c *Client) Clients(ctx context.Context, companySlug string) (*Snapshot, error) {
	return c.clients(ctx, companySlug, -1)
}

// ClientsMaxAge is [Client.Clients] with a list whose listing began at most maxAge
// ago: an older cached list is listed again, and the caller waits for it.
func (c *Client) ClientsMaxAge(ctx context.Context, companySlug string, maxAge time.Duration) (*Snapshot, error) {
	return c.clients(ctx, companySlug, max(maxAge, 0))
}

// clients is Clients with maxAge < 0 meaning any list the cache serves.
func (c *Client) clients(ctx context.Context, slug string, maxAge time.Duration) (*Snapshot, error) {
	if err := ValidateCompanySlug(slug); err != nil {
		return nil, err
	}
	if c.cache == nil {
		started := time.Now()
		all, err := c.ListClients(ctx, slug)
		if err != nil {
			return nil, err
		}
		return newSnapshot(all, started), nil
	}
	return c.cache.get(ctx, listKey{slug: slug, token: c.tokenID}, maxAge, c.lister(slug), c.timeout)
}

// lister lists slug for the cache.
func (c *Client) lister(slug string) lister {
	return func(ctx context.Context) ([]ClientCompany, error) { return c.ListClients(ctx, slug) }
}

// afterWrite tells the cache about a create or update of slug through c: its record
// goes into the cached list, and a failure that may nevertheless have changed data
// leaves no list of slug to trust.
func (c *Client) afterWrite(slug string, rec *ClientCompany, err error) {
	if c.cache == nil || slug == "" {
		return
	}
	var e *Error
	switch {
	case err == nil:
		c.remember(slug, rec, true)
	case errors.As(err, &e) && e.MayHaveChanged():
		c.cache.uncertain(listKey{slug: slug, token: c.tokenID})
	}
}

// remember writes rec, just written (write) or read fresh from GitScrum, into the
// cached list of slug for c's token.
func (c *Client) remember(slug string, rec *ClientCompany, write bool) {
	if c.cache == nil || rec == nil || slug == "" {
		return
	}
	c.cache.patch(listKey{slug: slug, token: c.tokenID}, *rec, write)
}

// picker picks one client for a reference among clients: [ResolveIn] for reads,
// [ResolveExactIn] for writes.
type picker func(ctx context.Context, clients []ClientCompany, ref string) (ClientCompany, error)

// resolveRef finds one client for ref (checked and trimmed) in the workspace with
// pick and returns its record fetched fresh:
//
//  1. a cached list (listed at most maxAge ago, when maxAge >= 0) in which pick finds
//     the client gives its UUID, then one GET;
//  2. otherwise a ref that could be an id ([LooksLikeID]) is fetched by id: one GET,
//     and only a 404 (or a 400/422 for the id) goes on;
//  3. otherwise pick looks in a list no older than maxAge, listed again first when
//     the cached one that did not answer is older than [DuplicateCheckMaxAge]; a
//     younger one that did not answer is the answer.
func (c *Client) resolveRef(ctx context.Context, slug, ref string, pick picker, maxAge time.Duration) (*ClientCompany, error) {
	var cached *Snapshot
	var cachedErr error
	if c.cache != nil {
		cached = c.cache.peek(ctx, listKey{slug: slug, token: c.tokenID}, maxAge, c.lister(slug), c.timeout)
	}
	if cached != nil {
		match, err := pick(ctx, cached.Clients(), ref)
		if err == nil {
			return c.FreshRecord(ctx, slug, match)
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		cachedErr = err
	}
	if LooksLikeID(ref) {
		cc, err := c.GetClient(ctx, slug, ref)
		if err == nil {
			c.remember(slug, cc, false)
			return cc, nil
		}
		if !idRefused(err) {
			c.forget(slug, err)
			return nil, err
		}
	}
	if cached != nil {
		if c.cache.now().Sub(cached.ListedAt()) <= DuplicateCheckMaxAge {
			return nil, cachedErr
		}
		maxAge = DuplicateCheckMaxAge
	}
	snap, err := c.clients(ctx, slug, maxAge)
	if err != nil {
		return nil, err
	}
	match, err := pick(ctx, snap.Clients(), ref)
	if err != nil {
		return nil, err
	}
	return c.FreshRecord(ctx, slug, match)
}

// FreshRecord returns the current record of a client found in a list (such as a
// [Snapshot]'s): one GET by its UUID, whose answer also updates the cached list. A
// client without a UUID is returned as found. Show a person this record, not the
// list's.
func (c *Client) FreshRecord(ctx context.Context, slug string, found ClientCompany) (*ClientCompany, error) {
	if found.UUID == "" {
		return &found, nil
	}
	cc, err := c.GetClient(ctx, slug, found.UUID)
	if err != nil {
		c.forget(slug, err)
		return nil, err
	}
	c.remember(slug, cc, false)
	return cc, nil
}

// forget drops what err says c's token can no longer read.
func (c *Client) forget(slug string, err error) {
	if c.cache != nil {
		c.cache.forget(listKey{slug: slug, token: c.tokenID}, err)
	}
}

// LooksLikeID reports whether s could be a client id as GitScrum shows them: one
// word of 1 to 64 ASCII letters, digits, '-' and '_', such as "client-abc-123" (the
// API documentation's example) or a UUID. s is not trimmed. Such a reference that no
// cached list resolves is fetched by id before any listing.
func LooksLikeID(s string) bool {
	if len(s) == 0 || len(s) > maxIDLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-' || b == '_') {
			return false
		}
	}
	return true
}

// idRefused reports a GET by id that says there is no client with that id: a 404
// about the client, or a 400 or 422 refusing the id's form.
func idRefused(err error) bool {
	var e *Error
	if !errors.As(err, &e) || !e.Sent {
		return false
	}
	switch e.StatusCode {
	case http.StatusNotFound:
		return isClientNotFound(err)
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// CacheTTL returns how long a listed workspace is served from the list cache
// before it is stale ([WithCacheTTL]); 0 when the cache is off. Adapters use it to
// tell their own clients how long a listing stays fresh.
func (c *Client) CacheTTL() time.Duration {
	if c.cache == nil {
		return 0
	}
	return c.cache.fresh
}
