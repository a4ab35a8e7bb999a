package emulator_test

import (
	"sync"
	"testing"
	"time"
)

// awaitGroup waits for wg and fails t with msg when it has not finished within ten
// seconds, rather than hang until go test's own timeout.
func awaitGroup(t testing.TB, wg *sync.WaitGroup, msg string) {
	t.Helper()
	const bound = 10 * time.Second
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(bound):
		t.Fatalf("waited %v: %s", bound, msg)
	}
}
