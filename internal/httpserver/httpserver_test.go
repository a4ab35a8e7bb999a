package httpserver_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
)

func TestForSlowest(t *testing.T) {
	l := httpserver.ForSlowest(30 * time.Second)
	assert.Equal(t, 30*time.Second+httpserver.WriteMargin, l.WriteTimeout)
	assert.Equal(t, httpserver.WriteMargin, httpserver.ForSlowest(-time.Second).WriteTimeout)

	srv := l.Server(http.NotFoundHandler(), nil)
	assert.Equal(t, httpserver.ReadHeaderTimeout, srv.ReadHeaderTimeout)
	assert.Equal(t, httpserver.ReadTimeout, srv.ReadTimeout)
	assert.Equal(t, l.WriteTimeout, srv.WriteTimeout)
	assert.Equal(t, httpserver.IdleTimeout, srv.IdleTimeout)
	assert.Equal(t, httpserver.MaxHeaderBytes, srv.MaxHeaderBytes)
	assert.NotNil(t, srv.ErrorLog)
}

// start runs h under Run on a loopback port and returns its URL, the function that
// stops it, and the channel Run's result arrives on.
func start(t *testing.T, h http.Handler, grace time.Duration) (string, context.CancelFunc, <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done := make(chan error, 1)
	go func() { done <- httpserver.Run(ctx, ln, httpserver.ForSlowest(time.Second).Server(h, nil), grace, nil) }()
	return "http://" + ln.Addr().String(), cancel, done
}

func wait(t *testing.T, done <-chan error, within time.Duration) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(within):
		t.Fatalf("Run did not return within %s", within)
	}
	return nil
}

// TestRunDrains: a request in flight when the context ends is answered, then Run
// returns nil and the port is closed.
func TestRunDrains(t *testing.T) {
	inside := make(chan struct{})
	url, stop, done := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inside)
		time.Sleep(200 * time.Millisecond)
		_, _ = io.WriteString(w, "finished")
	}), 5*time.Second)

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			got <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-inside
	stop()
	assert.Equal(t, "finished", <-got)
	require.NoError(t, wait(t, done, 5*time.Second))
	_, err := http.Get(url)
	assert.Error(t, err, "no new connections after the stop")
}

// TestRunBoundsTheDrain: a request that outlives the grace period is cut: its
// context is canceled and Run returns soon after the grace period.
func TestRunBoundsTheDrain(t *testing.T) {
	inside := make(chan struct{})
	canceled := make(chan struct{})
	url, stop, done := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inside)
		select {
		case <-r.Context().Done():
			close(canceled)
		case <-time.After(time.Minute):
		}
	}), 200*time.Millisecond)

	go func() {
		if resp, err := http.Get(url); err == nil {
			_ = resp.Body.Close()
		}
	}()
	<-inside
	began := time.Now()
	stop()
	require.NoError(t, wait(t, done, 5*time.Second))
	assert.Less(t, time.Since(began), 2*time.Second)
	select {
	case <-canceled:
	case <-time.After(5 * time.Second):
		t.Fatal("the cut request's context was not canceled")
	}
}

// TestMaxHeaderBytes: headers over the bound get 431 before any handler runs.
func TestMaxHeaderBytes(t *testing.T) {
	var called atomic.Bool
	url, _, _ := start(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called.Store(true) }), time.Second)
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("X-Big", strings.Repeat("x", 2*httpserver.MaxHeaderBytes))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
	assert.False(t, called.Load())
}

// TestRunServeError: a listener that fails makes Run return an error at once.
func TestRunServeError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, ln.Close())
	err = httpserver.Run(context.Background(), ln, httpserver.ForSlowest(0).Server(http.NotFoundHandler(), nil), time.Second, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "serve http on")
	assert.False(t, errors.Is(err, http.ErrServerClosed))
}
