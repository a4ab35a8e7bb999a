package httpserver_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
)

// readSpy is a body that counts the bytes read from it.
type readSpy struct {
	r    io.Reader
	read int
}

func (s *readSpy) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.read += n
	return n, err
}

func (s *readSpy) Close() error { return nil }

// TestLimitBody: a declared Content-Length over the bound is refused with 413
// before a byte is read; a body within the bound, or of unknown length, is read
// up to the bound and no further.
func TestLimitBody(t *testing.T) {
	const max = 1024
	cases := []struct {
		name          string
		size          int
		declared      int64
		ok            bool
		readErr       bool
		wantInMessage string
	}{
		{name: "declared over the bound", size: 4096, declared: 4096, wantInMessage: "The request body is 4096 bytes; this endpoint accepts at most 1 KiB (1024 bytes)."},
		{name: "declared at the bound", size: max, declared: max, ok: true},
		{name: "unknown length within the bound", size: 100, declared: -1, ok: true},
		{name: "unknown length over the bound", size: 4096, declared: -1, ok: true, readErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spy := &readSpy{r: strings.NewReader(strings.Repeat("x", tc.size))}
			r := httptest.NewRequest(http.MethodPost, "/mcp", nil)
			r.Body, r.ContentLength = spy, tc.declared
			w := httptest.NewRecorder()
			require.Equal(t, tc.ok, httpserver.LimitBody(w, r, max))
			if !tc.ok {
				assert.Zero(t, spy.read, "nothing read")
				assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
				assert.Equal(t, "close", w.Header().Get("Connection"))
				var body struct{ Error, Message string }
				require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
				assert.Equal(t, "request_too_large", body.Error)
				assert.Equal(t, tc.wantInMessage, body.Message)
				return
			}
			got, err := io.ReadAll(r.Body)
			if tc.readErr {
				var tooBig *http.MaxBytesError
				require.True(t, errors.As(err, &tooBig), "got %v", err)
				assert.LessOrEqual(t, spy.read, max+1)
				return
			}
			require.NoError(t, err)
			assert.Len(t, got, tc.size)
		})
	}
}
