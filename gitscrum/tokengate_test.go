package gitscrum_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// requestsWith counts the requests the emulator received with token.
func requestsWith(srv *emulator.Server, token string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Header.Get("Authorization") == "Bearer "+token {
			n++
		}
	}
	return n
}

// TestRejectedTokenFlood sends 800 calls at once with one bad token, each through its
// own WithToken copy as a server does per request, while a good token's calls run
// beside them. GitScrum sees the bad token once: the first request probes it, the
// others wait for its 401 and fail without a request. The good token is unaffected.
func TestRejectedTokenFlood(t *testing.T) {
	const bad = "bad-token-0a1b2c3d4e5f"
	srv, c, _ := newEnv(t)
	stored := seed(t, srv, "Globex Corporation")
	// Every answer takes a while, so all 800 calls are under way before the 401.
	srv.SetLatency(50 * time.Millisecond)

	var wg sync.WaitGroup
	var badErrs [800]error
	start := make(chan struct{})
	for i := range badErrs {
		wg.Go(func() {
			<-start
			bc := c.WithToken(bad)
			if i%2 == 0 {
				_, badErrs[i] = bc.ListClients(context.Background(), workspace)
			} else {
				_, badErrs[i] = bc.GetClient(context.Background(), workspace, stored.UUID)
			}
		})
	}
	var goodErrs [40]error
	for i := range goodErrs {
		wg.Go(func() {
			<-start
			gc := c.WithToken(emulator.DefaultToken)
			if i%2 == 0 {
				_, goodErrs[i] = gc.ListClients(context.Background(), workspace)
			} else {
				_, goodErrs[i] = gc.GetClient(context.Background(), workspace, stored.UUID)
			}
		})
	}
	close(start)
	gitscrum.AwaitGroup(t, &wg, "the calls did not end")

	assert.Equal(t, 1, requestsWith(srv, bad), "one request probed the bad token; the other 799 never left")
	assert.Equal(t, len(goodErrs), requestsWith(srv, emulator.DefaultToken), "every good call went out")
	for i, err := range goodErrs {
		assert.NoError(t, err, "good call %d", i)
	}
	local := 0
	for i, err := range badErrs {
		e := assertClass(t, err, gitscrum.ErrUnauthorized)
		assert.Equal(t, http.StatusUnauthorized, e.StatusCode, "call %d", i)
		assert.NotContains(t, err.Error(), bad)
		if strings.Contains(e.Message, "rejected this token moments ago") {
			local++
			assert.False(t, e.Sent)
			assert.False(t, e.MayHaveChanged())
		}
	}
	assert.Equal(t, len(badErrs)-1, local, "all but the probe were refused locally")
}

