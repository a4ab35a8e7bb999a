package gitscrum

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"
)

// CreateCoordinator coordinates the writes of several processes (replicas behind
// one load balancer) that share one state store: create locks held across
// processes, and a record of the clients created through any of them. Its method
// set uses standard types only, so the state store of package store satisfies it as
// it is; this package knows no store.
//
// With a coordinator ([WithCreateCoordinator]), [Client.CreateClientIfNew] holds
// the create's lock across processes and consults the record besides the cached
// list, and [Client.UpdateClientByRef] and [Client.EditClient] hold a lock on the
// client being changed. When the coordinator cannot be reached, those writes are
// refused with a [*StateStoreError] and nothing is sent to GitScrum.
type CreateCoordinator interface {
	// Acquire takes keys in workspace for holder until ttl from now, all or none,
	// waiting while another holder has any of them, until ctx ends. A holder that
	// died loses its keys when its ttl ends. It returns when the lease ends.
	Acquire(ctx context.Context, workspace string, keys []string, holder string, ttl time.Duration) (time.Time, error)
	// Release ends holder's lease of keys in workspace.
	Release(ctx context.Context, workspace string, keys []string, holder string) error
	// RecordCreate records that client uuid was created in workspace under
	// normalisedName (or another key of the duplicate check, such as the email).
	RecordCreate(ctx context.Context, workspace, normalisedName, uuid string) error
	// LookupCreate returns the uuid recorded for normalisedName in workspace, and
	// whether there is one.
	LookupCreate(ctx context.Context, workspace, normalisedName string) (string, bool, error)
}

// DefaultCreateLockTTL is how long a write holds its lock across processes at
// most: the lease a lock is taken for. It is twice [DefaultTimeout], the bound of
// one call, because a create holds its lock over the duplicate check (a listing,
// a GET of a recorded client) and the POST; the held work is cut off before the
// lease ends (see [WithCreateLockTTL]), so a lease never ends under a live holder.
// A holder that died (killed, its host lost) blocks the name this long at most.
const DefaultCreateLockTTL = 2 * DefaultTimeout

// lockMargin is how long before its lease ends the work under a lock is cut off,
// leaving room for the release and for the clocks of the process and the database
// to differ a little.
func lockMargin(ttl time.Duration) time.Duration { return ttl / 10 }

// WithCreateCoordinator makes the client coordinate its writes with other
// processes through c (see [CreateCoordinator]); nil turns it off. The client's
// [Client.WithToken] copies share it.
func WithCreateCoordinator(c CreateCoordinator) Option {
	return func(cl *Client) error {
		cl.creates.coord = c
		return nil
	}
}

// WithCreateLockTTL sets the lease of a lock taken through the coordinator:
// how long a write holds it at most, and so how long a holder that died blocks
// the name (or client) it held. The work done under the lock ends a tenth of d
// before the lease does, failing as a canceled call, so no other process can
// take the lock while a write is still under way. Zero or less keeps
// [DefaultCreateLockTTL]. A d shorter than the calls made under the lock (a
// listing and a POST) makes creates fail; tests and demonstrations use a short one.
func WithCreateLockTTL(d time.Duration) Option {
	return func(c *Client) error {
		if d > 0 {
			c.creates.ttl = d
		}
		return nil
	}
}

// ErrStateStore is the class of a write refused because the state store that
// coordinates replicas could not be reached: nothing was sent to GitScrum; reads
// still work. A [*StateStoreError] matches it, and [ErrUnavailable] too: waiting
// for the store to come back cures it.
var ErrStateStore = errors.New("gitscrum: state store unavailable")

// StateStoreError is a create or update refused because the state store (the
// [CreateCoordinator]) could not be reached: nothing was sent to GitScrum.
type StateStoreError struct {
	// Op is the refused operation: "create_client" or "update_client".
	Op string
	// Err is the coordinator's error.
	Err error
}

// Error names the state store, says nothing was sent, and that reads still work.
func (e *StateStoreError) Error() string {
	return fmt.Sprintf("%s refused: the state store that coordinates writes could not be reached, so nothing was sent to GitScrum "+
		"(reads still work; writes resume when the store is back): %v", e.Op, e.Err)
}

