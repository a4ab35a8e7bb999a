package metrics

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// Values of the kind label of gitscrum_store_errors_total.
const (
	// StoreErrUnavailable: the database was out of reach (down, locked, not
	// migrated): the store is degraded.
	StoreErrUnavailable = "unavailable"
	// StoreErrCanceled: the caller gave up before the database answered.
	StoreErrCanceled = "canceled"
	// StoreErrOther: any other failure, a fault of the request or a bug.
	StoreErrOther = "error"
)

// storeMetrics are the state store's metrics: latency and errors by operation,
// and its health over time.
type storeMetrics struct {
	latency     *prometheus.HistogramVec
	errors      *prometheus.CounterVec
	status      *prometheus.GaugeVec
	transitions prometheus.Counter
	degradedFor prometheus.CounterFunc

	mu       sync.Mutex
	now      store.Status
	since    time.Time
	degraded time.Duration // time spent degraded before the current state
}

// newStoreMetrics returns the store's metrics, unregistered.
func newStoreMetrics() *storeMetrics {
	s := &storeMetrics{
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gitscrum_store_operation_duration_seconds",
			Help:    "Duration of one state store operation (remember, acquire, append_audit, history, sweep_…, migrate, probe, …), failures included, by operation.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gitscrum_store_errors_total",
			Help: "State store operations that failed, by operation and kind: unavailable (the database out of reach: the store is degraded), canceled (the caller gave up) or error.",
		}, []string{"operation", "kind"}),
		status: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gitscrum_store_status",
			Help: "The state store's status: 1 for the current one of starting, ok and degraded, 0 for the others. Degraded means writes are refused; reads keep working.",
		}, []string{"status"}),
		transitions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gitscrum_store_degraded_total",
			Help: "Times the state store became degraded (its database out of reach).",
		}),
		now:   store.StatusStarting,
		since: time.Now(),
	}
	s.degradedFor = prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "gitscrum_store_degraded_seconds_total",
		Help: "Time the state store has spent degraded since the process started, in seconds.",
	}, func() float64 { return s.degradedSeconds(time.Now()) })
	s.setStatusGauge()
	return s
}

// collectors returns the collectors to register.
func (s *storeMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{s.latency, s.errors, s.status, s.transitions, s.degradedFor}
}

// setStatusGauge sets the status gauges from s.now; s.mu is held or s is new.
func (s *storeMetrics) setStatusGauge() {
	for _, st := range []store.Status{store.StatusStarting, store.StatusOK, store.StatusDegraded} {
		v := 0.0
		if st == s.now {
			v = 1
		}
		s.status.WithLabelValues(string(st)).Set(v)
	}
}

// degradedSeconds is the time spent degraded as of now.
func (s *storeMetrics) degradedSeconds(now time.Time) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.degraded
	if s.now == store.StatusDegraded {
		d += now.Sub(s.since)
	}
	return d.Seconds()
}

// ObserveStoreOp records one state store operation: its name, how long it took
// and its error (nil on success). It is the store's [store.Options.Observer].
func (m *Metrics) ObserveStoreOp(op string, d time.Duration, err error) {
	if m == nil {
		return
	}
	m.store.latency.WithLabelValues(op).Observe(d.Seconds())
	if err != nil {
		m.store.errors.WithLabelValues(op, storeErrKind(op, err)).Inc()
	}
}

// ObserveStoreHealth records the state store's health as the store reports it: a
// change to degraded counts one transition, and the time spent degraded adds up.
// Calling it again with the same health changes nothing.
func (m *Metrics) ObserveStoreHealth(h store.Health) {
	if m == nil {
		return
	}
	s := m.store
	s.mu.Lock()
	defer s.mu.Unlock()
	if h.Status == s.now {
		return
	}
	at := h.Since
	if at.IsZero() || at.Before(s.since) {
		at = time.Now()
	}
	if s.now == store.StatusDegraded {
		s.degraded += at.Sub(s.since)
	}
	if h.Status == store.StatusDegraded {
		s.transitions.Inc()
	}
	s.now, s.since = h.Status, at
	s.setStatusGauge()
}

// storeErrKind is the kind label of a store error of op: a failed open
// ("migrate") leaves the store unavailable whatever its cause.
func storeErrKind(op string, err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return StoreErrCanceled
	case op == "migrate", errors.Is(err, store.ErrUnavailable):
		return StoreErrUnavailable
	}
	return StoreErrOther
}
