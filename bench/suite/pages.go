package main

import (
	"fmt"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/scalebench"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// pages measures a cold ListClients of 5,000 clients in pages of 100 from an upstream
// taking 100 ms per request, pages fetched gitscrum.DefaultPageConcurrency at a time,
// against one page after another in the same run.
func (s *suite) pages() error {
	u := scalebench.NewSlowUpstream(emulator.GenerateClients(scalebench.SlowClients), scalebench.SlowLatency)
	defer u.Close()
	reps := s.cfg.pageReps
	s.logf("pages: ListClients of %d clients, one page at a time × %d", scalebench.SlowClients, reps[0])
	seq, seqReqs, err := u.List(1, reps[0])
	if err != nil {
		return fmt.Errorf("sequential listing: %w", err)
	}
	s.logf("pages: ListClients of %d clients, %d pages at a time × %d", scalebench.SlowClients, gitscrum.DefaultPageConcurrency, reps[1])
	conc, concReqs, err := u.List(gitscrum.DefaultPageConcurrency, reps[1])
	if err != nil {
		return fmt.Errorf("concurrent listing: %w", err)
	}
	const scenario = "Pages: slow upstream"
	s.addTime(scenario, fmt.Sprintf("cold ListClients, %d clients in pages of %d at %s per request, %d pages at once (%d requests), median of %d",
		scalebench.SlowClients, scalebench.PageSize, scalebench.SlowLatency, gitscrum.DefaultPageConcurrency, concReqs, len(conc.Times)),
		conc.Time, seq.Time, fmt.Sprintf("one page at a time (%d requests), median of %d", seqReqs, len(seq.Times)))
	return nil
}
