package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

func TestCreateValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("é", n) } // counts characters, not bytes
	tests := []struct {
		name    string
		body    map[string]any
		message string
		errors  map[string][]string // nil: accepted
	}{
		{name: "minimal", body: map[string]any{"name": "Ok"}},
		{name: "limits exactly", body: map[string]any{
			"name": long(255), "email": long(100) + "@x", "phone": long(255),
			"website": "https://" + long(247), "address": long(1000), "notes": long(5000),
		}},
		{name: "null optional fields", body: map[string]any{"name": "Ok", "email": nil, "notes": nil}},
		{name: "empty optional fields", body: map[string]any{"name": "Ok", "email": "", "website": ""}},
		{name: "name missing", body: map[string]any{"email": "a@b.c"},
			message: "The name field is required.",
			errors:  map[string][]string{"name": {"The name field is required."}}},
		{name: "name null", body: map[string]any{"name": nil},
			message: "The name field is required.",
			errors:  map[string][]string{"name": {"The name field is required."}}},
		{name: "name blank", body: map[string]any{"name": " \t"},
			message: "The name field is required.",
			errors:  map[string][]string{"name": {"The name field is required."}}},
		{name: "name too long", body: map[string]any{"name": long(256)},
			message: "The name field must not be greater than 255 characters.",
			errors:  map[string][]string{"name": {"The name field must not be greater than 255 characters."}}},
		{name: "name not a string", body: map[string]any{"name": 42},
			message: "The name field must be a string.",
			errors:  map[string][]string{"name": {"The name field must be a string."}}},
		{name: "phone not a string", body: map[string]any{"name": "Ok", "phone": []int{1}},
			message: "The phone field must be a string.",
			errors:  map[string][]string{"phone": {"The phone field must be a string."}}},
		{name: "email without at", body: map[string]any{"name": "Ok", "email": "billing.acme.co"},
			message: "The email field must be a valid email address.",
			errors:  map[string][]string{"email": {"The email field must be a valid email address."}}},
		{name: "email with two ats", body: map[string]any{"name": "Ok", "email": "a@b@c"},
			message: "The email field must be a valid email address.",
			errors:  map[string][]string{"email": {"The email field must be a valid email address."}}},
		{name: "email with space", body: map[string]any{"name": "Ok", "email": "a b@c.d"},
			message: "The email field must be a valid email address.",
			errors:  map[string][]string{"email": {"The email field must be a valid email address."}}},
		{name: "email empty local part", body: map[string]any{"name": "Ok", "email": "@c.d"},
			message: "The email field must be a valid email address.",
			errors:  map[string][]string{"email": {"The email field must be a valid email address."}}},
		{name: "website without scheme", body: map[string]any{"name": "Ok", "website": "acme.co"},
			message: "The website field must be a valid URL.",
			errors:  map[string][]string{"website": {"The website field must be a valid URL."}}},
		{name: "address too long", body: map[string]any{"name": "Ok", "address": long(1001)},
			message: "The address field must not be greater than 1000 characters.",
			errors:  map[string][]string{"address": {"The address field must not be greater than 1000 characters."}}},
		{name: "notes too long", body: map[string]any{"name": "Ok", "notes": long(5001)},
			message: "The notes field must not be greater than 5000 characters.",
			errors:  map[string][]string{"notes": {"The notes field must not be greater than 5000 characters."}}},
		{name: "one more error", body: map[string]any{"email": "x"},
			message: "The name field is required. (and 1 more error)",
			errors: map[string][]string{
				"name":  {"The name field is required."},
				"email": {"The email field must be a valid email address."},
			}},
		{name: "several errors on one field and others", body: map[string]any{
			"name": "Ok", "email": long(300), "website": "ftp://x", "notes": 1.5,
		},
			message: "The email field must be a valid email address. (and 3 more errors)",
			errors: map[string][]string{
				"email": {
					"The email field must be a valid email address.",
					"The email field must not be greater than 255 characters.",
				},
				"website": {"The website field must be a valid URL."},
				"notes":   {"The notes field must be a string."},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.srv.AddWorkspace("ws")
			tt.body["company_slug"] = "ws"
			r := e.do(http.MethodPost, "/contact-companies", tt.body)
			if tt.errors == nil {
				require.Equal(t, http.StatusCreated, r.Status, "%s", r.Raw)
				assert.Len(t, e.srv.Clients("ws"), 1)
				return
			}
			require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Raw)
			assert.Equal(t, tt.message, r.Body["message"])
			assert.JSONEq(t, string(mustJSON(t, tt.errors)), string(mustJSON(t, r.Body["errors"])))
			assert.NotContains(t, r.Body, "error_code")
			assert.Empty(t, e.srv.Clients("ws"), "nothing created")
		})
	}
}

