package emulator_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

func TestListReturnsEveryClientWithAllTenFields(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	r := e.do(http.MethodGet, listDemo, nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.NotContains(t, r.Body, "meta", "no meta without a page size")
	items := r.list(t)
	require.Len(t, items, len(e.srv.Clients(emulator.DemoWorkspace)))

	acme := items[0].(map[string]any)
	assert.Equal(t, map[string]any{
		"uuid":           emulator.DemoAcmeUUID,
		"name":           "Acme Corp",
		"email":          "billing@acme.co",
		"phone":          "+1-555-0100",
		"website":        "https://acme.co",
		"address":        "123 Main St, San Francisco, CA",
		"notes":          "Enterprise client since 2024",
		"projects_count": float64(5),
		"invoices_total": float64(125000),
		"created_at":     "2025-06-15T10:00:00Z",
	}, acme)
	assert.Contains(t, string(r.Raw), `"invoices_total":125000,`, "money is a number")
	assert.Contains(t, string(r.Raw), `<script>alert(1)</script> Labs`, "no HTML escaping")
}

func TestEmptyTextFieldsEncodeAsNull(t *testing.T) {
	e := newEnv(t)
	c := e.srv.AddClients("ws", gitscrum.ClientCompany{Name: "Bare"})[0]
	r := e.do(http.MethodGet, "/contact-companies/"+c.UUID+"?company_slug=ws", nil)
	require.Equal(t, http.StatusOK, r.Status)
	d := r.data(t)
	require.Len(t, d, 10)
	for _, f := range []string{"email", "phone", "website", "address", "notes"} {
		v, ok := d[f]
		assert.True(t, ok, f)
		assert.Nil(t, v, f)
	}
	assert.Equal(t, float64(0), d["invoices_total"])
}

func TestListOfEmptyWorkspaceIsAnEmptyArray(t *testing.T) {
	e := newEnv(t)
	e.srv.AddWorkspace("empty")
	r := e.do(http.MethodGet, "/contact-companies/clients?company_slug=empty", nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.JSONEq(t, `{"data":[]}`, string(r.Raw))
}

func TestGet(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	e.srv.AddClients("other", gitscrum.ClientCompany{UUID: "11111111-2222-4333-8444-555555555555", Name: "Elsewhere"})
	tests := []struct {
		name   string
		path   string
		status int
		code   string
		msg    string
	}{
		{"found", "/contact-companies/" + emulator.DemoAcmeUUID + demoQ, http.StatusOK, "", ""},
		{"unknown uuid", "/contact-companies/00000000-0000-4000-8000-000000000000" + demoQ, http.StatusNotFound, "CLIENT_NOT_FOUND", "Client not found."},
		{"uuid of another workspace", "/contact-companies/11111111-2222-4333-8444-555555555555" + demoQ, http.StatusNotFound, "CLIENT_NOT_FOUND", "Client not found."},
		{"unknown workspace", "/contact-companies/" + emulator.DemoAcmeUUID + "?company_slug=nope", http.StatusNotFound, "WORKSPACE_NOT_FOUND", "Workspace not found."},
		{"no slug", "/contact-companies/" + emulator.DemoAcmeUUID, http.StatusUnprocessableEntity, "", "The company slug field is required."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(http.MethodGet, tt.path, nil)
			require.Equal(t, tt.status, r.Status, "%s", r.Raw)
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			if tt.status == http.StatusOK {
				assert.Equal(t, "Acme Corp", r.data(t)["name"])
				return
			}
			assert.Equal(t, tt.msg, r.Body["message"])
			if tt.code != "" {
				assert.Equal(t, tt.code, r.Body["error_code"])
			}
		})
	}
}

func TestListErrors(t *testing.T) {
	e := newEnv(t)
	r := e.do(http.MethodGet, "/contact-companies/clients?company_slug=nope", nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	assert.JSONEq(t, `{"message":"Workspace not found.","error_code":"WORKSPACE_NOT_FOUND"}`, string(r.Raw))

	r = e.do(http.MethodGet, "/contact-companies/clients", nil)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Equal(t, []any{"The company slug field is required."}, r.fields(t)["company_slug"])
}

func TestCreate(t *testing.T) {
	e := newEnv(t)
	e.srv.AddWorkspace("acme")
	before := time.Now().UTC().Truncate(time.Second)
	r := e.do(http.MethodPost, "/contact-companies", map[string]any{
		"company_slug": "acme",
		"name":         "Globex Corporation",
		"email":        "contact@globex.com",
		"phone":        "+1-555-0200",
		"website":      "https://globex.com",
	})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Raw)
	d := r.data(t)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, d["uuid"])
	assert.Equal(t, "Globex Corporation", d["name"])
	assert.Nil(t, d["address"])
	assert.Nil(t, d["notes"])
	assert.Equal(t, float64(0), d["projects_count"])
	assert.Equal(t, float64(0), d["invoices_total"])
	created, err := time.Parse(time.RFC3339, d["created_at"].(string))
	require.NoError(t, err)
	assert.False(t, created.Before(before))
	assert.WithinDuration(t, time.Now(), created, 2*time.Second)
	assert.True(t, strings.HasSuffix(d["created_at"].(string), "Z"))

	stored, ok := e.srv.Client("acme", d["uuid"].(string))
	require.True(t, ok)
	assert.Equal(t, "contact@globex.com", stored.Email)
	assert.Len(t, e.srv.Clients("acme"), 1)
}

