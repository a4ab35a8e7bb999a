package receiver

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
)

// PanicError is a panic recovered from the App or from background work.
type PanicError struct {
	// Name says what panicked: a listener, a subcommand, a request kind.
	Name string
	// Value is what was passed to panic.
	Value any
}

// Error names what panicked and with what.
func (e *PanicError) Error() string { return fmt.Sprintf("slackbot: %s panicked: %v", e.Name, e.Value) }

// Is makes a PanicError match outcome.ErrPanic: its outcome is internal_error.
func (e *PanicError) Is(target error) bool { return target == outcome.ErrPanic }

// recovered logs a recovered panic p of name with its stack, with the outcome
// word of a bug, and returns it as an error.
func recovered(log *slog.Logger, name string, p any) error {
	log.Error("panic recovered", "listener", name, "outcome", outcome.InternalError, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	return &PanicError{Name: name, Value: p}
}

// Jobs runs the background work of the bot, bounded by a timeout each, and
// drains it at [Jobs.Close]. It is safe for concurrent use.
type Jobs struct {
	ctx     context.Context
	cancel  context.CancelFunc
	timeout time.Duration
	log     *slog.Logger

	mu     sync.Mutex // guards closed and wg.Add
	closed bool
	wg     sync.WaitGroup
}

// NewJobs returns Jobs bounding each piece of work by timeout, logging panics to
// log.
func NewJobs(timeout time.Duration, log *slog.Logger) *Jobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &Jobs{ctx: ctx, cancel: cancel, timeout: timeout, log: log}
}

// Context is cancelled when [Jobs.Close] stops waiting: all the work is bound
// to it.
func (j *Jobs) Context() context.Context { return j.ctx }

// Spawn runs work in the background with a context bounded by the timeout,
// unless Jobs is closed (then it returns false and runs nothing). A panic in
// work is recovered and logged, and rescue is called with it (a [*PanicError])
// to answer the person; rescue is nil when nobody needs answering.
func (j *Jobs) Spawn(name string, work func(ctx context.Context), rescue func(ctx context.Context, err error)) bool {
	slot, ok := j.Reserve()
	if ok {
		slot.Spawn(name, work, rescue)
	}
	return ok
}

// Slot is a place reserved for one piece of work: [Jobs.Close] waits for it
// until it is spawned and done, or released.
type Slot struct{ j *Jobs }

// Reserve reserves a slot for work to spawn once other checks passed, unless
// Jobs is closed.
func (j *Jobs) Reserve() (Slot, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return Slot{}, false
	}
	j.wg.Add(1)
	return Slot{j}, true
}

// Release gives the slot back unused.
func (s Slot) Release() { s.j.wg.Done() }

// Spawn runs work in the slot, as [Jobs.Spawn] does.
func (s Slot) Spawn(name string, work func(ctx context.Context), rescue func(ctx context.Context, err error)) {
	j := s.j
	go func() {
		defer j.wg.Done()
		ctx, cancel := context.WithTimeout(j.ctx, j.timeout)
		defer cancel()
		if err := j.run(name, func() { work(ctx) }); err != nil && rescue != nil {
			if rerr := j.run(name+" (answering its panic)", func() { rescue(ctx, err) }); rerr != nil {
				j.log.Error("could not answer after a panic", "listener", name, "error", rerr)
			}
		}
	}()
}

// run calls f and returns the panic it recovered, or nil.
func (j *Jobs) run(name string, f func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = recovered(j.log, name, p)
		}
	}()
	f()
	return nil
}

// Close stops taking work and waits for the work in flight until ctx is done;
// then it cancels the work's context, waits for it to end, and returns ctx's
// error.
func (j *Jobs) Close(ctx context.Context) error {
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
	done := make(chan struct{})
	go func() {
		j.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		j.cancel()
		return nil
	case <-ctx.Done():
		j.cancel() // everything in flight is bound to j.ctx and ends promptly
		<-done
		return ctx.Err()
	}
}

// Ack races work against Slack's budget for an acknowledgement, for every kind
// of request: work runs in the background (see [Jobs.Spawn]); when it returns
// within budget, before gone closes (nil never does), Ack returns its value and
// inTime. Otherwise Ack returns at the budget with inTime false, and late is
// called with the value once it is ready, in the background. A panic in work
// gives the value rescue makes of it. started is false when Jobs is closed:
// nothing ran.
func Ack[T any](j *Jobs, name string, budget time.Duration, gone <-chan struct{}, work func(ctx context.Context) T,
	rescue func(err error) T, late func(ctx context.Context, v T)) (v T, inTime, started bool) {
	var (
		mu      sync.Mutex // guards given
		given   bool       // set when Ack returned without the value
		ready   = make(chan T, 1)
		deliver = func(ctx context.Context, v T) {
			mu.Lock()
			if !given {
				ready <- v
				mu.Unlock()
				return
			}
			mu.Unlock()
			late(ctx, v)
		}
	)
	start := time.Now()
	if !j.Spawn(name, func(ctx context.Context) { deliver(ctx, work(ctx)) },
		func(ctx context.Context, err error) { deliver(ctx, rescue(err)) }) {
		return v, false, false
	}
	timer := time.NewTimer(max(0, budget-time.Since(start)))
	defer timer.Stop()
	select {
	case v := <-ready:
		return v, true, true
	case <-timer.C:
	case <-gone:
	}
	mu.Lock()
	defer mu.Unlock()
	select {
	case v := <-ready: // ready while the timer fired
		return v, true, true
	default:
	}
	given = true
	return v, false, true
}
