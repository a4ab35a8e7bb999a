package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/storebench"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// historyRows is how many audit rows the client of the audit query has (issue 17).
const historyRows = 10_000

// storeTarget is a database the store scenarios run on, and the median latency
// the store may add to a write there (issue 17).
type storeTarget struct {
	scenario string
	added    time.Duration
	db       *storebench.Database
}

// storeSamples is how many writes per surface and store, and how many audit
// queries per client, the store scenarios make.
func (s *suite) storeSamples() (writes, queries int) {
	if s.cfg == quickConfig {
		return 60, 50
	}
	return 300, 200
}

// store measures the latency the state store adds to an MCP update and a Slack
// create, on SQLite and on PostgreSQL, beside the same writes without a store
// made alternately in the same run; and the audit query of a client with
// historyRows rows, beside that of a client with a page of them.
func (s *suite) store() error {
	dir, err := os.MkdirTemp("", "bench-store")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	lite, err := storebench.OpenSQLite(dir)
	if err != nil {
		return err
	}
	defer lite.Close()
	targets := []storeTarget{{scenario: "Store: SQLite file", added: 2 * time.Millisecond, db: lite}}
	const pgScenario = "Store: PostgreSQL (a database of the run)"
	pg, err := storebench.OpenPostgres()
	switch {
	case errors.Is(err, storebench.ErrNoPostgres):
		s.logf("store: PostgreSQL %v", err)
	case err != nil:
		return err
	default:
		defer func() {
			if err := pg.Close(); err != nil {
				s.logf("store: %v", err)
			}
		}()
		targets = append(targets, storeTarget{scenario: pgScenario, added: 3 * time.Millisecond, db: pg})
	}
	stores := []*store.Store{nil}
	for _, t := range targets {
		stores = append(stores, t.db.Store)
	}
	writes, queries := s.storeSamples()

	s.logf("store: %d MCP update_client calls and %d Slack creates per store (none, %d), alternating", writes, writes, len(targets))
	updates, err := storebench.MCPUpdates(stores, writes)
	if err != nil {
		return err
	}
	creates, err := storebench.SlackCreates(stores, writes)
	if err != nil {
		return err
	}
	for k, t := range targets {
		s.addWrites(t, "MCP `update_client`", updates[k+1], updates[0])
		s.addWrites(t, "Slack `create` (command core)", creates[k+1], creates[0])
	}

	for _, t := range targets {
		s.logf("store: %s audit query, %d rows for one client", t.db.Driver, historyRows)
		h, err := storebench.History(t.db.Store, historyRows, queries)
		if err != nil {
			return err
		}
		s.logf("store: %d audit rows appended in %s", 2*historyRows+store.DefaultHistoryLimit, stats.Duration(h.Seed))
		what := fmt.Sprintf("`History`, the %d newest of a client with %s audit rows among %s",
			store.DefaultHistoryLimit, stats.Count(historyRows), stats.Count(2*historyRows+store.DefaultHistoryLimit))
		note := fmt.Sprintf("the same query for a client with %d rows", store.DefaultHistoryLimit)
		s.addTime(t.scenario, fmt.Sprintf("%s, p50 (n=%d; target ≤ 10 ms)", what, len(h.Big)), p50(h.Big), p50(h.Small), note+", p50")
		s.addTime(t.scenario, fmt.Sprintf("%s, p99 (n=%d)", what, len(h.Big)), p99(h.Big), p99(h.Small), note+", p99")
	}
	if len(targets) == 1 {
		s.add(pgScenario, storebench.ErrNoPostgres.Error()+" to measure writes and the audit query on PostgreSQL",
			stats.UnitCount, 0, 0, "")
	}
	return nil
}

// addWrites adds the rows of one write on one store: p50 and p99 against the
// same write without a store, and the added median against its target.
func (s *suite) addWrites(t storeTarget, what string, with, without []time.Duration) {
	note := "no store, the writes alternating with these, %s, n=%d"
	s.addTime(t.scenario, fmt.Sprintf("%s with the store, p50 (n=%d)", what, len(with)), p50(with), p50(without),
		fmt.Sprintf(note, "p50", len(without)))
	s.addTime(t.scenario, fmt.Sprintf("%s with the store, p99 (n=%d)", what, len(with)), p99(with), p99(without),
		fmt.Sprintf(note, "p99", len(without)))
	s.addTime(t.scenario, fmt.Sprintf("%s, latency the store adds at p50", what), max(p50(with)-p50(without), 0), t.added,
		"the target of issue 17")
}
