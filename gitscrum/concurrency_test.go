package gitscrum_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// TestMaxUpstream: however many calls run at once, through the client and its
// WithToken copies, at most WithMaxUpstream requests are in flight to GitScrum;
// the others wait and are then answered; a call whose context ends while it
// waits fails with nothing sent, and costs GitScrum nothing.
func TestMaxUpstream(t *testing.T) {
	t.Parallel()
	const limit, calls = 4, 30
	emu := emulator.New(emulator.WithDemoData())
	var inFlight, peak, seen atomic.Int64
	released := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		select {
		case <-released:
		case <-r.Context().Done():
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	var once sync.Once
	release := func() { once.Do(func() { close(released) }) }
	t.Cleanup(release)
	c, err := gitscrum.New(gitscrum.WithBaseURL(srv.URL), gitscrum.WithToken("unused"), gitscrum.WithMaxUpstream(limit),
		gitscrum.WithRetryPolicy(gitscrum.NoRetries), gitscrum.WithRejectedTokenTTL(0))
	require.NoError(t, err)
	require.Equal(t, limit, c.MaxUpstream())

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for range calls {
		wg.Go(func() {
			// Each call as one request's own client, as the MCP server makes them.
			_, err := c.WithToken(emulator.DefaultToken).GetClient(ctx, emulator.DemoWorkspace, emulator.DemoAcmeUUID)
			errs <- err
		})
	}
	require.Eventually(t, func() bool { return inFlight.Load() == limit }, 10*time.Second, 5*time.Millisecond,
		"%d requests in flight, want %d", inFlight.Load(), limit)
	require.Eventually(t, func() bool { return c.UpstreamInFlight() == limit }, 10*time.Second, 5*time.Millisecond)

	t.Run("a call whose context ends while waiting sends nothing", func(t *testing.T) {
		before := seen.Load()
		short, stop := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer stop()
		_, err := c.WithToken(emulator.DefaultToken).GetClient(short, emulator.DemoWorkspace, emulator.DemoAcmeUUID)
		var e *gitscrum.Error
		require.True(t, errors.As(err, &e), "got %v", err)
		assert.False(t, e.Sent, "nothing sent")
		assert.Contains(t, e.Error(), "busy")
		assert.Equal(t, before, seen.Load(), "GitScrum saw nothing of it")
	})

	time.Sleep(50 * time.Millisecond) // more requests, if the bound leaked, would reach GitScrum now
	assert.Equal(t, int64(limit), peak.Load(), "requests in flight at once")
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err, "every waiting call is answered")
	}
	assert.Equal(t, int64(limit), peak.Load(), "requests in flight at once, the waiting ones included")
	assert.Zero(t, c.UpstreamInFlight())
}