func TestCreateRefusals(t *testing.T) {
	tests := []struct {
		name   string
		body   any
		status int
		want   string
	}{
		{"unknown workspace", map[string]any{"company_slug": "nope", "name": "X"}, http.StatusNotFound,
			`{"message":"Workspace not found.","error_code":"WORKSPACE_NOT_FOUND"}`},
		{"malformed JSON", `{"company_slug":`, http.StatusBadRequest, `{"message":"Malformed JSON body."}`},
		{"array body", `[]`, http.StatusBadRequest, `{"message":"Malformed JSON body."}`},
		{"empty body", ``, http.StatusBadRequest, `{"message":"Malformed JSON body."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, emulator.WithDemoData())
			n := len(e.srv.Clients(emulator.DemoWorkspace))
			r := e.do(http.MethodPost, "/contact-companies", tt.body)
			require.Equal(t, tt.status, r.Status, "%s", r.Raw)
			assert.JSONEq(t, tt.want, string(r.Raw))
			assert.Len(t, e.srv.Clients(emulator.DemoWorkspace), n, "nothing created")
		})
	}
}

func TestUpdatePresentNullAndAbsentKeys(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	before, ok := e.srv.Client(emulator.DemoWorkspace, emulator.DemoAcmeUUID)
	require.True(t, ok)

	r := e.do(http.MethodPut, "/contact-companies/"+emulator.DemoAcmeUUID,
		`{"company_slug":"demo","notes":"Renewed contract for 2026","phone":null,"website":""}`)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	d := r.data(t)
	assert.Equal(t, "Renewed contract for 2026", d["notes"])
	assert.Nil(t, d["phone"], "null clears")
	assert.Nil(t, d["website"], "empty string clears")
	assert.Equal(t, "billing@acme.co", d["email"], "absent stays")

	after, ok := e.srv.Client(emulator.DemoWorkspace, emulator.DemoAcmeUUID)
	require.True(t, ok)
	want := before
	want.Notes, want.Phone, want.Website = "Renewed contract for 2026", "", ""
	assert.Equal(t, want, after)
}

func TestUpdateRefusals(t *testing.T) {
	tests := []struct {
		name   string
		uuid   string
		body   any
		status int
		want   string
	}{
		{"unknown client", "00000000-0000-4000-8000-000000000000", map[string]any{"company_slug": "demo", "notes": "x"},
			http.StatusNotFound, `{"message":"Client not found.","error_code":"CLIENT_NOT_FOUND"}`},
		{"unknown workspace", emulator.DemoAcmeUUID, map[string]any{"company_slug": "nope", "notes": "x"},
			http.StatusNotFound, `{"message":"Workspace not found.","error_code":"WORKSPACE_NOT_FOUND"}`},
		{"malformed JSON", emulator.DemoAcmeUUID, `{"notes"`, http.StatusBadRequest, `{"message":"Malformed JSON body."}`},
		{"null name", emulator.DemoAcmeUUID, `{"company_slug":"demo","name":null}`, http.StatusUnprocessableEntity,
			`{"message":"The name field is required.","errors":{"name":["The name field is required."]}}`},
		{"blank name", emulator.DemoAcmeUUID, `{"company_slug":"demo","name":"  "}`, http.StatusUnprocessableEntity,
			`{"message":"The name field is required.","errors":{"name":["The name field is required."]}}`},
		{"slug in query only", emulator.DemoAcmeUUID + demoQ, `{"notes":"x"}`, http.StatusUnprocessableEntity,
			`{"message":"The company slug field is required.","errors":{"company_slug":["The company slug field is required."]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, emulator.WithDemoData())
			before := e.srv.Clients(emulator.DemoWorkspace)
			r := e.do(http.MethodPut, "/contact-companies/"+tt.uuid, tt.body)
			require.Equal(t, tt.status, r.Status, "%s", r.Raw)
			assert.JSONEq(t, tt.want, string(r.Raw))
			assert.Equal(t, before, e.srv.Clients(emulator.DemoWorkspace), "nothing changed")
		})
	}
}

func TestRoutingErrors(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/nope", http.StatusNotFound, ""},
		{http.MethodGet, "/contact-companies/", http.StatusNotFound, ""},
		{http.MethodGet, "/contact-companies/a/b", http.StatusNotFound, ""},
		{http.MethodDelete, "/contact-companies/" + emulator.DemoAcmeUUID, http.StatusMethodNotAllowed, "GET, HEAD, PUT"},
		{http.MethodPost, "/contact-companies/clients", http.StatusMethodNotAllowed, "GET, HEAD"},
		{http.MethodGet, "/contact-companies", http.StatusMethodNotAllowed, "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := e.do(tt.method, tt.path, nil)
			require.Equal(t, tt.status, r.Status, "%s", r.Raw)
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			if tt.status == http.StatusNotFound {
				assert.JSONEq(t, `{"message":"Not found."}`, string(r.Raw))
				return
			}
			assert.Equal(t, tt.allow, r.Header.Get("Allow"))
			assert.Contains(t, r.Body["message"], "method is not supported")
		})
	}
}

