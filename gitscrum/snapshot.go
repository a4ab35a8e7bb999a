package gitscrum

import (
	"slices"
	"sync"
	"time"
)

// Snapshot is the complete client list of one workspace as one token saw it, with its
// search index. It is immutable and shared by every reader of the list cache: the
// slice [Snapshot.Clients] returns and the records [Snapshot.Index] points to must not
// be changed. Get one with [Client.Clients].
type Snapshot struct {
	clients  []ClientCompany
	listedAt time.Time

	indexOnce sync.Once
	index     *Index
}

// newSnapshot wraps clients, which the snapshot then owns, listed at listedAt.
func newSnapshot(clients []ClientCompany, listedAt time.Time) *Snapshot {
	return &Snapshot{clients: nonNil(clients), listedAt: listedAt}
}

// Clients returns every client of the workspace, in GitScrum's order, with the
// clients created or updated through this process since the listing. The slice is
// shared: do not change it (clone it to sort it).
func (s *Snapshot) Clients() []ClientCompany { return s.clients }

// Len returns the number of clients.
func (s *Snapshot) Len() int { return len(s.clients) }

// ListedAt returns when the listing behind the snapshot started: its records are at
// least that recent (those written through this process since are newer).
func (s *Snapshot) ListedAt() time.Time { return s.listedAt }

// Index returns the search index of the clients, built on first use and then shared
// by every caller: searching a cached list never rebuilds it.
func (s *Snapshot) Index() *Index {
	s.indexOnce.Do(func() { s.index = NewIndex(s.clients) })
	return s.index
}

// with returns a new snapshot in which rec replaces the client with its UUID, or is
// appended when there is none (a create); the listing time is kept. It returns s
// itself when rec is already there as it is.
func (s *Snapshot) with(rec ClientCompany) *Snapshot {
	i := -1
	if rec.UUID != "" {
		i = slices.IndexFunc(s.clients, func(c ClientCompany) bool { return c.UUID == rec.UUID })
	}
	if i >= 0 && sameRecord(s.clients[i], rec) {
		return s
	}
	var out []ClientCompany
	if i >= 0 {
		out = slices.Clone(s.clients)
		out[i] = rec
	} else {
		out = make([]ClientCompany, len(s.clients), len(s.clients)+1)
		copy(out, s.clients)
		out = append(out, rec)
	}
	return newSnapshot(out, s.listedAt)
}

// sameRecord reports whether a and b hold the same values (times compared as
// instants).
func sameRecord(a, b ClientCompany) bool {
	at, bt := a.CreatedAt, b.CreatedAt
	a.CreatedAt, b.CreatedAt = Timestamp{}, Timestamp{}
	return a == b && at.Equal(bt.Time)
}
