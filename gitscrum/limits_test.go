package gitscrum_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// caps is every capped input with its documented cap.
var caps = []struct {
	input string
	max   int
}{
	{gitscrum.InputClient, 255},
	{gitscrum.InputQuery, 255},
	{gitscrum.InputCompanySlug, 255},
	{"name", 255},
	{"email", 254},
	{"phone", 64},
	{"website", 255},
	{"address", 1000},
	{"notes", 5000},
	{"uuid", 255},
}

// megabyte is a 1 MiB value, the size an attacker would send.
var megabyte = strings.Repeat("a", 1<<20)

func TestMaxLengthTable(t *testing.T) {
	for _, c := range caps {
		got, ok := gitscrum.MaxLength(c.input)
		assert.True(t, ok, c.input)
		assert.Equal(t, c.max, got, c.input)
	}
	for _, f := range gitscrum.EditableFields {
		_, ok := gitscrum.MaxLength(string(f))
		assert.True(t, ok, "every editable field has a cap: %s", f)
	}
	_, ok := gitscrum.MaxLength("limit")
	assert.False(t, ok)
	assert.NoError(t, gitscrum.CheckLength("limit", megabyte), "an input without a cap passes")
}

// TestCheckLength checks the cap counts characters, not bytes, and that the error
// names the input and the cap in words without echoing the value.
func TestCheckLength(t *testing.T) {
	for _, c := range caps {
		t.Run(c.input, func(t *testing.T) {
			assert.NoError(t, gitscrum.CheckLength(c.input, strings.Repeat("é", c.max)), "at the cap, in 2-byte characters")
			for _, v := range []string{strings.Repeat("a", c.max+1), strings.Repeat("€", c.max+1), megabyte} {
				err := gitscrum.CheckLength(c.input, v)
				e := assertClass(t, err, gitscrum.ErrValidation)
				require.Contains(t, e.Fields, c.input)
				msg := strings.Join(e.Fields[c.input], "; ")
				assert.Contains(t, msg, fmt.Sprintf("at most %d are allowed", c.max))
				assert.Contains(t, msg, strconv.Itoa(utf8.RuneCountInString(v))+" characters")
				assert.Contains(t, err.Error(), c.input)
				assert.Less(t, len(err.Error()), 200, "the error does not echo the value")
			}
		})
	}
}

// TestCapsBeforeAnyWork drives a value over its cap into every entry point that
// takes user input: each answers with a validation error naming the input, and no
// request reaches the emulator.
func TestCapsBeforeAnyWork(t *testing.T) {
	ctx := context.Background()
	long := func(n int) string { return strings.Repeat("x", n+1) }
	update := func(f gitscrum.Field) func(c *gitscrum.Client) error {
		return func(c *gitscrum.Client) error {
			req := gitscrum.UpdateClientRequest{CompanySlug: workspace}
			req.Set(f, megabyte)
			_, err := c.UpdateClientByRef(ctx, "Acme Corp", req)
			return err
		}
	}
	create := func(f gitscrum.Field, ifNew bool) func(c *gitscrum.Client) error {
		return func(c *gitscrum.Client) error {
			req := gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Acme"}
			req.Set(f, megabyte)
			var err error
			if ifNew {
				_, err = c.CreateClientIfNew(ctx, req, false)
			} else {
				_, err = c.CreateClient(ctx, req)
			}
			return err
		}
	}
	tests := []struct {
		name  string
		run   func(c *gitscrum.Client) error
		field string
	}{
		{"resolve, long ref", func(c *gitscrum.Client) error { _, err := c.ResolveClient(ctx, workspace, long(255)); return err }, "client"},
		{"resolve, 1 MiB ref", func(c *gitscrum.Client) error { _, err := c.ResolveClient(ctx, workspace, megabyte); return err }, "client"},
		{"resolve, long slug", func(c *gitscrum.Client) error { _, err := c.ResolveClient(ctx, long(255), "acme"); return err }, "company_slug"},
		{"resolve exact, long ref", func(c *gitscrum.Client) error { _, err := c.ResolveClientExact(ctx, workspace, megabyte); return err }, "client"},
		{"update, long ref", func(c *gitscrum.Client) error {
			_, err := c.UpdateClientByRef(ctx, megabyte, gitscrum.UpdateClientRequest{CompanySlug: workspace, Phone: gitscrum.String("1")})
			return err
		}, "client"},
		{"update, long slug", func(c *gitscrum.Client) error {
			_, err := c.UpdateClientByRef(ctx, "Acme Corp", gitscrum.UpdateClientRequest{CompanySlug: megabyte, Phone: gitscrum.String("1")})
			return err
		}, "company_slug"},
		{"update by uuid, long uuid", func(c *gitscrum.Client) error {
			_, err := c.UpdateClient(ctx, megabyte, gitscrum.UpdateClientRequest{CompanySlug: workspace, Phone: gitscrum.String("1")})
			return err
		}, "uuid"},
		{"get, long uuid", func(c *gitscrum.Client) error { _, err := c.GetClient(ctx, workspace, megabyte); return err }, "uuid"},
		{"list, long slug", func(c *gitscrum.Client) error { _, err := c.ListClients(ctx, megabyte); return err }, "company_slug"},
		{"create, long slug", func(c *gitscrum.Client) error {
			_, err := c.CreateClientIfNew(ctx, gitscrum.CreateClientRequest{CompanySlug: megabyte, Name: "A"}, false)
			return err
		}, "company_slug"},
	}
	for _, f := range gitscrum.EditableFields {
		tests = append(tests,
			struct {
				name  string
				run   func(c *gitscrum.Client) error
				field string
			}{"update, 1 MiB " + string(f), update(f), string(f)},
			struct {
				name  string
				run   func(c *gitscrum.Client) error
				field string
			}{"create if new, 1 MiB " + string(f), create(f, true), string(f)},
			struct {
				name  string
				run   func(c *gitscrum.Client) error
				field string
			}{"create, 1 MiB " + string(f), create(f, false), string(f)},
		)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _ := newEnv(t)
			seed(t, srv, "Acme Corp")
			err := tt.run(c)
			e := assertClass(t, err, gitscrum.ErrValidation)
			require.Contains(t, e.Fields, tt.field)
			assert.Contains(t, strings.Join(e.Fields[tt.field], " "), "is too long")
			assert.Zero(t, e.StatusCode)
			assert.Empty(t, srv.Requests(), "no request may leave the process")
			assert.Less(t, len(err.Error()), 300, "the error does not echo the value")
		})
	}
}

