package store

import (
	"context"
	"time"
)

// Sweeping defaults.
const (
	// DefaultSweepInterval is how often [Store.RunSweeper] sweeps by default.
	DefaultSweepInterval = time.Minute
	// DefaultCreateRecordRetention is how long create records are kept by default:
	// far longer than any list cache the duplicate check reads.
	DefaultCreateRecordRetention = 24 * time.Hour
)

// SweepPolicy says what [Store.RunSweeper] deletes, and how often.
type SweepPolicy struct {
	// Interval between two sweeps: default [DefaultSweepInterval].
	Interval time.Duration
	// AuditRetention is how long audit entries are kept; 0 keeps them forever.
	AuditRetention time.Duration
	// CreateRecordRetention is how long create records are kept: default
	// [DefaultCreateRecordRetention].
	CreateRecordRetention time.Duration
}

// RunSweeper sweeps expired deliveries, ended leases, old create records, expired
// one-time links and (with an audit retention) old audit entries at once and then every interval, until ctx
// ends. Every replica may run one: sweeps are idempotent. A sweep that fails is
// logged and seen by the observer; the next one tries again.
func (s *Store) RunSweeper(ctx context.Context, p SweepPolicy) {
	if p.Interval <= 0 {
		p.Interval = DefaultSweepInterval
	}
	if p.CreateRecordRetention <= 0 {
		p.CreateRecordRetention = DefaultCreateRecordRetention
	}
	tick := time.NewTicker(p.Interval)
	defer tick.Stop()
	for {
		s.sweepOnce(ctx, p, time.Now())
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// sweepOnce runs each sweep of p once, as of now.
func (s *Store) sweepOnce(ctx context.Context, p SweepPolicy, now time.Time) {
	sweeps := []struct {
		what string
		run  func() (int64, error)
	}{
		{"deliveries", func() (int64, error) { return s.Sweep(ctx, now) }},
		{"create locks", func() (int64, error) { return s.SweepLocks(ctx) }},
		{"create records", func() (int64, error) { return s.SweepCreates(ctx, now.Add(-p.CreateRecordRetention)) }},
		{"links", func() (int64, error) { return s.SweepLinks(ctx, now) }},
		{"audit entries", func() (int64, error) {
			if p.AuditRetention <= 0 {
				return 0, nil
			}
			return s.SweepAudit(ctx, now.Add(-p.AuditRetention))
		}},
	}
	for _, sw := range sweeps {
		n, err := sw.run()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.opts.Logger.Warn("state store sweep failed", "what", sw.what, "err", err)
		case n > 0:
			s.opts.Logger.Debug("state store swept", "what", sw.what, "deleted", n)
		}
	}
}
