package emulator_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

func TestRequestLog(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	e.do(http.MethodGet, listDemo+"&page=2", nil)
	e.call(http.MethodGet, listDemo, "wrong", nil)
	e.do(http.MethodPost, "/contact-companies", `{"company_slug":"demo","name":"Logged"}`)
	e.do(http.MethodPut, "/contact-companies/"+emulator.DemoAcmeUUID, `{"company_slug":"demo","notes":"n"}`)

	reqs := e.srv.Requests()
	require.Len(t, reqs, 4)
	tests := []struct {
		method, path string
		query        url.Values
		auth         string
		body         string
		status       int
	}{
		{"GET", "/contact-companies/clients", url.Values{"company_slug": {"demo"}, "page": {"2"}}, "Bearer sandbox-token", "", 200},
		{"GET", "/contact-companies/clients", url.Values{"company_slug": {"demo"}}, "Bearer wrong", "", 401},
		{"POST", "/contact-companies", url.Values{}, "Bearer sandbox-token", `{"company_slug":"demo","name":"Logged"}`, 201},
		{"PUT", "/contact-companies/" + emulator.DemoAcmeUUID, url.Values{}, "Bearer sandbox-token", `{"company_slug":"demo","notes":"n"}`, 200},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			got := reqs[i]
			assert.Equal(t, tt.method, got.Method)
			assert.Equal(t, tt.path, got.Path)
			assert.Equal(t, tt.query, got.Query)
			assert.Equal(t, tt.auth, got.Header.Get("Authorization"))
			assert.Equal(t, tt.body, string(got.Body))
			assert.Equal(t, tt.status, got.Status)
		})
	}

	// The copy is the caller's own.
	reqs[0].Header.Set("Authorization", "changed")
	reqs[0].Body = nil
	again := e.srv.Requests()
	assert.Equal(t, "Bearer sandbox-token", again[0].Header.Get("Authorization"))

	e.srv.ResetRequests()
	assert.Empty(t, e.srv.Requests())
	e.do(http.MethodGet, listDemo, nil)
	assert.Len(t, e.srv.Requests(), 1)
}

func TestLogLimitKeepsMostRecent(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	e.srv.SetLogLimit(3)
	for i := range 10 {
		e.do(http.MethodGet, fmt.Sprintf("%s&page=%d", listDemo, i), nil)
	}
	reqs := e.srv.Requests()
	require.Len(t, reqs, 3)
	for i, r := range reqs {
		assert.Equal(t, fmt.Sprint(7+i), r.Query.Get("page"))
	}
	e.srv.SetLogLimit(0)
	e.do(http.MethodGet, listDemo, nil)
	assert.Len(t, e.srv.Requests(), 4)
}

func TestOversizedBodyIs413AndLoggedCapped(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	big := `{"company_slug":"demo","name":"Big","notes":"` + strings.Repeat("x", 1<<20) + `"}`
	r := e.do(http.MethodPost, "/contact-companies", big)
	require.Equal(t, http.StatusRequestEntityTooLarge, r.Status)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Contains(t, r.Body["message"], "too large")
	reqs := e.srv.Requests()
	require.Len(t, reqs, 1)
	assert.Len(t, reqs[0].Body, 1<<20)
	assert.Equal(t, http.StatusRequestEntityTooLarge, reqs[0].Status)
}
