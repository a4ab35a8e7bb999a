package gitscrum_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// TestRetries checks which failures are retried and that the emulator sees exactly
// the expected number of requests.
func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		fail      func(srv interface{ FailNext(int, int, time.Duration) })
		drop      int
		op        string
		wantCalls int
		wantErr   error
	}{
		{name: "GET 503 twice then ok", op: "get", fail: failN(2, 503), wantCalls: 3},
		{name: "GET 502 three times", op: "get", fail: failN(3, 502), wantCalls: 3, wantErr: gitscrum.ErrUnavailable},
		{name: "GET 504 once", op: "list", fail: failN(1, 504), wantCalls: 2},
		{name: "GET 429 once", op: "list", fail: failN(1, 429), wantCalls: 2},
		{name: "GET 500 is not retried", op: "get", fail: failN(1, 500), wantCalls: 1, wantErr: gitscrum.ErrUnavailable},
		{name: "GET 404 is not retried", op: "missing", wantCalls: 1, wantErr: gitscrum.ErrNotFound},
		{name: "PUT 503 once", op: "update", fail: failN(1, 503), wantCalls: 2},
		{name: "PUT 429 twice", op: "update", fail: failN(2, 429), wantCalls: 3},
		{name: "POST 503 sent once", op: "create", fail: failN(1, 503), wantCalls: 1, wantErr: gitscrum.ErrUnavailable},
		{name: "POST 429 sent once", op: "create", fail: failN(1, 429), wantCalls: 1, wantErr: gitscrum.ErrRateLimited},
		{name: "POST 502 sent once", op: "create", fail: failN(1, 502), wantCalls: 1, wantErr: gitscrum.ErrUnavailable},
		{name: "POST dropped sent once", op: "create", drop: 1, wantCalls: 1, wantErr: gitscrum.ErrUnavailable},
		{name: "GET dropped then ok", op: "get", drop: 1, wantCalls: 2},
		{name: "PUT dropped then ok", op: "update", drop: 2, wantCalls: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _ := newEnv(t)
			existing := seed(t, srv, "Acme Corp")
			if tt.fail != nil {
				tt.fail(srv)
			}
			if tt.drop > 0 {
				srv.DropNext(tt.drop)
			}
			ctx := context.Background()
			var err error
			switch tt.op {
			case "get":
				_, err = c.GetClient(ctx, workspace, existing.UUID)
			case "missing":
				_, err = c.GetClient(ctx, workspace, "no-such-client")
			case "list":
				_, err = c.ListClients(ctx, workspace)
			case "update":
				_, err = c.UpdateClient(ctx, existing.UUID, gitscrum.UpdateClientRequest{CompanySlug: workspace, Notes: gitscrum.String("x")})
			case "create":
				_, err = c.CreateClient(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Globex"})
			}
			assert.Len(t, srv.Requests(), tt.wantCalls)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			if tt.op == "create" {
				var e *gitscrum.Error
				require.ErrorAs(t, err, &e)
				assert.True(t, e.Sent, "a create that reached the server is marked sent")
				assert.Equal(t, e.StatusCode == http.StatusTooManyRequests, e.SafeToRetry(),
					"only a create GitScrum refused (429) is known to have created nothing")
				assert.Len(t, srv.Clients(workspace), 1, "no client was created")
			}
		})
	}
}

func failN(n, status int) func(srv interface{ FailNext(int, int, time.Duration) }) {
	return func(srv interface{ FailNext(int, int, time.Duration) }) { srv.FailNext(n, status, 0) }
}

// TestRetryAfterHonoured checks a Retry-After in seconds is waited for.
func TestRetryAfterHonoured(t *testing.T) {
	srv, c, _ := newEnv(t)
	srv.FailNext(1, http.StatusTooManyRequests, time.Second)
	start := time.Now()
	_, err := c.ListClients(context.Background(), workspace)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), time.Second)
	assert.Len(t, srv.Requests(), 2)
}

// TestRetryAfterBeyondCapOrDeadline checks a Retry-After past the policy's cap, or past
// the context's deadline, is not waited for: the 429 comes back at once. The cap is
// tested apart from any deadline too.
func TestRetryAfterBeyondCapOrDeadline(t *testing.T) {
	t.Run("cap", func(t *testing.T) {
		srv, c, _ := newEnv(t)
		srv.FailNext(1, http.StatusTooManyRequests, 60*time.Second)
		start := time.Now()
		_, err := c.ListClients(context.Background(), workspace)
		e := assertClass(t, err, gitscrum.ErrRateLimited)
		assert.Equal(t, 60*time.Second, e.RetryAfter)
		assert.Less(t, time.Since(start), time.Second)
		assert.Len(t, srv.Requests(), 1)
	})
	// The cap alone: a 5 s Retry-After under fastRetry's 3 s cap, with the deadline an
	// hour away or none at all (the client's own timeout is an hour). Were the cap not
	// applied, the client would wait the 5 s out and retry, and the retry would succeed:
	// one request and the 429 prove it gave up without waiting.
	for _, tt := range []struct {
		name   string
		status int
		ctx    func() (context.Context, context.CancelFunc)
	}{
		{"cap with no deadline, 429", http.StatusTooManyRequests, func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}},
		{"cap with a far deadline, 429", http.StatusTooManyRequests, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), time.Hour)
		}},
		{"cap with a far deadline, 503", http.StatusServiceUnavailable, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), time.Hour)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, 3*time.Second, fastRetry.MaxRetryAfter)
			srv, c, _ := newEnv(t, gitscrum.WithTimeout(time.Hour))
			seed(t, srv, "Globex")
			srv.FailNext(1, tt.status, 5*time.Second)
			ctx, cancel := tt.ctx()
			defer cancel()
			got, err := c.ListClients(ctx, workspace)
			assert.Nil(t, got)
			want := gitscrum.ErrRateLimited
			if tt.status != http.StatusTooManyRequests {
				want = gitscrum.ErrUnavailable
			}
			e := assertClass(t, err, want)
			assert.Equal(t, 5*time.Second, e.RetryAfter)
			assert.Len(t, srv.Requests(), 1, "the Retry-After beyond the cap was not waited for, nor retried")
		})
	}
	t.Run("deadline", func(t *testing.T) {
		srv, c, _ := newEnv(t)
		srv.FailNext(1, http.StatusServiceUnavailable, 2*time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.ListClients(ctx, workspace)
		assertClass(t, err, gitscrum.ErrUnavailable)
		assert.Less(t, time.Since(start), 400*time.Millisecond)
		assert.Len(t, srv.Requests(), 1)
	})
}

