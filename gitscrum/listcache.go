package gitscrum

import (
	"container/list"
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// CacheEvent names something that happened in the workspace list cache, for a
// [CacheObserver].
type CacheEvent string

// The list cache's events.
const (
	// CacheHit: a fresh cached list answered.
	CacheHit CacheEvent = "hit"
	// CacheStale: a stale cached list answered at once, while one background refresh
	// runs.
	CacheStale CacheEvent = "stale"
	// CacheMiss: no usable list was cached, and the caller waited for a listing (its
	// own, or one already in flight for the same workspace and token).
	CacheMiss CacheEvent = "miss"
	// CacheRefresh: a background refresh replaced a stale list.
	CacheRefresh CacheEvent = "refresh"
	// CacheRefreshError: a background refresh failed; the stale list stays, unless
	// GitScrum refused the token or the workspace, which drops it.
	CacheRefreshError CacheEvent = "refresh_error"
	// CacheEviction: a list was dropped to keep the cached records under the cap.
	CacheEviction CacheEvent = "eviction"
	// CachePatch: a record written or read through this process was written into a
	// cached list.
	CachePatch CacheEvent = "patch"
)

// CacheObserver is told what the workspace list cache does. An [Observer] given with
// [WithObserver] that also implements CacheObserver is told; both binaries' metrics
// do. It may be called while the cache holds its lock: it must be fast, safe for
// concurrent use, and must not call the [Client].
type CacheObserver interface {
	// ObserveCacheEvent reports one event.
	ObserveCacheEvent(event CacheEvent)
	// ObserveCacheRecords reports how many records the cache now holds, across all
	// its lists.
	ObserveCacheRecords(records int)
}

// listKey names one cached list: a workspace as one token sees it. The token is kept
// only as its tokenID, so two tokens never share a list and no token is stored.
type listKey struct {
	slug  string
	token tokenID
}

// flight is the key's name in the singleflight group.
func (k listKey) flight() string { return string(k.token[:]) + k.slug }

// lister lists a workspace, completely.
type lister func(ctx context.Context) ([]ClientCompany, error)

// cacheEntry is one cached list.
type cacheEntry struct {
	key    listKey
	snap   *Snapshot
	weight int // records counted against the cap: max(1, len)
	// stale is set when a write through another token changed the workspace.
	stale bool
	// refreshing is set while a background refresh of the entry runs.
	refreshing bool
	elem       *list.Element
}

// loadState collects, while a listing of a key runs, what happens meanwhile: the
// writes through the same token (applied to the result, whose pages may predate
// them) and whether another token wrote to the workspace (the result is then stale
// at once).
type loadState struct {
	writes []ClientCompany
	stale  bool
	// tainted is set by a write whose outcome is unknown: the listing may lack it.
	tainted bool
}

// fillResult is what a listing gives its callers.
type fillResult struct {
	snap *Snapshot
	// tainted: a write of unknown outcome happened during the listing, which was
	// not cached; a duplicate check must not trust it.
	tainted bool
}

// listCache keeps the complete client list of each workspace per token: fresh for
// fresh after its listing began, then served stale (while one background refresh
// runs) until fresh+staleFor, then dropped. It holds at most maxRecords records
// across its lists; the least recently used lists go first. Concurrent listings of
// one key are shared (singleflight). Writes through the Client patch it.
//
// It is a weighted LRU rather than a cache library's frequency-based policy
// (W-TinyLFU), which refuses a new entry that was read less often than its victim:
// the list just paid for (a page per hundred clients) would be dropped at once when
// the cache is full of lists read more often.
type listCache struct {
	fresh, staleFor time.Duration
	maxRecords      int
	now             func() time.Time
	obs             CacheObserver

	flights singleflight.Group

	mu      sync.Mutex
	entries map[listKey]*cacheEntry
	bySlug  map[string]map[listKey]*cacheEntry
	lru     list.List // of *cacheEntry, most recently used first
	records int
	loading map[listKey]*loadState
}

func newListCache(fresh, staleFor time.Duration, maxRecords int, obs Observer) *listCache {
	lc := &listCache{
		fresh: fresh, staleFor: staleFor, maxRecords: maxRecords, now: time.Now,
		entries: map[listKey]*cacheEntry{},
		bySlug:  map[string]map[listKey]*cacheEntry{},
		loading: map[listKey]*loadState{},
	}
	lc.obs, _ = obs.(CacheObserver)
	return lc
}

func (lc *listCache) event(ev CacheEvent) {
	if lc.obs != nil {
		lc.obs.ObserveCacheEvent(ev)
	}
}

// get returns the list of key: a cached one when it is usable (not expired, and
// listed at most maxAge ago when maxAge >= 0), else one listed by list, shared with
// the concurrent callers of the same key. The listing runs apart from ctx, bounded by
// bound (or ctx's deadline when later), so a caller whose ctx ends returns at once
// while the listing goes on for the others and for the cache.
func (lc *listCache) get(ctx context.Context, key listKey, maxAge time.Duration, list lister, bound time.Duration) (*Snapshot, error) {
	started := lc.now()
	if snap := lc.peek(ctx, key, maxAge, list, bound); snap != nil {
		return snap, nil
	}
	lc.event(CacheMiss)
	var res fillResult
	// A listing joined in flight may have begun too long before this call, or
	// may lack a write of unknown outcome; the next one begins after it ended, so
	// after this call began.
	for range 2 {
		var err error
		if res, err = lc.load(ctx, key, list, bound); err != nil {
			return nil, err
		}
		if maxAge < 0 || !res.tainted && !res.snap.listedAt.Before(started.Add(-maxAge)) {
			break
		}
	}
	return res.snap, nil
}

// peek returns the cached list of key when it is usable, or nil, without listing;
// a stale list starts a background refresh unless one runs.
func (lc *listCache) peek(ctx context.Context, key listKey, maxAge time.Duration, list lister, bound time.Duration) *Snapshot {
	now := lc.now()
	lc.mu.Lock()
	defer lc.mu.Unlock()
	e := lc.entries[key]
	if e == nil {
		return nil
	}
	age := now.Sub(e.snap.listedAt)
	if age >= lc.fresh+lc.staleFor {
		lc.removeLocked(e)
		lc.reportLocked()
		return nil
	}
	if maxAge >= 0 && age > maxAge {
		return nil
	}
	lc.lru.MoveToFront(e.elem)
	if age < lc.fresh && !e.stale {
		lc.event(CacheHit)
		return e.snap
	}
	lc.event(CacheStale)
	if !e.refreshing && list != nil {
		e.refreshing = true
		go lc.refresh(ctx, key, list, bound)
	}
	return e.snap
}

// refresh lists key again in the background (or joins the listing in flight).
func (lc *listCache) refresh(ctx context.Context, key listKey, list lister, bound time.Duration) {
	lctx, cancel := detach(ctx, bound)
	defer cancel()
	r := <-lc.flights.DoChan(key.flight(), func() (any, error) { return lc.fill(lctx, key, list) })
	if r.Err != nil {
		lc.event(CacheRefreshError)
		return
	}
	lc.event(CacheRefresh)
}

// load lists key, or joins the listing of key in flight, and waits for it or for
// ctx's end.
func (lc *listCache) load(ctx context.Context, key listKey, list lister, bound time.Duration) (fillResult, error) {
	if err := ctx.Err(); err != nil {
		return fillResult{}, ctxError(ctx)
	}
	ch := lc.flights.DoChan(key.flight(), func() (any, error) {
		lctx, cancel := detach(ctx, bound)
		defer cancel()
		return lc.fill(lctx, key, list)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return fillResult{}, r.Err
		}
		return r.Val.(fillResult), nil
	case <-ctx.Done():
		return fillResult{}, ctxError(ctx)
	}
}

// fill runs one listing of key and caches its result; a failed listing caches
// nothing. It runs inside the singleflight group, once per key at a time.
func (lc *listCache) fill(ctx context.Context, key listKey, list lister) (fillResult, error) {
	ls := &loadState{}
	lc.mu.Lock()
	lc.loading[key] = ls
	lc.mu.Unlock()
	started := lc.now()
	clients, err := list(ctx)
	var snap *Snapshot
	if err == nil {
		// The index and the name order are built once, here, outside the lock,
		// rather than by the first reader; the writes below keep them.
		snap = newSnapshot(clients, started)
		snap.prepare()
	}

	lc.mu.Lock()
	delete(lc.loading, key)
	if err != nil {
		lc.failedLocked(key, err)
		lc.mu.Unlock()
		return fillResult{}, err
	}
	for _, w := range ls.writes {
		snap = snap.with(w)
	}
	if !ls.tainted {
		lc.storeLocked(key, snap, ls.stale)
	}
	lc.mu.Unlock()
	snap.Index() // a write above made a new snapshot, whose index is built here
	return fillResult{snap: snap, tainted: ls.tainted}, nil
}

// failedLocked forgets what a failed call says is no longer readable: every list of a
// token GitScrum refused, the list of a workspace it refused or does not know.
// Other failures (GitScrum unavailable) keep a stale list to serve.
func (lc *listCache) failedLocked(key listKey, err error) {
	switch {
	case errors.Is(err, ErrUnauthorized):
		for _, e := range lc.entries {
			if e.key.token == key.token {
				lc.removeLocked(e)
			}
		}
	case errors.Is(err, ErrForbidden), isWorkspaceNotFound(err):
		if e := lc.entries[key]; e != nil {
			lc.removeLocked(e)
		}
	default:
		if e := lc.entries[key]; e != nil {
			e.refreshing = false
		}
	}
	lc.reportLocked()
}

// forget applies failedLocked for an error of a call outside a listing.
func (lc *listCache) forget(key listKey, err error) {
	if !errors.Is(err, ErrUnauthorized) && !errors.Is(err, ErrForbidden) && !isWorkspaceNotFound(err) {
		return
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	lc.failedLocked(key, err)
}

// storeLocked caches snap as the list of key, most recently used, and evicts the
// least recently used lists until the records fit the cap. A list larger than the
// cap by itself is not cached. Expired lists are dropped on the way.
func (lc *listCache) storeLocked(key listKey, snap *Snapshot, stale bool) {
	now := lc.now()
	for _, e := range lc.entries {
		if now.Sub(e.snap.listedAt) >= lc.fresh+lc.staleFor {
			lc.removeLocked(e)
		}
	}
	if e := lc.entries[key]; e != nil {
		lc.removeLocked(e)
	}
	w := max(1, snap.Len())
	if w <= lc.maxRecords {
		e := &cacheEntry{key: key, snap: snap, weight: w, stale: stale}
		e.elem = lc.lru.PushFront(e)
		lc.entries[key] = e
		if lc.bySlug[key.slug] == nil {
			lc.bySlug[key.slug] = map[listKey]*cacheEntry{}
		}
		lc.bySlug[key.slug][key] = e
		lc.records += w
		lc.evictLocked()
	}
	lc.reportLocked()
}

// evictLocked drops the least recently used lists while the records exceed the cap.
func (lc *listCache) evictLocked() {
	for lc.records > lc.maxRecords {
		back := lc.lru.Back()
		if back == nil {
			return
		}
		lc.removeLocked(back.Value.(*cacheEntry))
		lc.event(CacheEviction)
	}
}

func (lc *listCache) removeLocked(e *cacheEntry) {
	if lc.entries[e.key] != e {
		return
	}
	delete(lc.entries, e.key)
	if m := lc.bySlug[e.key.slug]; m != nil {
		delete(m, e.key)
		if len(m) == 0 {
			delete(lc.bySlug, e.key.slug)
		}
	}
	lc.lru.Remove(e.elem)
	lc.records -= e.weight
}

func (lc *listCache) reportLocked() {
	if lc.obs != nil {
		lc.obs.ObserveCacheRecords(lc.records)
	}
}

// patch writes rec into the cached list of key, and into the listing of key in
// flight. A write (a create or an update through this process, as opposed to a record
// read fresh) also marks the lists of the workspace held for other tokens stale: they
// are not patched, since another token may not see the same records.
func (lc *listCache) patch(key listKey, rec ClientCompany, write bool) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if ls := lc.loading[key]; ls != nil && write {
		ls.writes = append(ls.writes, rec)
	}
	if e := lc.entries[key]; e != nil {
		if snap := e.snap.with(rec); snap != e.snap {
			e.snap = snap
			lc.records += max(1, snap.Len()) - e.weight
			e.weight = max(1, snap.Len())
			lc.lru.MoveToFront(e.elem)
			lc.event(CachePatch)
			if e.weight > lc.maxRecords {
				lc.removeLocked(e)
			}
			lc.evictLocked()
			lc.reportLocked()
		}
	}
	if write {
		lc.markStaleLocked(key)
	}
}

// uncertain forgets the list of key after a write of unknown outcome (a create or
// update that may have been applied although it failed): the cached list and the
// listing in flight may lack it. Lists of the workspace for other tokens turn stale.
func (lc *listCache) uncertain(key listKey) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if e := lc.entries[key]; e != nil {
		lc.removeLocked(e)
		lc.reportLocked()
	}
	if ls := lc.loading[key]; ls != nil {
		ls.tainted = true
	}
	lc.markStaleLocked(key)
}

