package store

import (
	"log/slog"
	"sync"
	"time"
)

// Status is a store's state, as [Store.Health] reports it.
type Status string

// The statuses.
const (
	// StatusStarting: the store is being opened and migrated, and no attempt has
	// failed yet.
	StatusStarting Status = "starting"
	// StatusOK: the last operation on the database succeeded.
	StatusOK Status = "ok"
	// StatusDegraded: the last operation failed because the database is out of
	// reach (or the store could not open); writes fail with [ErrUnavailable]. The
	// store probes the database every [Options.HealthInterval] and is OK again as
	// soon as an operation or a probe succeeds.
	StatusDegraded Status = "degraded"
)

// Health is a store's state, for /healthz and metrics.
type Health struct {
	// Status is the state.
	Status Status
	// Since is when the store entered that state.
	Since time.Time
	// Err is, while degraded, the last error that says why (an [*Error]).
	Err error
}

// OK reports whether the status is [StatusOK].
func (h Health) OK() bool { return h.Status == StatusOK }

// Health returns the store's state. It never touches the database.
func (s *Store) Health() Health {
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	return s.health.now
}

// health tracks a store's [Health] from the outcome of its operations.
type health struct {
	log    *slog.Logger
	driver string

	mu  sync.Mutex
	now Health
}

// init starts the state as [StatusStarting].
func (h *health) init(log *slog.Logger, d driverKind) {
	h.log, h.driver = log, d.String()
	h.now = Health{Status: StatusStarting, Since: time.Now()}
}

// ok records an operation that succeeded.
func (h *health) ok() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.now.Status == StatusOK {
		return
	}
	if h.now.Status == StatusDegraded {
		h.log.Info("state store recovered", "driver", h.driver, "degraded_for", time.Since(h.now.Since).Round(time.Millisecond))
	}
	h.now = Health{Status: StatusOK, Since: time.Now()}
}

// fail records an operation that failed for want of the database.
func (h *health) fail(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.now.Status != StatusDegraded {
		h.log.Warn("state store degraded", "driver", h.driver, "err", err)
		h.now = Health{Status: StatusDegraded, Since: time.Now()}
	}
	h.now.Err = err
}

// degraded reports whether the state is [StatusDegraded].
func (h *health) degraded() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now.Status == StatusDegraded
}