// Unwrap returns the coordinator's error.
func (e *StateStoreError) Unwrap() error { return e.Err }

// Is matches [ErrStateStore] and [ErrUnavailable].
func (e *StateStoreError) Is(target error) bool {
	return target == ErrStateStore || target == ErrUnavailable
}

// lockTTLOrDefault returns the lease of the client's locks.
func (c *Client) lockTTLOrDefault() time.Duration {
	if c.creates.ttl > 0 {
		return c.creates.ttl
	}
	return DefaultCreateLockTTL
}

// coordinatedLock is a lease of keys held through the coordinator.
type coordinatedLock struct {
	coord     CreateCoordinator
	workspace string
	keys      []string
	holder    string
}

// lockAcross takes keys of workspace through the coordinator for the write op and
// returns the lease, with ctx bounded to end before the lease does. With no
// coordinator it returns a nil lease and ctx as is. A coordinator out of reach is
// a [*StateStoreError]; a caller that gave up waiting is an [*Error] of class
// [ErrCanceled] (or [ErrUnavailable] when its deadline passed).
func (c *Client) lockAcross(ctx context.Context, op, workspace string, keys []string) (*coordinatedLock, context.Context, context.CancelFunc, error) {
	coord := c.creates.coord
	if coord == nil {
		return nil, ctx, func() {}, nil
	}
	ttl := c.lockTTLOrDefault()
	start := time.Now()
	l := &coordinatedLock{coord: coord, workspace: workspace, keys: keys, holder: newHolder()}
	if _, err := coord.Acquire(ctx, workspace, keys, l.holder, ttl); err != nil {
		return nil, ctx, func() {}, lockError(ctx, op, err)
	}
	held, cancel := context.WithDeadline(ctx, start.Add(ttl-lockMargin(ttl)))
	return l, held, cancel, nil
}

// extend takes more keys for the same holder (its other keys stay held).
func (l *coordinatedLock) extend(ctx context.Context, op string, ttl time.Duration, keys ...string) error {
	if l == nil {
		return nil
	}
	if _, err := l.coord.Acquire(ctx, l.workspace, keys, l.holder, ttl); err != nil {
		return lockError(ctx, op, err)
	}
	l.keys = append(l.keys, keys...)
	return nil
}

// release ends the lease, even when the caller's context has ended. A lease that
// cannot be released ends at its expiry anyway.
func (l *coordinatedLock) release(ctx context.Context) {
	if l == nil {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = l.coord.Release(rctx, l.workspace, l.keys, l.holder)
}

// lockError turns an error of taking a lock into the error of the write op: the
// caller giving up stays a canceled call; anything else refuses the write for want
// of the state store.
func lockError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		e := &Error{Method: opMethod(op), Path: pathCompanies, Message: "gave up waiting for another write of the same client", Err: err, class: ErrCanceled}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			e.class = ErrUnavailable
		}
		return e
	}
	return &StateStoreError{Op: op, Err: err}
}

// opMethod is the HTTP method of a write operation.
func opMethod(op string) string {
	if op == opCreate {
		return "POST"
	}
	return "PUT"
}

// The write operations, as a [*StateStoreError] names them.
const (
	opCreate = "create_client"
	opUpdate = "update_client"
)

// newHolder names one acquisition of a lock: this host and process, and 8 random
// bytes, so no two acquisitions anywhere share a name.
func newHolder() string {
	host, _ := os.Hostname()
	var b [8]byte
	_, _ = crand.Read(b[:])
	return host + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b[:])
}

// WithCreateCoordinator returns a copy of c that coordinates its writes through
// coord, with locks of lockTTL (0 or less: [DefaultCreateLockTTL]); see
// [CreateCoordinator]. It is for a program that opens its state store after it
// built its client: use the copy from then on, for the copy and its
// [Client.WithToken] copies share their locks with each other, not with c. A nil
// coord turns coordination off in the copy.
func (c *Client) WithCreateCoordinator(coord CreateCoordinator, lockTTL time.Duration) *Client {
	cp := *c
	cp.creates = &createLocks{coord: coord, ttl: max(lockTTL, 0)}
	return &cp
}
