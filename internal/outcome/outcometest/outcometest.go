// Package outcometest holds the table of error classes that every classification of
// an error into an outcome word is tested against: package outcome's own [outcome.Of]
// and the render paths of both adapters. One table, so the adapters cannot drift
// apart without a test failing.
package outcometest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
)

// Case is one error and the word it must be reported as.
type Case struct {
	// Name says what the error is.
	Name string
	// Err is the error: a real one from a gitscrum client where the class comes
	// from an answer, else built from exported types.
	Err error
	// Want is the outcome word.
	Want string
}

// Slug is the workspace the errors' calls name.
const Slug = "demo"

// UUID is a well-formed client UUID that the errors' calls name.
const UUID = "9b2f4c1e-5d3a-4e8b-9c7d-1a2b3c4d5e6f"

// Cases returns every error class: each gitscrum class, from a real answer of an HTTP
// server where it has one; the reference, duplicate and validation errors; the
// context errors; wrapped forms; and errors of no class. Each is checked to be what
// its name says before it is returned.
func Cases(t testing.TB) []Case {
	t.Helper()
	get := func(status int, body string) error { return answer(t, status, body) }
	candidates := []gitscrum.ClientCompany{
		{UUID: UUID, Name: "Acme Corp"},
		{UUID: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", Name: "Acme Labs"},
	}
	cases := []Case{
		{"401 refused token", get(http.StatusUnauthorized, `{"message":"Unauthenticated."}`), outcome.Unauthorized},
		{"401 expired token", get(http.StatusUnauthorized, `{"message":"Token expired.","error_code":"TOKEN_EXPIRED"}`), outcome.Unauthorized},
		{"403", get(http.StatusForbidden, `{"message":"This action is unauthorized."}`), outcome.Forbidden},
		{"404 client", get(http.StatusNotFound, `{"message":"Client not found."}`), outcome.NotFound},
		{"404 workspace", get(http.StatusNotFound, `{"message":"Workspace not found.","error_code":"WORKSPACE_NOT_FOUND"}`), outcome.NotFound},
		{"422 validation", get(http.StatusUnprocessableEntity, `{"message":"The given data was invalid.","errors":{"email":["The email must be a valid email address."]}}`), outcome.Invalid},
		{"409 validation", get(http.StatusConflict, `{"message":"Validation failed.","error_code":"VALIDATION_FAILED","errors":{"name":["taken"]}}`), outcome.Invalid},
		{"429", get(http.StatusTooManyRequests, `{"message":"Too Many Attempts.","retry_after":7}`), outcome.RateLimited},
		{"503", get(http.StatusServiceUnavailable, `{"message":"Down for maintenance."}`), outcome.Unavailable},
		{"500", get(http.StatusInternalServerError, `{"message":"Server Error"}`), outcome.Unavailable},
		{"unclassified 409", get(http.StatusConflict, `{"message":"Conflict."}`), outcome.Error},
		{"unclassified 418", get(http.StatusTeapot, `{"message":"I'm a teapot"}`), outcome.Error},
		{"GitScrum too slow", slow(t), outcome.Unavailable},
		{"GitScrum unreachable", unreachable(t), outcome.Unavailable},
		{"canceled call", canceled(t), outcome.Canceled},
		{"validation before sending", invalid(t), outcome.Invalid},
		{"ambiguous reference", &gitscrum.ResolveError{Ref: "acme", Candidates: candidates}, outcome.Ambiguous},
		{"inexact reference of a write", &gitscrum.ResolveError{Ref: "acme", Candidates: candidates, Exact: true}, outcome.Ambiguous},
		{"reference matching nothing", &gitscrum.ResolveError{Ref: "globx", Suggestions: []string{"Globex"}}, outcome.NotFound},
		{"duplicate", &gitscrum.DuplicateError{Existing: candidates[:1]}, outcome.Duplicate},
		{"state store down", &gitscrum.StateStoreError{Op: "create_client", Err: errors.New("state store (postgres) unavailable: acquire: connection refused")}, outcome.Unavailable},
		{"context canceled", context.Canceled, outcome.Canceled},
		{"context deadline", context.DeadlineExceeded, outcome.Unavailable},
		{"adapter input", fmt.Errorf("bad flag: %w", outcome.ErrInvalid), outcome.Invalid},
		{"plain error", errors.New("boom"), outcome.Error},
		{"recovered panic", fmt.Errorf("listener panicked: %w", outcome.ErrPanic), outcome.InternalError},
	}
	for _, s := range []struct {
		err  error
		want string
	}{
		{gitscrum.ErrUnauthorized, outcome.Unauthorized},
		{gitscrum.ErrForbidden, outcome.Forbidden},
		{gitscrum.ErrNotFound, outcome.NotFound},
		{gitscrum.ErrValidation, outcome.Invalid},
		{gitscrum.ErrRateLimited, outcome.RateLimited},
		{gitscrum.ErrUnavailable, outcome.Unavailable},
		{gitscrum.ErrAmbiguous, outcome.Ambiguous},
		{gitscrum.ErrDuplicate, outcome.Duplicate},
		{gitscrum.ErrCanceled, outcome.Canceled},
		{gitscrum.ErrStateStore, outcome.Unavailable},
	} {
		cases = append(cases, Case{"sentinel " + s.err.Error(), s.err, s.want})
	}
	n := len(cases)
	for _, c := range cases[:n] {
		cases = append(cases, Case{"wrapped " + c.Name, fmt.Errorf("step: %w", c.Err), c.Want})
	}
	return cases
}

// client returns a gitscrum client of url that makes one attempt per call.
func client(t testing.TB, url string) *gitscrum.Client {
	t.Helper()
	c, err := gitscrum.New(gitscrum.WithBaseURL(url), gitscrum.WithToken("outcometest-token"),
		gitscrum.WithRetryPolicy(gitscrum.NoRetries), gitscrum.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatalf("outcometest: new client: %v", err)
	}
	return c
}

// answer is the error of a get_client call that a server answers with status and body.
func answer(t testing.TB, status int, body string) error {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "7")
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	_, err := client(t, srv.URL).GetClient(context.Background(), Slug, UUID)
	want := strconv.Itoa(status)
	var e *gitscrum.Error
	if !errors.As(err, &e) || e.StatusCode != status {
		t.Fatalf("outcometest: a %s answer gave %v, want a *gitscrum.Error with that status", want, err)
	}
	return err
}