// TestRejectedTokenRemembered checks a rejected token is refused locally with the same
// class and error_code as GitScrum's 401, through every copy of the client, and that a
// client with the memory turned off sends every request.
func TestRejectedTokenRemembered(t *testing.T) {
	const expired = "expired-token-77aa88bb"
	srv, c, _ := newEnv(t)
	srv.AddToken(expired)
	srv.ExpireToken(expired)
	ctx := context.Background()

	var first *gitscrum.Error
	_, err := c.WithToken(expired).ListClients(ctx, workspace)
	require.ErrorAs(t, err, &first)
	assert.True(t, first.TokenExpired())
	assert.True(t, first.Sent)

	for i, call := range []func(*gitscrum.Client) error{
		func(c *gitscrum.Client) error { _, err := c.ListClients(ctx, workspace); return err },
		func(c *gitscrum.Client) error { _, err := c.GetClient(ctx, workspace, "client-abc-123"); return err },
		func(c *gitscrum.Client) error {
			_, err := c.CreateClient(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Initech"})
			return err
		},
		func(c *gitscrum.Client) error {
			_, err := c.UpdateClient(ctx, "client-abc-123", gitscrum.UpdateClientRequest{CompanySlug: workspace, Phone: gitscrum.String("1")})
			return err
		},
	} {
		err := call(c.WithToken(expired))
		e := assertClass(t, err, gitscrum.ErrUnauthorized)
		assert.True(t, e.TokenExpired(), "call %d keeps GitScrum's error_code", i)
		assert.False(t, e.Sent)
		assert.False(t, e.MayHaveChanged())
		assert.True(t, e.SafeToRetry())
		assert.Contains(t, err.Error(), "GitScrum rejected this token moments ago")
		assert.Contains(t, err.Error(), "30s")
		assert.NotContains(t, err.Error(), expired)
	}
	assert.Equal(t, 1, requestsWith(srv, expired))

	// Another token is not affected, nor is the memory shared with another client.
	_, err = c.ListClients(ctx, workspace)
	require.NoError(t, err)
	_, other, _ := newEnv(t)
	_, err = other.WithToken(expired).ListClients(ctx, workspace)
	assertClass(t, err, gitscrum.ErrUnauthorized)

	t.Run("off", func(t *testing.T) {
		srv, c, _ := newEnv(t, gitscrum.WithRejectedTokenTTL(0))
		for range 5 {
			_, err := c.WithToken(expired).ListClients(ctx, workspace)
			e := assertClass(t, err, gitscrum.ErrUnauthorized)
			assert.True(t, e.Sent)
		}
		assert.Equal(t, 5, requestsWith(srv, expired))
	})
}

// TestRejectedTokenTriedAgainAfterTTL checks a rejected token is sent again once its
// time is up: here the token became valid meanwhile, and the call succeeds with the
// second request ever made with it.
func TestRejectedTokenTriedAgainAfterTTL(t *testing.T) {
	const token = "late-token-5566778899"
	srv, c, _ := newEnv(t, gitscrum.WithRejectedTokenTTL(200*time.Millisecond))
	ctx := context.Background()
	_, err := c.WithToken(token).ListClients(ctx, workspace)
	assertClass(t, err, gitscrum.ErrUnauthorized)
	srv.AddToken(token)
	require.Eventually(t, func() bool {
		_, err := c.WithToken(token).ListClients(ctx, workspace)
		return err == nil
	}, 10*time.Second, 20*time.Millisecond, "the token was still refused after its rejection's TTL")
	assert.Equal(t, 2, requestsWith(srv, token), "in between, the token was refused without a request")
}

// TestUnverifiedTokenOneAtATime checks a token GitScrum has not yet accepted has one
// request in flight at a time, and that once accepted its requests run side by side.
// The first answer is a 503, which proves nothing of the token: the next waiting
// request probes it again, and only its 200 lets the others go.
func TestUnverifiedTokenOneAtATime(t *testing.T) {
	srv, _, _ := newEnv(t)
	seed(t, srv, "Globex Corporation")
	srv.SetLatency(20 * time.Millisecond)
	var mu sync.Mutex
	var events []string // "arrive N" and "done N", N counting arrivals from 1
	var sideBySide atomic.Bool
	var inFlight atomic.Int32
	twoIn := make(chan struct{})
	var twoOnce sync.Once
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := 1
		for _, e := range events {
			if strings.HasPrefix(e, "arrive") {
				n++
			}
		}
		events = append(events, fmt.Sprint("arrive ", n))
		mu.Unlock()
		if sideBySide.Load() {
			// Hold each request until a second one is in flight beside it.
			if inFlight.Add(1) >= 2 {
				twoOnce.Do(func() { close(twoIn) })
			}
			select {
			case <-twoIn:
			case <-time.After(10 * time.Second):
			}
		}
		srv.ServeHTTP(w, r)
		mu.Lock()
		events = append(events, fmt.Sprint("done ", n))
		mu.Unlock()
	}))
	t.Cleanup(front.Close)
	c, err := gitscrum.New(gitscrum.WithBaseURL(front.URL), gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithRetryPolicy(fastRetry))
	require.NoError(t, err)
	srv.FailNext(1, http.StatusServiceUnavailable, 0)

	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = c.WithToken(emulator.DefaultToken).ListClients(context.Background(), workspace)
		})
	}
	gitscrum.AwaitGroup(t, &wg, "the calls behind the probes did not end")
	for _, err := range errs {
		assert.NoError(t, err)
	}
	require.Len(t, srv.Requests(), 21, "the 503 probe, the next probe, then the other 19")
	require.Len(t, events, 42)
	assert.Equal(t, []string{"arrive 1", "done 1", "arrive 2", "done 2"}, events[:4],
		"the first request, answered 503, and the second, answered 200, each went alone")

	// Accepted now: its calls run side by side.
	sideBySide.Store(true)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.ListClients(context.Background(), workspace) })
	}
	gitscrum.AwaitGroup(t, &wg, "the calls with the accepted token did not end")
	for _, err := range errs {
		assert.NoError(t, err)
	}
	select {
	case <-twoIn:
	default:
		t.Error("no two requests with the accepted token were in flight at once")
	}
}

