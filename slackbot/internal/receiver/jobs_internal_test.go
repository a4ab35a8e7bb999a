package receiver

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJobsBounded: at most Max pieces of work run at once and Queue more wait;
// one more is refused at once with ErrBusy; a waiting piece runs when a place
// frees within Wait, and is answered busy (rescue with ErrBusy, work not run)
// when none frees in time. Ack refuses with ErrBusy too.
func TestJobsBounded(t *testing.T) {
	t.Parallel()
	j := NewJobs(time.Minute, Limits{Max: 2, Queue: 2, Wait: 2 * time.Second}, slog.New(slog.DiscardHandler))
	hold := make(chan struct{})
	release := sync.OnceFunc(func() { close(hold) })
	t.Cleanup(func() {
		release() // a failed test must not leave its work blocked, nor Close waiting for it
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = j.Close(ctx)
	})
	ran := make(chan string, 10)
	rescued := make(chan error, 10)
	waitingAtRescue := make(chan int, 10)
	spawn := func(name string, block bool) error {
		return j.Spawn(name, func(context.Context) {
			ran <- name
			if block {
				<-hold
			}
		}, func(_ context.Context, err error) {
			_, waiting := j.Load()
			waitingAtRescue <- waiting
			rescued <- err
		})
	}
	require.NoError(t, spawn("run 1", true))
	require.NoError(t, spawn("run 2", true))
	for range 2 {
		select {
		case <-ran:
		case <-time.After(10 * time.Second):
			require.FailNow(t, "the first two did not start within 10 s")
		}
	}
	require.NoError(t, spawn("wait 1", false), "Queue places wait")
	require.NoError(t, spawn("wait 2", false))
	running, waiting := j.Load()
	assert.Equal(t, 2, running)
	assert.Equal(t, 2, waiting)
	err := spawn("refused", false)
	require.ErrorIs(t, err, ErrBusy, "beyond Max+Queue: refused at once")
	_, _, err = Ack(j, "ack", time.Second, nil, func(context.Context) int { return 1 }, func(error) int { return 0 }, func(context.Context, int) {})
	require.ErrorIs(t, err, ErrBusy, "Ack is bounded by the same places")

	// Nothing frees within Wait: both waiting pieces are answered busy, unrun.
	for range 2 {
		select {
		case err := <-rescued:
			require.ErrorIs(t, err, ErrBusy)
		case <-time.After(10 * time.Second):
			require.FailNow(t, "a waiting piece was not answered within 10 s")
		}
	}
	select {
	case name := <-ran:
		require.FailNow(t, "a piece ran beyond the bound", name)
	default:
	}
	// Each gave its place back before it was answered: the later answer saw none waiting.
	assert.Zero(t, min(<-waitingAtRescue, <-waitingAtRescue), "a piece answered busy still held its place")

	// A place frees within Wait: the waiting piece runs.
	require.NoError(t, spawn("wait 3", false))
	time.Sleep(100 * time.Millisecond) // it waits, well within Wait
	release()
	select {
	case name := <-ran:
		assert.Equal(t, "wait 3", name)
	case err := <-rescued:
		require.FailNow(t, "answered instead of run", err)
	case <-time.After(10 * time.Second):
		require.FailNow(t, "the waiting piece did not run within 10 s of a place freeing")
	}
}

// TestJobsClosed: a closed Jobs refuses work with ErrClosed, not ErrBusy.
func TestJobsClosed(t *testing.T) {
	t.Parallel()
	j := NewJobs(time.Minute, Limits{}, slog.New(slog.DiscardHandler))
	require.NoError(t, j.Close(context.Background()))
	err := j.Spawn("late", func(context.Context) {}, nil)
	require.ErrorIs(t, err, ErrClosed)
	assert.False(t, errors.Is(err, ErrBusy))
	assert.Equal(t, Limits{Max: DefaultMaxJobs, Queue: DefaultMaxJobs, Wait: DefaultJobWait}, j.Limits(), "defaults")
}