func TestHeadAnswersLikeGetWithoutBody(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	r := e.do(http.MethodHead, listDemo, nil)
	assert.Equal(t, http.StatusOK, r.Status)
	assert.Empty(t, r.Raw)
}

func TestCreatedAtObjectForm(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	e.srv.SetCreatedAtObject(true)
	r := e.do(http.MethodGet, "/contact-companies/"+emulator.DemoAcmeUUID+demoQ, nil)
	require.Equal(t, http.StatusOK, r.Status)
	obj, ok := r.data(t)["created_at"].(map[string]any)
	require.True(t, ok, "%s", r.Raw)
	assert.Equal(t, "2025-06-15T10:00:00+00:00", obj["iso8601"])
	assert.Equal(t, float64(time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC).Unix()), obj["timestamp"])
	assert.Regexp(t, `^\d+ (second|minute|hour|day|week|month|year)s? (ago|from now)$`, obj["date_for_humans"])

	// The client library decodes the object form to the same time.
	var c gitscrum.ClientCompany
	require.NoError(t, c.CreatedAt.UnmarshalJSON(mustJSON(t, obj)))
	assert.True(t, c.CreatedAt.Equal(time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC)))

	e.srv.SetCreatedAtObject(false)
	r = e.do(http.MethodGet, "/contact-companies/"+emulator.DemoAcmeUUID+demoQ, nil)
	assert.Equal(t, "2025-06-15T10:00:00Z", r.data(t)["created_at"])
}

func TestCreatedAtObjectFormOfNewClientIsRecent(t *testing.T) {
	e := newEnv(t)
	e.srv.AddWorkspace("ws")
	e.srv.SetCreatedAtObject(true)
	r := e.do(http.MethodPost, "/contact-companies", map[string]any{"company_slug": "ws", "name": "New"})
	require.Equal(t, http.StatusCreated, r.Status)
	obj := r.data(t)["created_at"].(map[string]any)
	assert.Regexp(t, `^(just now|\d seconds? ago)$`, obj["date_for_humans"])
}