// TestPostRetriedOnlyWhenNeverSent checks a create against a closed port is retried
// (the connection never opened, so nothing can have been created) and reports that.
func TestPostRetriedOnlyWhenNeverSent(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	var attempts int
	obs := observerFunc(func(op string, status int, _ time.Duration, _ bool) { attempts++ })
	c, err := gitscrum.New(gitscrum.WithBaseURL("http://"+addr), gitscrum.WithToken("t"), gitscrum.WithRetryPolicy(fastRetry), gitscrum.WithObserver(obs))
	require.NoError(t, err)
	_, err = c.CreateClient(context.Background(), gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Globex"})
	e := assertClass(t, err, gitscrum.ErrUnavailable)
	assert.False(t, e.Sent)
	assert.True(t, e.SafeToRetry())
	assert.Equal(t, 3, attempts)
	assert.Contains(t, err.Error(), "could not connect")
}

type observerFunc func(op string, status int, d time.Duration, retry bool)

func (f observerFunc) ObserveAttempt(op string, status int, d time.Duration, retry bool) {
	f(op, status, d, retry)
}

// TestContextCancellation checks a call returns promptly when its context is
// canceled, with context.Canceled in the chain.
func TestContextCancellation(t *testing.T) {
	srv, c, _ := newEnv(t)
	srv.SetLatency(5 * time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.ListClients(ctx, workspace)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
	assertClass(t, err, gitscrum.ErrCanceled)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Len(t, srv.Requests(), 1, "a canceled call is not retried")
}

// TestDefaultTimeout checks a call without a deadline is bounded by WithTimeout.
func TestDefaultTimeout(t *testing.T) {
	srv, c, _ := newEnv(t, gitscrum.WithTimeout(100*time.Millisecond))
	srv.SetLatency(5 * time.Second)
	start := time.Now()
	_, err := c.ListClients(context.Background(), workspace)
	e := assertClass(t, err, gitscrum.ErrUnavailable)
	assert.Contains(t, e.Message, "did not answer in time")
	assert.Less(t, time.Since(start), 2*time.Second)
}

// TestMayHaveChanged checks what a failed write tells about GitScrum's state,
// including an update whose last attempt was refused after an earlier attempt's
// answer was lost.
func TestMayHaveChanged(t *testing.T) {
	tests := []struct {
		name        string
		op          string
		setup       func(srv *emulator.Server)
		mayChange   bool
		safeToRetry bool
	}{
		{name: "read", op: "get", setup: func(s *emulator.Server) { s.FailNext(3, 503, 0) }, mayChange: false, safeToRetry: true},
		{name: "create refused 422", op: "create-invalid", mayChange: false, safeToRetry: true},
		{name: "create 429", op: "create", setup: func(s *emulator.Server) { s.FailNext(1, 429, 0) }, mayChange: false, safeToRetry: true},
		{name: "create 503", op: "create", setup: func(s *emulator.Server) { s.FailNext(1, 503, 0) }, mayChange: true, safeToRetry: false},
		{name: "create answer lost", op: "create", setup: func(s *emulator.Server) { s.DropNext(1) }, mayChange: true, safeToRetry: false},
		{name: "update 429 throughout", op: "update", setup: func(s *emulator.Server) { s.FailNext(3, 429, 0) }, mayChange: false, safeToRetry: true},
		{name: "update 503 throughout", op: "update", setup: func(s *emulator.Server) { s.FailNext(3, 503, 0) }, mayChange: true, safeToRetry: true},
		{name: "update answer lost, then 429", op: "update", setup: func(s *emulator.Server) { s.DropNext(1); s.FailNext(2, 429, 0) }, mayChange: true, safeToRetry: true},
		{name: "update refused 422", op: "update-invalid", mayChange: false, safeToRetry: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _ := newEnv(t)
			existing := seed(t, srv, "Acme Corp")
			if tt.setup != nil {
				tt.setup(srv)
			}
			ctx := context.Background()
			var err error
			switch tt.op {
			case "get":
				_, err = c.GetClient(ctx, workspace, existing.UUID)
			case "create":
				_, err = c.CreateClient(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Globex"})
			case "create-invalid":
				_, err = c.CreateClient(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Globex", Address: strings.Repeat("x", 1001)})
			case "update":
				_, err = c.UpdateClient(ctx, existing.UUID, gitscrum.UpdateClientRequest{CompanySlug: workspace, Notes: gitscrum.String("x")})
			case "update-invalid":
				_, err = c.UpdateClient(ctx, existing.UUID, gitscrum.UpdateClientRequest{CompanySlug: workspace, Address: gitscrum.String(strings.Repeat("x", 1001))})
			}
			var e *gitscrum.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.mayChange, e.MayHaveChanged(), "MayHaveChanged")
			assert.Equal(t, tt.safeToRetry, e.SafeToRetry(), "SafeToRetry")
		})
	}
}