func TestCompanySlugValidation(t *testing.T) {
	tests := []struct {
		name string
		body string
		want map[string][]string
	}{
		{"missing, with other errors too", `{"email":"x"}`, map[string][]string{
			"company_slug": {"The company slug field is required."},
			"name":         {"The name field is required."},
			"email":        {"The email field must be a valid email address."},
		}},
		{"null", `{"company_slug":null,"name":"Ok"}`, map[string][]string{
			"company_slug": {"The company slug field is required."},
		}},
		{"not a string", `{"company_slug":7,"name":"Ok"}`, map[string][]string{
			"company_slug": {"The company slug field must be a string."},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			r := e.do(http.MethodPost, "/contact-companies", tt.body)
			require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Raw)
			assert.JSONEq(t, string(mustJSON(t, tt.want)), string(mustJSON(t, r.Body["errors"])))
		})
	}
}

func TestUpdateValidation(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		errors string // JSON of "errors"; empty: accepted
	}{
		{"name absent is fine", `{"company_slug":"demo","notes":"n"}`, ""},
		{"bad email", `{"company_slug":"demo","email":"nope"}`, `{"email":["The email field must be a valid email address."]}`},
		{"empty name", `{"company_slug":"demo","name":""}`, `{"name":["The name field is required."]}`},
		{"number website", `{"company_slug":"demo","website":1}`, `{"website":["The website field must be a string."]}`},
		{"too long phone", `{"company_slug":"demo","phone":"` + strings.Repeat("1", 256) + `"}`,
			`{"phone":["The phone field must not be greater than 255 characters."]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, emulator.WithDemoData())
			before := e.srv.Clients(emulator.DemoWorkspace)
			r := e.do(http.MethodPut, "/contact-companies/"+emulator.DemoAcmeUUID, tt.body)
			if tt.errors == "" {
				require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
				return
			}
			require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Raw)
			assert.JSONEq(t, tt.errors, string(mustJSON(t, r.Body["errors"])))
			assert.Equal(t, before, e.srv.Clients(emulator.DemoWorkspace), "nothing changed")
		})
	}
}

func TestValidationStatus409(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	e.srv.SetValidationStatus(http.StatusConflict)
	r := e.do(http.MethodPost, "/contact-companies", map[string]any{"company_slug": "demo"})
	require.Equal(t, http.StatusConflict, r.Status, "%s", r.Raw)
	assert.JSONEq(t, `{
		"message": "The name field is required.",
		"error_code": "VALIDATION_FAILED",
		"errors": {"name": ["The name field is required."]}
	}`, string(r.Raw))

	r = e.do(http.MethodGet, "/contact-companies/clients", nil)
	require.Equal(t, http.StatusConflict, r.Status, "a missing slug on a read too")
	assert.Equal(t, "VALIDATION_FAILED", r.Body["error_code"])

	e.srv.SetValidationStatus(http.StatusUnprocessableEntity)
	r = e.do(http.MethodPost, "/contact-companies", map[string]any{"company_slug": "demo"})
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.NotContains(t, r.Body, "error_code")

	e.srv.SetValidationStatus(418) // anything else counts as 422
	r = e.do(http.MethodPost, "/contact-companies", map[string]any{"company_slug": "demo"})
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
}
