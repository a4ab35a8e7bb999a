package state

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/metrics"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/settings"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// healthPoll is how often the store's health is copied into the metrics besides
// after every operation, so a state change no operation follows shows too.
const healthPoll = time.Second

// State is a binary's open state store with its sweeper and metrics.
type State struct {
	// Store is the store: give it to the adapters.
	Store *store.Store

	cancel context.CancelFunc
	done   chan struct{}
}

// Options say how a binary opens its store.
type Options struct {
	// Sandbox opens an in-memory database when the configuration names none.
	Sandbox bool
	// Metrics receives every operation and the store's health; nil is none.
	Metrics *metrics.Metrics
	// Logger receives the store's events; nil discards them.
	Logger *slog.Logger
	// OpenDelay postpones opening the database, and the first sweep, by this
	// long unless the store is used sooner (see [store.Options.OpenDelay]): for a
	// process whose start must not share its CPU with a migration.
	OpenDelay time.Duration
	// SweepInterval is how often expired rows are swept; 0 is
	// [store.DefaultSweepInterval].
	SweepInterval time.Duration
}

// Open opens the store c names and returns at once: the store opens and migrates
// in the background, and its first use waits for that. It sweeps expired rows
// every minute until closed, and reports every operation and its health to the
// metrics. It fails only for a database URL it cannot read.
func Open(ctx context.Context, c Config, o Options) (*State, error) {
	logger, m := o.Logger, o.Metrics
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	dbURL := c.URL(o.Sandbox)
	var self atomic.Pointer[store.Store]
	opts := store.Options{MaxOpenConns: c.MaxConns, MaxIdleConns: c.MaxIdleConns, Logger: logger, OpenDelay: o.OpenDelay}
	if m != nil {
		opts.Observer = func(op string, d time.Duration, err error) {
			m.ObserveStoreOp(op, d, err)
			if s := self.Load(); s != nil {
				m.ObserveStoreHealth(s.Health())
			}
		}
	}
	st, err := store.Open(ctx, dbURL, opts)
	if err != nil {
		return nil, fmt.Errorf("--database (%s): %w", EnvDatabase, err)
	}
	self.Store(st)
	bg, cancel := context.WithCancel(ctx)
	s := &State{Store: st, cancel: cancel, done: make(chan struct{})}
	logger.Info("state store", "driver", st.Driver(), "database", Describe(dbURL), "audit_retention", settings.FormatRetention(c.AuditRetention))
	swept := make(chan struct{})
	go func() {
		defer close(swept)
		if o.OpenDelay > 0 {
			t := time.NewTimer(o.OpenDelay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-bg.Done():
				return
			}
		}
		st.RunSweeper(bg, store.SweepPolicy{Interval: o.SweepInterval, AuditRetention: c.AuditRetention})
	}()
	go func() {
		defer close(s.done)
		defer func() { <-swept }()
		if m == nil {
			<-bg.Done()
			return
		}
		tick := time.NewTicker(healthPoll)
		defer tick.Stop()
		for {
			m.ObserveStoreHealth(st.Health())
			select {
			case <-bg.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return s, nil
}

// Close stops the sweeper and closes the store.
func (s *State) Close() error {
	s.cancel()
	<-s.done
	if err := s.Store.Close(); err != nil {
		return fmt.Errorf("close the state store: %w", err)
	}
	return nil
}

// Check is the store's part of /healthz: "store" is starting, ok or degraded.
func (s *State) Check() httpserver.Check {
	return httpserver.Check{Name: "store", State: func() string { return string(s.Store.Health().Status) }}
}
