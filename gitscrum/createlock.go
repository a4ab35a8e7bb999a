package gitscrum

import (
	"context"
	"slices"
	"strings"
	"sync"
)

// createLocks serialises the duplicate check and the create of the same client within
// one process, so two concurrent CreateClientIfNew calls for the same name or email
// cannot both pass the check. It is shared by a Client and its WithToken copies.
type createLocks struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

// keyLock is one key's lock (a one-slot channel, so waiting can end with the
// context) with the number of callers holding or awaiting it, so idle keys are
// forgotten.
type keyLock struct {
	slot chan struct{}
	refs int
}

// lock takes the locks of every key, in sorted order (no deadlock between callers
// sharing keys), and returns the function that releases them. It gives up when ctx
// ends first, holding nothing.
func (l *createLocks) lock(ctx context.Context, keys ...string) (unlock func(), err error) {
	keys = slices.Compact(slices.Sorted(slices.Values(keys)))
	held := make([]*keyLock, 0, len(keys))
	release := func() {
		for i := len(held) - 1; i >= 0; i-- {
			<-held[i].slot
		}
		l.mu.Lock()
		for _, k := range keys {
			if kl := l.locks[k]; kl != nil {
				if kl.refs--; kl.refs == 0 {
					delete(l.locks, k)
				}
			}
		}
		l.mu.Unlock()
	}
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[string]*keyLock{}
	}
	all := make([]*keyLock, len(keys))
	for i, k := range keys {
		kl := l.locks[k]
		if kl == nil {
			kl = &keyLock{slot: make(chan struct{}, 1)}
			l.locks[k] = kl
		}
		kl.refs++
		all[i] = kl
	}
	l.mu.Unlock()
	for _, kl := range all {
		select {
		case kl.slot <- struct{}{}:
			held = append(held, kl)
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		}
	}
	return release, nil
}

// createKeys are the lock keys of a create: its workspace with its normalised name,
// and with its email when it has one.
func createKeys(req CreateClientRequest) []string {
	keys := []string{req.CompanySlug + "\x00name\x00" + NormalizeName(req.Name)}
	if e := strings.ToLower(strings.TrimSpace(req.Email)); e != "" {
		keys = append(keys, req.CompanySlug+"\x00email\x00"+e)
	}
	return keys
}
