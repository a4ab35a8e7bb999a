package httpserver_test

import (
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
)

// TestWriteJSON: one line of JSON, with its content type and nosniff; a value that
// cannot be encoded is a 500.
func TestWriteJSON(t *testing.T) {
	rec := httptest.NewRecorder()
	httpserver.WriteJSON(rec, http.StatusTeapot, map[string]any{"b": 1, "a": "<x>"})
	assert.Equal(t, http.StatusTeapot, rec.Code)
	assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
	assert.Equal(t, `{"a":"\u003cx\u003e","b":1}`+"\n", rec.Body.String())

	rec = httptest.NewRecorder()
	httpserver.WriteJSON(rec, http.StatusOK, math.NaN())
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
}

// TestHealth: the body each binary serves (gitscrum-slack and gitscrum-sandbox
// give no server or version, gitscrum-mcp both), to GET and HEAD; another method
// is a 405 that says what is allowed.
func TestHealth(t *testing.T) {
	for _, tc := range []struct {
		server, version, want string
	}{
		{"", "", `{"status":"ok"}` + "\n"},
		{"gitscrum-mcp", "v1.2.3", `{"server":"gitscrum-mcp","status":"ok","version":"v1.2.3"}` + "\n"},
	} {
		h := httpserver.Health(tc.server, tc.version)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, httpserver.HealthPath, nil))
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, tc.want, rec.Body.String())

		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, httpserver.HealthPath, nil))
		assert.Equal(t, http.StatusOK, rec.Code)

		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(m, httpserver.HealthPath, nil))
			assert.Equal(t, http.StatusMethodNotAllowed, rec.Code, m)
			assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"), m)
		}
	}
}
