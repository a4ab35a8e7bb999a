package gitscrum

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Snapshot is the complete client list of one workspace as one token saw it, with its
// search index and its order by name. It is immutable and shared by every reader of
// the list cache: the slice [Snapshot.Clients] returns and the records
// [Snapshot.Index] and [Snapshot.ByName] point to must not be changed. Get one with
// [Client.Clients].
type Snapshot struct {
	clients  []ClientCompany
	listedAt time.Time

	indexOnce sync.Once
	index     *Index

	// byName is the name order, once built; orderMu serialises its building.
	byName  atomic.Pointer[[]int32]
	orderMu sync.Mutex
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

// ByName returns the clients ordered by name, ignoring case, accents and the
// symbols a name starts with ("<!channel> Alerts" sorts under C); equal names keep
// GitScrum's order. The list cache builds the order once per listing, with the
// search index, and keeps it through the writes it patches in, so a cached
// snapshot answers at once, copying nothing. A snapshot not from the cache builds
// it on first use, stopping with ctx's error when ctx ends.
func (s *Snapshot) ByName(ctx context.Context) (View, error) {
	if err := ctx.Err(); err != nil {
		return View{}, fmt.Errorf("gitscrum: name order not read: %w", err)
	}
	if o := s.byName.Load(); o != nil {
		return View{clients: s.clients, order: *o}, nil
	}
	s.orderMu.Lock()
	defer s.orderMu.Unlock()
	if o := s.byName.Load(); o == nil {
		order, err := nameOrder(ctx, s.Index())
		if err != nil {
			return View{}, err
		}
		s.byName.Store(&order)
	}
	return View{clients: s.clients, order: *s.byName.Load()}, nil
}

// InOrder returns a view of the clients in GitScrum's order (that of
// [Snapshot.Clients]).
func (s *Snapshot) InOrder() View { return View{clients: s.clients} }

// prepare builds the search index and the name order, for the list cache to do
// once per listing rather than its first reader.
func (s *Snapshot) prepare() {
	_, _ = s.ByName(context.Background()) // builds the index too; cannot fail without a deadline
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
	snap := newSnapshot(out, s.listedAt)
	if o := s.byName.Load(); o != nil {
		moved := int32(i)
		if i < 0 {
			moved = int32(len(s.clients))
		}
		order := *o
		if i < 0 || nameKey(s.clients[i].Name) != nameKey(rec.Name) {
			order = reorder(order, out, moved)
		}
		snap.byName.Store(&order)
	}
	return snap
}

// sameRecord reports whether a and b hold the same values (times compared as
// instants).
func sameRecord(a, b ClientCompany) bool {
	at, bt := a.CreatedAt, b.CreatedAt
	a.CreatedAt, b.CreatedAt = Timestamp{}, Timestamp{}
	return a == b && at.Equal(bt.Time)
}
