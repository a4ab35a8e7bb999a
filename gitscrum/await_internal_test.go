package gitscrum

import (
	"context"
	"sync"
	"testing"
	"time"
)

// WaitBound is how long a test waits for something that should take milliseconds
// before it fails with a message, rather than hang until go test's own timeout.
const WaitBound = 10 * time.Second

// AwaitGroup waits for wg and fails t with msg when it has not finished within
// WaitBound. It is exported for the gitscrum_test package's tests, as export_test.go
// does.
func AwaitGroup(t testing.TB, wg *sync.WaitGroup, msg string) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(WaitBound):
		t.Fatalf("waited %v: %s", WaitBound, msg)
	}
}

// Receive returns the next value from ch and fails t with msg when none comes
// within WaitBound.
func Receive[T any](t testing.TB, ch <-chan T, msg string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(WaitBound):
		t.Fatalf("waited %v: %s", WaitBound, msg)
	}
	var zero T
	return zero
}

// BoundedContext returns a context that ends WaitBound from now (or with the test),
// for a call that waits on something else, such as admit on another call's probe:
// a wait that never ends then fails as the context's error, not as a hung test.
func BoundedContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), WaitBound)
	t.Cleanup(cancel)
	return ctx
}
