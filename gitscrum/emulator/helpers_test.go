package emulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// env is a Server behind a real HTTP listener.
type env struct {
	t   *testing.T
	srv *emulator.Server
	ts  *httptest.Server
}

func newEnv(t *testing.T, opts ...emulator.Option) *env {
	t.Helper()
	srv := emulator.New(opts...)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	// Keep a connection per concurrent caller instead of opening one per request.
	ts.Client().Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	return &env{t: t, srv: srv, ts: ts}
}

// reply is a decoded answer.
type reply struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

// data returns the "data" object of the answer.
func (r reply) data(t *testing.T) map[string]any {
	t.Helper()
	d, ok := r.Body["data"].(map[string]any)
	require.True(t, ok, "no data object in %s", r.Raw)
	return d
}

// list returns the "data" array of the answer.
func (r reply) list(t *testing.T) []any {
	t.Helper()
	d, ok := r.Body["data"].([]any)
	require.True(t, ok, "no data array in %s", r.Raw)
	return d
}

// fields returns the "errors" object of a validation failure.
func (r reply) fields(t *testing.T) map[string]any {
	t.Helper()
	d, ok := r.Body["errors"].(map[string]any)
	require.True(t, ok, "no errors object in %s", r.Raw)
	return d
}

// call sends a request with token (none when empty). body is sent as is when a
// string, else encoded as JSON when not nil.
func (e *env) call(method, path, token string, body any) reply {
	e.t.Helper()
	header := "-"
	if token != "" {
		header = "Bearer " + token
	}
	return e.callHeader(method, path, header, body)
}

// callHeader sends a request with the Authorization header given ("-" for none).
func (e *env) callHeader(method, path, authorization string, body any) reply {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(e.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	require.NoError(e.t, err)
	if authorization != "-" {
		req.Header.Set("Authorization", authorization)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := e.ts.Client().Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	r := reply{Status: res.StatusCode, Header: res.Header, Raw: raw}
	if len(raw) > 0 && method != http.MethodHead {
		require.NoError(e.t, json.Unmarshal(raw, &r.Body), "body %q", raw)
	}
	return r
}

// do sends a request with DefaultToken.
func (e *env) do(method, path string, body any) reply {
	e.t.Helper()
	return e.call(method, path, emulator.DefaultToken, body)
}

const (
	listDemo = "/contact-companies/clients?company_slug=" + emulator.DemoWorkspace
	demoQ    = "?company_slug=" + emulator.DemoWorkspace
)

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return raw
}

func jsonBody(t *testing.T, v any) io.Reader {
	t.Helper()
	return bytes.NewReader(mustJSON(t, v))
}

// newEnvFor serves srv; the caller may Close the server early.
func newEnvFor(t *testing.T, srv *emulator.Server) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}