// TestCapsInPureHelpers checks the helpers that take a list of clients refuse input
// over its cap before looking at any client.
func TestCapsInPureHelpers(t *testing.T) {
	ctx := context.Background()
	clients := []gitscrum.ClientCompany{recClient("u1", "Acme Corp", "", "")}
	over := strings.Repeat("a", 256)

	_, err := gitscrum.ResolveIn(ctx, clients, over)
	assertField(t, err, "client")
	_, err = gitscrum.ResolveExactIn(ctx, clients, megabyte)
	assertField(t, err, "client")
	_, err = gitscrum.Suggest(ctx, clients, megabyte, 3)
	assertField(t, err, "client")
	_, err = gitscrum.NewIndex(clients).Search(ctx, over)
	assertField(t, err, "query")
	_, err = gitscrum.NewIndex(clients).Search(ctx, megabyte)
	assertField(t, err, "query")
	assertField(t, gitscrum.ValidateQuery(megabyte), "query")
	assertField(t, gitscrum.ValidateReference(megabyte), "client")
	assertField(t, gitscrum.ValidateCompanySlug(megabyte), "company_slug")

	// At the cap, everything still works.
	atCap := strings.Repeat("a", 255)
	_, err = gitscrum.ResolveIn(ctx, clients, atCap)
	assert.ErrorIs(t, err, gitscrum.ErrNotFound)
	got, err := gitscrum.NewIndex(clients).Search(ctx, atCap)
	require.NoError(t, err)
	assert.Empty(t, got)
}

// assertField checks err is a validation error about field.
func assertField(t *testing.T, err error, field string) {
	t.Helper()
	e := assertClass(t, err, gitscrum.ErrValidation)
	assert.Contains(t, e.Fields, field)
}

func TestExcerpt(t *testing.T) {
	assert.Equal(t, "", gitscrum.Excerpt(""))
	assert.Equal(t, "Acme Corp", gitscrum.Excerpt("Acme Corp"))
	exact := strings.Repeat("é", gitscrum.ExcerptLength)
	assert.Equal(t, exact, gitscrum.Excerpt(exact))
	assert.Equal(t, "a\uFFFDb", gitscrum.Excerpt("a\xffb"))

	long := strings.Repeat("ü", 300_000)
	got := gitscrum.Excerpt(long)
	assert.Equal(t, strings.Repeat("ü", gitscrum.ExcerptLength)+"…(cut, 300000 characters in all)", got)
	assert.True(t, utf8.ValidString(gitscrum.Excerpt(strings.Repeat("\xff", 100))))
}

// TestErrorsQuoteInputCut checks the errors that quote user input stay short for a
// 300 KB input.
func TestErrorsQuoteInputCut(t *testing.T) {
	ref := strings.Repeat("x", 300_000)
	for _, e := range []error{
		&gitscrum.ResolveError{Ref: ref},
		&gitscrum.ResolveError{Ref: ref, Suggestions: []string{"Acme"}},
		&gitscrum.ResolveError{Ref: ref, Candidates: []gitscrum.ClientCompany{{Name: "Acme", UUID: "u1"}, {Name: "Acme 2", UUID: "u2"}}},
		&gitscrum.ResolveError{Ref: ref, Candidates: []gitscrum.ClientCompany{{Name: "Acme", UUID: "u1"}}, Exact: true},
		gitscrum.CheckLength("name", ref),
		gitscrum.ValidateReference(ref),
	} {
		msg := e.Error()
		assert.Less(t, len(msg), 400, "%T: %s", e, msg)
		if _, ok := e.(*gitscrum.ResolveError); ok {
			assert.Contains(t, msg, "(cut, 300000 characters in all)")
		}
	}
}
