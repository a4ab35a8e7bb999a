package receiver

import (
	"context"
	"errors"
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

// Defaults of [Limits].
const (
	// DefaultMaxJobs is how many pieces of background work run at once by default.
	DefaultMaxJobs = 256
	// DefaultJobWait is how long a piece of work may wait for a place to run
	// before the person is told the bot is busy.
	DefaultJobWait = 5 * time.Second
)

// Errors of work that was not run.
var (
	// ErrBusy: every place for background work is taken (running or waiting), or
	// the work waited Limits.Wait for one in vain. The person is told to try again.
	ErrBusy = errors.New("too busy: every place for background work is taken")
	// ErrClosed: Jobs is closed (the bot is shutting down).
	ErrClosed = errors.New("shutting down")
)

// Limits bound the background work of [Jobs]: at most Max pieces run at once,
// and at most Queue more wait for a place, each for at most Wait. Beyond that,
// work is refused at once with [ErrBusy]; so the goroutines, the memory and the
// requests that background work holds are bounded, whatever Slack sends.
type Limits struct {
	// Max is how many pieces of work run at once; default [DefaultMaxJobs].
	Max int
	// Queue is how many more may wait for a place at once; default Max.
	Queue int
	// Wait is how long one may wait for a place; default [DefaultJobWait].
	Wait time.Duration
}

// withDefaults fills in the defaults of l.
func (l Limits) withDefaults() Limits {
	if l.Max <= 0 {
		l.Max = DefaultMaxJobs
	}
	if l.Queue <= 0 {
		l.Queue = l.Max
	}
	if l.Wait <= 0 {
		l.Wait = DefaultJobWait
	}
	return l
}

// Jobs runs the background work of the bot, bounded by [Limits] in number and by
// a timeout each, and drains it at [Jobs.Close]. Every piece of work the bot does
// after (or while) acknowledging a request runs here, whatever the transport:
// commands and view submissions raced against the budget ([Ack]), block actions,
// events, and their follow-ups. It is safe for concurrent use.
type Jobs struct {
	ctx     context.Context
	cancel  context.CancelFunc
	timeout time.Duration
	limits  Limits
	log     *slog.Logger
	// places holds one token per piece of work admitted, running or waiting
	// (Max+Queue); running one per piece running (Max).
	places  chan struct{}
	running chan struct{}

	mu     sync.Mutex // guards closed and wg.Add
	closed bool
	wg     sync.WaitGroup
}

// NewJobs returns Jobs bounded by limits (zero fields take their defaults),
// bounding each piece of work by timeout and logging panics to log.
func NewJobs(timeout time.Duration, limits Limits, log *slog.Logger) *Jobs {
	limits = limits.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	return &Jobs{ctx: ctx, cancel: cancel, timeout: timeout, limits: limits, log: log,
		places: make(chan struct{}, limits.Max+limits.Queue), running: make(chan struct{}, limits.Max)}
}

// Limits returns the bounds of j, defaults filled in.
func (j *Jobs) Limits() Limits { return j.limits }

// Load returns how many pieces of work run now, and how many wait for a place.
func (j *Jobs) Load() (running, waiting int) {
	running = len(j.running)
	return running, max(0, len(j.places)-running)
}

// Context is cancelled when [Jobs.Close] stops waiting: all the work is bound
// to it.
func (j *Jobs) Context() context.Context { return j.ctx }

// Spawn runs work in the background with a context bounded by the timeout. It
// returns [ErrClosed] when Jobs is closed, or [ErrBusy] when every place is
// taken, and then runs nothing: the caller answers the person. A piece of work
// that waited Limits.Wait for a place in vain does not run either: rescue is
// called with an error wrapping ErrBusy. A panic in work is recovered and
// logged, and rescue is called with it (a [*PanicError]). rescue answers the
// person; it is nil when nobody needs answering.
func (j *Jobs) Spawn(name string, work func(ctx context.Context), rescue func(ctx context.Context, err error)) error {
	slot, err := j.Reserve()
	if err == nil {
		slot.Spawn(name, work, rescue)
	}
	return err
}

// Slot is a place reserved for one piece of work: [Jobs.Close] waits for it
// until it is spawned and done, or released.
type Slot struct{ j *Jobs }

// Reserve reserves a place for work to spawn once other checks passed. It
// returns [ErrClosed] when Jobs is closed, or [ErrBusy] when every place is
// taken.
func (j *Jobs) Reserve() (Slot, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return Slot{}, ErrClosed
	}
	select {
	case j.places <- struct{}{}:
	default:
		return Slot{}, fmt.Errorf("%w (%d running, %d waiting)", ErrBusy, j.limits.Max, j.limits.Queue)
	}
	j.wg.Add(1)
	return Slot{j}, nil
}

// Release gives the slot back unused.
func (s Slot) Release() {
	<-s.j.places
	s.j.wg.Done()
}

// Spawn runs work in the slot, as [Jobs.Spawn] does.
func (s Slot) Spawn(name string, work func(ctx context.Context), rescue func(ctx context.Context, err error)) {
	j := s.j
	go func() {
		defer j.wg.Done()
		release := sync.OnceFunc(func() { <-j.places })
		defer release()
		ctx, cancel := context.WithTimeout(j.ctx, j.timeout)
		defer cancel()
		if err := j.start(ctx); err != nil {
			release() // nothing runs: the place is free before the person is answered
			if rescue != nil {
				if rerr := j.run(name+" (answering that it did not run)", func() { rescue(ctx, err) }); rerr != nil {
					j.log.Error("could not answer work that did not run", "listener", name, "error", rerr)
				}
			}
			return
		}
		defer func() { <-j.running }()
		if err := j.run(name, func() { work(ctx) }); err != nil && rescue != nil {
			if rerr := j.run(name+" (answering its panic)", func() { rescue(ctx, err) }); rerr != nil {
				j.log.Error("could not answer after a panic", "listener", name, "error", rerr)
			}
		}
	}()
}

// start takes a place to run, waiting for one at most Limits.Wait. It returns
// an error wrapping ErrBusy when none came in time, or ErrClosed when ctx ended
// first.
func (j *Jobs) start(ctx context.Context) error {
	select {
	case j.running <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(j.limits.Wait)
	defer t.Stop()
	select {
	case j.running <- struct{}{}:
		return nil
	case <-t.C:
		return fmt.Errorf("%w: waited %s for one of the %d places", ErrBusy, j.limits.Wait, j.limits.Max)
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrClosed, ctx.Err())
	}
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
// called with the value once it is ready, in the background. A panic in work,
// or work that waited for a place in vain, gives the value rescue makes of the
// error (a [*PanicError], or one wrapping [ErrBusy]). err is [ErrClosed] or
// [ErrBusy] when nothing was started: the caller answers the person.
func Ack[T any](j *Jobs, name string, budget time.Duration, gone <-chan struct{}, work func(ctx context.Context) T,
	rescue func(err error) T, late func(ctx context.Context, v T)) (v T, inTime bool, err error) {
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
	if err := j.Spawn(name, func(ctx context.Context) { deliver(ctx, work(ctx)) },
		func(ctx context.Context, err error) { deliver(ctx, rescue(err)) }); err != nil {
		return v, false, err
	}
	timer := time.NewTimer(max(0, budget-time.Since(start)))
	defer timer.Stop()
	select {
	case v := <-ready:
		return v, true, nil
	case <-timer.C:
	case <-gone:
	}
	mu.Lock()
	defer mu.Unlock()
	select {
	case v := <-ready: // ready while the timer fired
		return v, true, nil
	default:
	}
	given = true
	return v, false, nil
}