// slow is the error of a call whose deadline runs out before the server answers.
func slow(t testing.TB) error {
	t.Helper()
	srv, stop := silent(nil)
	defer srv.Close()
	defer close(stop)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := client(t, srv.URL).GetClient(ctx, Slug, UUID)
	mustBe(t, "a call past its deadline", err, gitscrum.ErrUnavailable)
	return err
}

// unreachable is the error of a call to a server that is gone.
func unreachable(t testing.TB) error {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := client(t, url).GetClient(context.Background(), Slug, UUID)
	mustBe(t, "a call to a closed server", err, gitscrum.ErrUnavailable)
	return err
}

// canceled is the error of a call whose caller gives up while the server is silent.
func canceled(t testing.TB) error {
	t.Helper()
	arrived := make(chan struct{}, 1)
	srv, stop := silent(arrived)
	defer srv.Close()
	defer close(stop)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-arrived:
		case <-time.After(5 * time.Second):
		}
		cancel()
	}()
	_, err := client(t, srv.URL).GetClient(ctx, Slug, UUID)
	mustBe(t, "a canceled call", err, gitscrum.ErrCanceled)
	return err
}

// silent is a server that answers nothing until its client gives up or stop is
// closed; it tells arrived (when not nil) of each request.
func silent(arrived chan<- struct{}) (srv *httptest.Server, stop chan struct{}) {
	stop = make(chan struct{})
	srv = httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		if arrived != nil {
			select {
			case arrived <- struct{}{}:
			default:
			}
		}
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	return srv, stop
}

// invalid is the error of a create refused before sending.
func invalid(t testing.TB) error {
	t.Helper()
	_, err := client(t, "http://127.0.0.1:1").CreateClient(context.Background(), gitscrum.CreateClientRequest{CompanySlug: Slug, Email: "not-an-email"})
	mustBe(t, "a create without a name", err, gitscrum.ErrValidation)
	return err
}

// mustBe fails t unless err is a *gitscrum.Error of class.
func mustBe(t testing.TB, what string, err, class error) {
	t.Helper()
	var e *gitscrum.Error
	if !errors.As(err, &e) || !errors.Is(err, class) {
		t.Fatalf("outcometest: %s gave %v, want a *gitscrum.Error of class %s", what, err, strings.TrimPrefix(class.Error(), "gitscrum: "))
	}
}
