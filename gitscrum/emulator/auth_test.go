package emulator_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

func TestAuthentication(t *testing.T) {
	const unauthenticated = `{"message":"Unauthenticated."}`
	const expired = `{"message":"Token has expired.","error_code":"TOKEN_EXPIRED"}`
	const forbidden = `{"message":"This action is unauthorized.","error_code":"FORBIDDEN"}`
	const workspaceNotFound = `{"message":"Workspace not found.","error_code":"WORKSPACE_NOT_FOUND"}`
	create := map[string]any{"company_slug": "demo", "name": "New Co"}
	update := map[string]any{"company_slug": "demo", "notes": "changed"}
	acme := "/contact-companies/" + emulator.DemoAcmeUUID

	tests := []struct {
		name   string
		opts   []emulator.Option
		setup  func(*emulator.Server)
		header string // the Authorization header; "-" for none
		method string
		path   string
		body   any
		status int
		want   string
	}{
		{name: "default token", header: "Bearer sandbox-token", method: "GET", path: listDemo, status: 200},
		{name: "scheme is case-insensitive", header: "bearer sandbox-token", method: "GET", path: listDemo, status: 200},
		{name: "no header", header: "-", method: "GET", path: listDemo, status: 401, want: unauthenticated},
		{name: "wrong token", header: "Bearer nope", method: "GET", path: listDemo, status: 401, want: unauthenticated},
		{name: "basic scheme", header: "Basic c2FuZGJveC10b2tlbg==", method: "GET", path: listDemo, status: 401, want: unauthenticated},
		{name: "empty bearer", header: "Bearer ", method: "GET", path: listDemo, status: 401, want: unauthenticated},
		{name: "auth before routing", header: "-", method: "GET", path: "/nope", status: 401, want: unauthenticated},
		{name: "WithToken replaces default", opts: []emulator.Option{emulator.WithToken("mine")},
			header: "Bearer sandbox-token", method: "GET", path: listDemo, status: 401, want: unauthenticated},
		{name: "WithToken accepted", opts: []emulator.Option{emulator.WithToken("mine")},
			header: "Bearer mine", method: "GET", path: listDemo, status: 200},
		{name: "added token", setup: func(s *emulator.Server) { s.AddToken("second") },
			header: "Bearer second", method: "POST", path: "/contact-companies", body: create, status: 201},
		{name: "expired token", setup: func(s *emulator.Server) { s.ExpireToken(emulator.DefaultToken) },
			header: "Bearer sandbox-token", method: "GET", path: listDemo, status: 401, want: expired},
		{name: "revived token", setup: func(s *emulator.Server) {
			s.ExpireToken(emulator.DefaultToken)
			s.AddToken(emulator.DefaultToken)
		}, header: "Bearer sandbox-token", method: "GET", path: listDemo, status: 200},
		{name: "member token in its workspace", setup: func(s *emulator.Server) { s.AddMemberToken("a", "demo") },
			header: "Bearer a", method: "GET", path: listDemo, status: 200},
		{name: "member token lists another workspace", setup: func(s *emulator.Server) { s.AddMemberToken("b", "other") },
			header: "Bearer b", method: "GET", path: listDemo, status: 404, want: workspaceNotFound},
		{name: "member token gets from another workspace", setup: func(s *emulator.Server) { s.AddMemberToken("b", "other") },
			header: "Bearer b", method: "GET", path: acme + demoQ, status: 404, want: workspaceNotFound},
		{name: "member token creates in another workspace", setup: func(s *emulator.Server) { s.AddMemberToken("b", "other") },
			header: "Bearer b", method: "POST", path: "/contact-companies", body: create, status: 404, want: workspaceNotFound},
		{name: "member token updates in another workspace", setup: func(s *emulator.Server) { s.AddMemberToken("b", "other") },
			header: "Bearer b", method: "PUT", path: acme, body: update, status: 404, want: workspaceNotFound},
		{name: "AddToken lifts the member limit", setup: func(s *emulator.Server) { s.AddMemberToken("b", "other"); s.AddToken("b") },
			header: "Bearer b", method: "GET", path: listDemo, status: 200},
		{name: "WithToken forgets member limits", opts: []emulator.Option{emulator.WithToken("b")},
			setup: func(s *emulator.Server) { s.AddMemberToken("c", "other") }, header: "Bearer b", method: "GET", path: listDemo, status: 200},
		{name: "read-only token reads", setup: func(s *emulator.Server) { s.AddReadOnlyToken("ro") },
			header: "Bearer ro", method: "GET", path: acme + demoQ, status: 200},
		{name: "read-only token creates", setup: func(s *emulator.Server) { s.AddReadOnlyToken("ro") },
			header: "Bearer ro", method: "POST", path: "/contact-companies", body: create, status: 403, want: forbidden},
		{name: "read-only token updates", setup: func(s *emulator.Server) { s.AddReadOnlyToken("ro") },
			header: "Bearer ro", method: "PUT", path: acme, body: update, status: 403, want: forbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, append(tt.opts, emulator.WithDemoData())...)
			if tt.setup != nil {
				tt.setup(e.srv)
			}
			before := e.srv.Clients(emulator.DemoWorkspace)
			r := e.callHeader(tt.method, tt.path, tt.header, tt.body)
			require.Equal(t, tt.status, r.Status, "%s", r.Raw)
			if tt.want != "" {
				assert.JSONEq(t, tt.want, string(r.Raw))
				assert.Equal(t, before, e.srv.Clients(emulator.DemoWorkspace), "nothing changed")
			}
		})
	}
}