// markStaleLocked marks the lists of key's workspace held for other tokens, and
// their listings in flight, stale.
func (lc *listCache) markStaleLocked(key listKey) {
	for k, e := range lc.bySlug[key.slug] {
		if k != key {
			e.stale = true
		}
	}
	for k, ls := range lc.loading {
		if k.slug == key.slug && k != key {
			ls.stale = true
		}
	}
}

// detach returns a context with ctx's values but not its cancellation, bounded by
// bound or by ctx's deadline when that is later: a listing shared by several callers
// outlives the one that started it.
func detach(ctx context.Context, bound time.Duration) (context.Context, context.CancelFunc) {
	base := context.WithoutCancel(ctx)
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) > bound {
		return context.WithDeadline(base, dl)
	}
	return context.WithTimeout(base, bound)
}

// ctxError is the error of a caller whose ctx ended while it waited for a listing.
func ctxError(ctx context.Context) error {
	e := &Error{Method: http.MethodGet, Path: pathListClients, Err: ctx.Err(), Message: "request canceled", class: ErrCanceled}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		e.Message = "GitScrum did not answer in time"
		e.class = ErrUnavailable
	}
	return e
}

// isWorkspaceNotFound reports a 404 about the workspace.
func isWorkspaceNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusNotFound && e.Code == "WORKSPACE_NOT_FOUND"
}
