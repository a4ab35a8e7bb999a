package gitscrum_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

var classes = []error{
	gitscrum.ErrUnauthorized, gitscrum.ErrForbidden, gitscrum.ErrNotFound,
	gitscrum.ErrValidation, gitscrum.ErrRateLimited, gitscrum.ErrUnavailable, gitscrum.ErrCanceled,
}

// assertClass checks err is an *Error of class want and of no other class.
func assertClass(t *testing.T, err error, want error) *gitscrum.Error {
	t.Helper()
	require.Error(t, err)
	var e *gitscrum.Error
	require.ErrorAs(t, err, &e)
	for _, c := range classes {
		assert.Equal(t, c == want, errors.Is(err, c), "errors.Is(%v, %v)", err, c)
	}
	return e
}

// TestErrorClasses drives every error class through the emulator.
func TestErrorClasses(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		setup  func(srv *emulator.Server, c *gitscrum.Client) *gitscrum.Client
		run    func(c *gitscrum.Client, uuid string) error
		class  error
		status int
		check  func(t *testing.T, e *gitscrum.Error)
		// strict puts a GitScrum with a stricter address rule in front of the
		// emulator (see stricterAddress).
		strict bool
	}{
		{
			name:  "no token",
			setup: func(_ *emulator.Server, c *gitscrum.Client) *gitscrum.Client { return c.WithToken("") },
			run:   list, class: gitscrum.ErrUnauthorized, status: 401,
			check: func(t *testing.T, e *gitscrum.Error) { assert.Equal(t, "Unauthenticated.", e.Message) },
		},
		{
			name:  "wrong token",
			setup: func(_ *emulator.Server, c *gitscrum.Client) *gitscrum.Client { return c.WithToken("nope") },
			run:   list, class: gitscrum.ErrUnauthorized, status: 401,
		},
		{
			name: "expired token",
			setup: func(srv *emulator.Server, c *gitscrum.Client) *gitscrum.Client {
				srv.AddToken("old-token")
				srv.ExpireToken("old-token")
				return c.WithToken("old-token")
			},
			run: list, class: gitscrum.ErrUnauthorized, status: 401,
			check: func(t *testing.T, e *gitscrum.Error) { assert.True(t, e.TokenExpired()) },
		},
		{
			name: "forbidden",
			setup: func(srv *emulator.Server, c *gitscrum.Client) *gitscrum.Client {
				srv.AddReadOnlyToken("ro-token")
				return c.WithToken("ro-token")
			},
			run:   create("Initech"),
			class: gitscrum.ErrForbidden, status: 403,
		},
		{
			name: "unknown workspace",
			run: func(c *gitscrum.Client, _ string) error {
				_, err := c.ListClients(ctx, "no-such-workspace")
				return err
			},
			class: gitscrum.ErrNotFound, status: 404,
			check: func(t *testing.T, e *gitscrum.Error) { assert.Equal(t, "WORKSPACE_NOT_FOUND", e.Code) },
		},
		{
			name: "unknown client",
			run: func(c *gitscrum.Client, _ string) error {
				_, err := c.GetClient(ctx, workspace, "00000000-0000-4000-8000-000000000000")
				return err
			},
			class: gitscrum.ErrNotFound, status: 404,
			check: func(t *testing.T, e *gitscrum.Error) { assert.Equal(t, "CLIENT_NOT_FOUND", e.Code) },
		},
		{
			name: "422 from server",
			run: func(c *gitscrum.Client, _ string) error {
				// This passes local checks; GitScrum refuses it.
				_, err := c.CreateClient(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "A", Address: "1 Main St"})
				return err
			},
			class: gitscrum.ErrValidation, status: 422, strict: true,
		},
		{
			name: "409 VALIDATION_FAILED",
			setup: func(srv *emulator.Server, c *gitscrum.Client) *gitscrum.Client {
				srv.SetValidationStatus(http.StatusConflict)
				return c
			},
			run: func(c *gitscrum.Client, uuid string) error {
				_, err := c.UpdateClient(ctx, uuid, gitscrum.UpdateClientRequest{CompanySlug: workspace, Address: gitscrum.String("1 Main St")})
				return err
			},
			class: gitscrum.ErrValidation, status: 409, strict: true,
		},
		{
			name: "rate limited",
			setup: func(srv *emulator.Server, c *gitscrum.Client) *gitscrum.Client {
				srv.FailNext(3, http.StatusTooManyRequests, 30*time.Second)
				return c
			},
			run:   list,
			class: gitscrum.ErrRateLimited, status: 429,
			check: func(t *testing.T, e *gitscrum.Error) { assert.Equal(t, 30*time.Second, e.RetryAfter) },
		},
		{
			name: "server error",
			setup: func(srv *emulator.Server, c *gitscrum.Client) *gitscrum.Client {
				srv.FailNext(3, http.StatusInternalServerError, 0)
				return c
			},
			run:   list,
			class: gitscrum.ErrUnavailable, status: 500,
		},
		{
			name: "bad gateway after retries",
			setup: func(srv *emulator.Server, c *gitscrum.Client) *gitscrum.Client {
				srv.FailNext(3, http.StatusBadGateway, 0)
				return c
			},
			run:   list,
			class: gitscrum.ErrUnavailable, status: 502,
		},
		{
			name: "dropped connection",
			setup: func(srv *emulator.Server, c *gitscrum.Client) *gitscrum.Client {
				srv.DropNext(3)
				return c
			},
			run:   list,
			class: gitscrum.ErrUnavailable, status: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _ := newEnv(t)
			if tt.strict {
				c = strictClient(t, srv)
			}
			existing := seed(t, srv, "Acme Corp")
			if tt.setup != nil {
				c = tt.setup(srv, c)
			}
			e := assertClass(t, tt.run(c, existing.UUID), tt.class)
			assert.Equal(t, tt.status, e.StatusCode)
			assert.NotEmpty(t, e.Message)
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}