// TestWaitForProbeEndsWithContext checks a call waiting for another call's probe of
// the same token gives up when its context ends, with nothing sent.
func TestWaitForProbeEndsWithContext(t *testing.T) {
	srv, c, _ := newEnv(t)
	srv.SetLatency(500 * time.Millisecond)
	probeCtx, cancelProbe := context.WithCancel(context.Background())
	probeDone := make(chan error, 1)
	go func() {
		_, err := c.ListClients(probeCtx, workspace)
		probeDone <- err
	}()
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, 10*time.Second, time.Millisecond, "the probe did not reach GitScrum")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.ListClients(ctx, workspace)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	var e *gitscrum.Error
	require.ErrorAs(t, err, &e)
	assert.False(t, e.Sent)
	assert.Len(t, srv.Requests(), 1)

	cancelProbe()
	require.ErrorIs(t, gitscrum.Receive(t, probeDone, "the probe's caller did not return"), context.Canceled, "the probe's caller gets its own cancellation at once")
	srv.SetLatency(0)
	_, err = c.ListClients(context.Background(), workspace)
	require.NoError(t, err, "the next call waits for the probe's answer, then goes ahead with a token known good")
}

// TestProbeSettlesAfterItsCallerLeft: a flood whose requests disconnect early must
// not cost GitScrum one request per disconnect. The probe's caller leaves before
// GitScrum answers; the probe still learns the 401, and later calls with the token
// are refused without a request.
func TestProbeSettlesAfterItsCallerLeft(t *testing.T) {
	const bad = "bad-token-left-early"
	srv, c, _ := newEnv(t)
	srv.SetLatency(300 * time.Millisecond)
	bc := c.WithToken(bad)
	for range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		_, err := bc.ListClients(ctx, workspace)
		cancel()
		require.Error(t, err)
	}
	require.Eventually(t, func() bool {
		_, err := bc.ListClients(context.Background(), workspace)
		var e *gitscrum.Error
		return errors.As(err, &e) && !e.Sent && e.StatusCode == http.StatusUnauthorized
	}, 10*time.Second, 10*time.Millisecond, "the rejection is remembered")
	assert.Equal(t, 1, requestsWith(srv, bad), "five callers that left early cost GitScrum one request")
}

// rejectedTokenObserver counts attempts and calls refused for a rejected token.
type rejectedTokenObserver struct {
	mu               sync.Mutex
	attempts, locals map[string]int
}

func (o *rejectedTokenObserver) ObserveAttempt(op string, _ int, _ time.Duration, _ bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.attempts[op]++
}

func (o *rejectedTokenObserver) ObserveRejectedToken(op string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.locals[op]++
}

// TestRejectedTokenObserved checks an Observer that implements RejectedTokenObserver
// is told of each call refused locally, and sees no attempt for it.
func TestRejectedTokenObserved(t *testing.T) {
	obs := &rejectedTokenObserver{attempts: map[string]int{}, locals: map[string]int{}}
	_, c, _ := newEnv(t, gitscrum.WithObserver(obs))
	bad := c.WithToken("bad-token-observed-1")
	ctx := context.Background()
	for range 3 {
		_, err := bad.ListClients(ctx, workspace)
		assertClass(t, err, gitscrum.ErrUnauthorized)
	}
	_, err := bad.GetClient(ctx, workspace, "client-abc-123")
	assertClass(t, err, gitscrum.ErrUnauthorized)
	assert.Equal(t, map[string]int{"list_clients": 1}, obs.attempts)
	assert.Equal(t, map[string]int{"list_clients": 2, "get_client": 1}, obs.locals)
}

