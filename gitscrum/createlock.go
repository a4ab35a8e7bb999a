package gitscrum

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// createLocks serialises the duplicate check and the create of the same client within
// one process, so two concurrent CreateClientIfNew calls for the same name or email
// cannot both pass the check. It is shared by a Client and its WithToken copies,
// with the coordinator that extends it across processes (see
// [WithCreateCoordinator]).
//
// With a coordinator the in-process lock is still taken first: the creates of one
// name within a process then queue here, cheaply and woken at once, and only one
// of them at a time polls the state store for the lock across processes.
type createLocks struct {
	mu    sync.Mutex
	locks map[string]*keyLock

	// coord coordinates writes across processes; nil when there is none.
	coord CreateCoordinator
	// ttl is the lease of a lock taken through coord; 0 is DefaultCreateLockTTL.
	ttl time.Duration
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

// recordKeys are the keys a create is recorded under in the coordinator's record
// of creates (see [CreateCoordinator]): its normalised name, as the duplicate check
// compares names, and "email:" with its email when it has one (a normalised name
// holds no colon, so the two never meet).
func recordKeys(req CreateClientRequest) []string {
	keys := []string{NormalizeName(req.Name)}
	if e := strings.ToLower(strings.TrimSpace(req.Email)); e != "" {
		keys = append(keys, "email:"+e)
	}
	return keys
}

// clientKey is the lock key of an update of the client uuid in workspace slug.
func clientKey(slug, uuid string) string {
	return slug + "\x00client\x00" + strings.ToLower(uuid)
}

// refKey is the lock key of an update of the client that ref names, before it is
// resolved: the client's key when ref is a UUID, else its normalised name's.
func refKey(slug, ref string) string {
	if LooksLikeUUID(ref) {
		return clientKey(slug, ref)
	}
	return slug + "\x00ref\x00" + NormalizeName(ref)
}
