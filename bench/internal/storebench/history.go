package storebench

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// The workspace and clients of the audit rows History writes.
const (
	historyWorkspace = "storebench"
	bigClient        = "c-bench-big"
	smallClient      = "c-bench-small"
)

// seeders is how many goroutines append the audit rows.
const seeders = 4

// HistoryResult is the audit query of one store.
type HistoryResult struct {
	// Big are the sorted durations of History (the default 20 newest) for the
	// client with many rows.
	Big []time.Duration
	// Small are those of the same query for a client with exactly
	// store.DefaultHistoryLimit rows, alternating with Big.
	Small []time.Duration
	// Seed is how long appending every row took.
	Seed time.Duration
}

// History appends rows audit entries for one client, as many for other clients
// of the same workspace, and store.DefaultHistoryLimit for a small client, then
// asks for the default history of the big and of the small client reps times
// each, alternating.
func History(st *store.Store, rows, reps int) (HistoryResult, error) {
	ctx := context.Background()
	base := time.Now().Add(-24 * time.Hour)
	jobs := make(chan int)
	errs := make(chan error, seeders)
	var wg sync.WaitGroup
	t0 := time.Now()
	for range seeders {
		wg.Go(func() {
			for i := range jobs {
				uuid := bigClient // the even indexes below 2*rows
				switch {
				case i >= 2*rows:
					uuid = smallClient
				case i%2 == 1:
					uuid = "c-other-" + strconv.Itoa(i)
				}
				if err := st.Append(ctx, entry(uuid, base.Add(time.Duration(i)*time.Millisecond))); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	total := 2*rows + store.DefaultHistoryLimit
	var seedErr error
feed:
	for i := range total {
		select {
		case jobs <- i:
		case seedErr = <-errs:
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	if seedErr == nil {
		seedErr = <-errs
	}
	if seedErr != nil {
		return HistoryResult{}, fmt.Errorf("appending audit rows: %w", seedErr)
	}
	res := HistoryResult{Seed: time.Since(t0)}
	for range reps {
		for _, q := range []struct {
			uuid string
			out  *[]time.Duration
		}{{bigClient, &res.Big}, {smallClient, &res.Small}} {
			ctx, cancel := context.WithTimeout(ctx, callTimeout)
			t := time.Now()
			got, err := st.History(ctx, historyWorkspace, q.uuid, store.DefaultHistoryLimit)
			took := time.Since(t)
			cancel()
			if err != nil {
				return HistoryResult{}, fmt.Errorf("history of %s: %w", q.uuid, err)
			}
			if len(got) != store.DefaultHistoryLimit {
				return HistoryResult{}, fmt.Errorf("history of %s: %d entries, want %d", q.uuid, len(got), store.DefaultHistoryLimit)
			}
			*q.out = append(*q.out, took)
		}
	}
	res.Big, res.Small = stats.Sorted(res.Big), stats.Sorted(res.Small)
	return res, nil
}

// entry is one audit row of a Slack update of a client's email.
func entry(uuid string, when time.Time) store.Entry {
	return store.Entry{
		When: when, Surface: store.SurfaceSlack, Actor: store.SlackActor("T0BENCH01", writer),
		Workspace: historyWorkspace, ClientUUID: uuid, ClientName: "Bench Co " + uuid,
		Changes: []store.Change{{Field: "email", Before: "old@bench.example", After: "new@bench.example"}},
		Outcome: "ok",
	}
}
