package gitscrum_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// TestResolveClient covers the ways a reference resolves, against the demo data.
func TestResolveClient(t *testing.T) {
	srv := emulator.New(emulator.WithDemoData())
	c, err := gitscrum.New(gitscrum.WithBaseURL(newServer(t, srv)), gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithRetryPolicy(fastRetry))
	require.NoError(t, err)
	ctx := context.Background()
	ws := emulator.DemoWorkspace

	t.Run("uuid is fetched directly", func(t *testing.T) {
		srv.ResetRequests()
		got, err := c.ResolveClient(ctx, ws, emulator.DemoAcmeUUID)
		require.NoError(t, err)
		assert.Equal(t, "Acme Corp", got.Name)
		reqs := srv.Requests()
		require.Len(t, reqs, 1)
		assert.Equal(t, "/contact-companies/"+emulator.DemoAcmeUUID, reqs[0].Path)
	})
	t.Run("unique name, accent-insensitive", func(t *testing.T) {
		got, err := c.ResolveClient(ctx, ws, "zurich")
		require.NoError(t, err)
		assert.Contains(t, got.Name, "Zürich")
	})
	t.Run("exact name beats prefix", func(t *testing.T) {
		got, err := c.ResolveClient(ctx, ws, "acme corp")
		require.NoError(t, err)
		assert.Equal(t, emulator.DemoAcmeUUID, got.UUID)
	})
	t.Run("ambiguous lists candidates", func(t *testing.T) {
		_, err := c.ResolveClient(ctx, ws, "acme")
		require.ErrorIs(t, err, gitscrum.ErrAmbiguous)
		var re *gitscrum.ResolveError
		require.ErrorAs(t, err, &re)
		assert.GreaterOrEqual(t, len(re.Candidates), 2)
		assert.Contains(t, err.Error(), emulator.DemoAcmeUUID)
	})
	t.Run("unknown suggests", func(t *testing.T) {
		_, err := c.ResolveClient(ctx, ws, "globx")
		require.ErrorIs(t, err, gitscrum.ErrNotFound)
		var re *gitscrum.ResolveError
		require.ErrorAs(t, err, &re)
		assert.Contains(t, re.Suggestions, "Globex Corporation")
	})
	t.Run("unknown uuid", func(t *testing.T) {
		_, err := c.ResolveClient(ctx, ws, "00000000-0000-4000-8000-000000000000")
		require.ErrorIs(t, err, gitscrum.ErrNotFound)
	})
	t.Run("unknown workspace is not a missing client", func(t *testing.T) {
		_, err := c.ResolveClient(ctx, "nowhere", emulator.DemoAcmeUUID)
		var e *gitscrum.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "WORKSPACE_NOT_FOUND", e.Code)
	})
}

// TestCreateClientIfNew checks the duplicate guard: a second identical create is
// refused with the existing record, and the emulator saw exactly one POST.
func TestCreateClientIfNew(t *testing.T) {
	srv, c, _ := newEnv(t)
	ctx := context.Background()
	req := gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Globex Corporation", Email: "contact@globex.com"}
	first, err := c.CreateClientIfNew(ctx, req, false)
	require.NoError(t, err)

	for _, again := range []gitscrum.CreateClientRequest{
		req,
		{CompanySlug: workspace, Name: "GLOBEX  corporation."},
		{CompanySlug: workspace, Name: "Other name", Email: "Contact@Globex.com"},
	} {
		_, err = c.CreateClientIfNew(ctx, again, false)
		require.ErrorIs(t, err, gitscrum.ErrDuplicate)
		var de *gitscrum.DuplicateError
		require.True(t, errors.As(err, &de))
		require.Len(t, de.Existing, 1)
		assert.Equal(t, first.UUID, de.Existing[0].UUID)
	}
	posts := 0
	for _, r := range srv.Requests() {
		if r.Method == "POST" {
			posts++
		}
	}
	assert.Equal(t, 1, posts)
	assert.Len(t, srv.Clients(workspace), 1)

	_, err = c.CreateClientIfNew(ctx, req, true)
	require.NoError(t, err)
	assert.Len(t, srv.Clients(workspace), 2, "allowDuplicate creates anyway")
}

// TestCreateClientIfNewConcurrent fires the same create from several goroutines at
// once (as a model calling tools in parallel would): exactly one client is created,
// the others are refused as duplicates of it, and GitScrum saw one POST.
func TestCreateClientIfNewConcurrent(t *testing.T) {
	srv, c, _ := newEnv(t)
	srv.SetLatency(20 * time.Millisecond)
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Every other caller acts with a WithToken copy: copies share the locks.
			cc := c
			if i%2 == 1 {
				cc = c.WithToken(emulator.DefaultToken)
			}
			name := "Globex Corporation"
			if i%3 == 2 {
				name = "GLOBEX corporation."
			}
			_, errs[i] = cc.CreateClientIfNew(context.Background(), gitscrum.CreateClientRequest{CompanySlug: workspace, Name: name}, false)
		}()
	}
	gitscrum.AwaitGroup(t, &wg, "the concurrent creates did not end")
	created := 0
	for _, err := range errs {
		if err == nil {
			created++
			continue
		}
		require.ErrorIs(t, err, gitscrum.ErrDuplicate)
	}
	assert.Equal(t, 1, created)
	assert.Len(t, srv.Clients(workspace), 1)
	posts := 0
	for _, r := range srv.Requests() {
		if r.Method == "POST" {
			posts++
		}
	}
	assert.Equal(t, 1, posts)
}

// TestCreateClientIfNewWaitEndsWithContext checks a create waiting behind another
// create of the same client gives up when its context ends, having sent nothing.
func TestCreateClientIfNewWaitEndsWithContext(t *testing.T) {
	srv, c, _ := newEnv(t)
	srv.SetLatency(300 * time.Millisecond)
	req := gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Initech", Email: "tps@initech.example"}
	first := make(chan error, 1)
	go func() { _, err := c.CreateClientIfNew(context.Background(), req, false); first <- err }()
	require.Eventually(t, func() bool { return len(srv.Requests()) > 0 }, 2*time.Second, time.Millisecond, "the first create did not reach GitScrum")

	other := gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Initrode", Email: "TPS@initech.example"} // same email
	canceled, stop := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, stop)
	_, err := c.CreateClientIfNew(canceled, other, false)
	require.ErrorIs(t, err, context.Canceled)
	assertClass(t, err, gitscrum.ErrCanceled)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.CreateClientIfNew(ctx, other, false)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorIs(t, err, gitscrum.ErrUnavailable)
	var e *gitscrum.Error
	require.ErrorAs(t, err, &e)
	assert.False(t, e.MayHaveChanged())
	assert.True(t, e.SafeToRetry())

	require.NoError(t, gitscrum.Receive(t, first, "the first create did not end"))
	assert.Len(t, srv.Clients(workspace), 1, "the waiting create sent nothing")
}