func list(c *gitscrum.Client, _ string) error {
	_, err := c.ListClients(context.Background(), workspace)
	return err
}

func create(name string) func(c *gitscrum.Client, _ string) error {
	return func(c *gitscrum.Client, _ string) error {
		_, err := c.CreateClient(context.Background(), gitscrum.CreateClientRequest{CompanySlug: workspace, Name: name})
		return err
	}
}

// stricterAddress stands for a GitScrum whose rules are stricter than our checks
// before sending: it makes the address of every write one character longer than the
// emulator allows, so the emulator refuses it with its own validation answer.
func stricterAddress(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			var body map[string]any
			if err := json.NewDecoder(r.Body).Decode(&body); err == nil {
				if _, ok := body["address"]; ok {
					body["address"] = strings.Repeat("x", 1001)
				}
				b, _ := json.Marshal(body)
				r.Body = io.NopCloser(bytes.NewReader(b))
				r.ContentLength = int64(len(b))
			}
		}
		h.ServeHTTP(w, r)
	})
}

// strictClient returns a client of srv behind stricterAddress.
func strictClient(t *testing.T, srv *emulator.Server) *gitscrum.Client {
	t.Helper()
	ts := httptest.NewServer(stricterAddress(srv))
	t.Cleanup(ts.Close)
	c, err := gitscrum.New(gitscrum.WithBaseURL(ts.URL), gitscrum.WithToken(emulator.DefaultToken),
		gitscrum.WithHTTPClient(ts.Client()), gitscrum.WithRetryPolicy(fastRetry))
	require.NoError(t, err)
	return c
}

// TestValidationFieldsFromServer checks Laravel's per-field errors reach the caller.
func TestValidationFieldsFromServer(t *testing.T) {
	for _, status := range []int{http.StatusUnprocessableEntity, http.StatusConflict} {
		srv, _, _ := newEnv(t)
		c := strictClient(t, srv)
		srv.SetValidationStatus(status)
		_, err := c.CreateClient(context.Background(), gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "A", Address: "1 Main St"})
		e := assertClass(t, err, gitscrum.ErrValidation)
		assert.Equal(t, status, e.StatusCode)
		assert.NotEmpty(t, e.Fields, "fields for %d", status)
		if status == http.StatusConflict {
			assert.Equal(t, gitscrum.ErrorCodeValidationFailed, e.Code)
		}
	}
}

// TestNonJSONErrorBody checks an HTML page from a proxy gives a clean message that
// does not echo the page.
func TestNonJSONErrorBody(t *testing.T) {
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1>" + strings.Repeat("<p>nginx</p>", 100000) + "</body></html>"))
	}))
	defer proxy.Close()
	c, err := gitscrum.New(gitscrum.WithBaseURL(proxy.URL), gitscrum.WithToken("t"), gitscrum.WithRetryPolicy(gitscrum.NoRetries))
	require.NoError(t, err)
	_, err = c.ListClients(context.Background(), workspace)
	e := assertClass(t, err, gitscrum.ErrUnavailable)
	assert.Equal(t, 502, e.StatusCode)
	assert.Contains(t, e.Message, "non-JSON")
	assert.Contains(t, e.Message, "text/html")
	assert.NotContains(t, err.Error(), "<html>")
	assert.Less(t, len(err.Error()), 400)
}

// TestTokenNeverInErrors provokes every kind of failure with a distinctive token,
// including a server that echoes the Authorization header, and checks no error text
// holds it.
func TestTokenNeverInErrors(t *testing.T) {
	const token = "tok-SECRET-9f8e7d6c5b4a"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"message":"bad header: ` + r.Header.Get("Authorization") + `"}`))
	}))
	defer echo.Close()

	srv, c, _ := newEnv(t)
	c = c.WithToken(token)
	srv.AddToken(token)
	ctx := context.Background()
	var errs []error
	collect := func(_ any, err error) { errs = append(errs, err) }

	srv.FailNext(3, 503, 0)
	collect(c.ListClients(ctx, workspace))
	// net/http itself replays an idempotent GET once on a dropped keep-alive
	// connection, so each of our 3 attempts may cost two drops.
	srv.DropNext(6)
	collect(c.ListClients(ctx, workspace))
	collect(c.GetClient(ctx, workspace, "nope"))
	collect(c.CreateClient(ctx, gitscrum.CreateClientRequest{CompanySlug: workspace, Name: ""}))
	srv.ExpireToken(token)
	collect(c.ListClients(ctx, workspace))

	ec, err := gitscrum.New(gitscrum.WithBaseURL(echo.URL), gitscrum.WithToken(token))
	require.NoError(t, err)
	collect(ec.ListClients(ctx, workspace))

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + l.Addr().String()
	require.NoError(t, l.Close())
	dc, err := gitscrum.New(gitscrum.WithBaseURL(dead), gitscrum.WithToken(token), gitscrum.WithRetryPolicy(fastRetry))
	require.NoError(t, err)
	collect(dc.ListClients(ctx, workspace))

	for i, err := range errs {
		require.Error(t, err, "call %d", i)
		assert.NotContains(t, err.Error(), token)
		assert.NotContains(t, err.Error(), "SECRET")
	}
}