// TestRejectedTokenAfterUnknownAttempt checks an update whose first attempt may have
// been applied (a 503), and whose retry is then refused locally because GitScrum
// rejected the token meanwhile, still says it may have changed data.
func TestRejectedTokenAfterUnknownAttempt(t *testing.T) {
	srv, _, _ := newEnv(t)
	stored := seed(t, srv, "Globex Corporation")
	firstPut := make(chan struct{})
	rejected := make(chan struct{})
	var puts atomic.Int32
	c := frontClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut && puts.Add(1) == 1:
			close(firstPut)
			select {
			case <-rejected:
			case <-time.After(gitscrum.WaitBound):
			}
			w.WriteHeader(http.StatusServiceUnavailable)
		case r.URL.Path == "/contact-companies/clients":
			w.WriteHeader(http.StatusUnauthorized) // the token was revoked meanwhile
		default:
			srv.ServeHTTP(w, r)
		}
	}))
	ctx := context.Background()
	_, err := c.GetClient(ctx, workspace, stored.UUID)
	require.NoError(t, err, "the token is known good")

	done := make(chan error, 1)
	go func() {
		_, err := c.UpdateClient(ctx, stored.UUID, gitscrum.UpdateClientRequest{CompanySlug: workspace, Phone: gitscrum.String("+1-555-0199")})
		done <- err
	}()
	gitscrum.Receive(t, firstPut, "the first PUT did not reach GitScrum")
	_, err = c.ListClients(ctx, workspace)
	assertClass(t, err, gitscrum.ErrUnauthorized)
	close(rejected)

	err = gitscrum.Receive(t, done, "the update did not end")
	e := assertClass(t, err, gitscrum.ErrUnauthorized)
	assert.Contains(t, e.Message, "rejected this token moments ago")
	assert.True(t, e.MayHaveChanged(), "the first attempt, answered 503, may have been applied")
	assert.Equal(t, int32(1), puts.Load())
}

// TestFirstContact: a token is first contact until GitScrum has answered for it,
// and again never while its verdict is remembered; without the memory every token
// is, and a client without a token never is.
func TestFirstContact(t *testing.T) {
	const bad = "bad-token-first-contact"
	srv, c, url := newEnv(t)
	stored := seed(t, srv, "Globex Corporation")

	good := c.WithToken(emulator.DefaultToken)
	assert.True(t, good.FirstContact(), "no word from GitScrum yet")
	_, err := good.GetClient(context.Background(), workspace, stored.UUID)
	require.NoError(t, err)
	assert.False(t, good.FirstContact(), "accepted moments ago")
	assert.False(t, c.WithToken(emulator.DefaultToken).FirstContact(), "a new copy with the same token")

	rejected := c.WithToken(bad)
	assert.True(t, rejected.FirstContact())
	_, err = rejected.GetClient(context.Background(), workspace, stored.UUID)
	require.ErrorIs(t, err, gitscrum.ErrUnauthorized)
	assert.False(t, rejected.FirstContact(), "rejected moments ago: refused here, nothing goes out")
	assert.True(t, c.WithToken("another-token").FirstContact())
	assert.False(t, c.WithToken("").FirstContact(), "no token, no request")

	off, err := newGitscrumClientAt(url, gitscrum.WithRejectedTokenTTL(0))
	require.NoError(t, err)
	_, err = off.GetClient(context.Background(), workspace, stored.UUID)
	require.NoError(t, err)
	assert.True(t, off.FirstContact(), "without the memory nothing is known")
}

// newGitscrumClientAt returns a client of the emulator at url with the default token.
func newGitscrumClientAt(url string, opts ...gitscrum.Option) (*gitscrum.Client, error) {
	return gitscrum.New(append([]gitscrum.Option{gitscrum.WithBaseURL(url), gitscrum.WithToken(emulator.DefaultToken)}, opts...)...)
}
