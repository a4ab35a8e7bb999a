package gitscrum

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClientIDEscapedOnce checks a client id goes out in the URL path escaped exactly
// once, whatever it holds, also under a base URL with a path of its own. It calls the
// transport directly, because GetClient refuses some of these ids before sending.
func TestClientIDEscapedOnce(t *testing.T) {
	var mu sync.Mutex
	var got []*http.Request
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":{"uuid":"x","name":"X"}}`))
	}))
	t.Cleanup(ts.Close)

	tests := []struct {
		id, wire string
	}{
		{"client-abc-123", "client-abc-123"},
		{"ü", "%C3%BC"},
		{"Müller & Söhne", "M%C3%BCller%20&%20S%C3%B6hne"},
		{"a b", "a%20b"},
		{"a/b", "a%2Fb"},
		{"../x", "..%2Fx"},
		{"100%", "100%25"},
		{"%C3%BC", "%25C3%25BC"},
		{"a?b", "a%3Fb"},
		{"a#b", "a%23b"},
		{"a+b;c", "a+b%3Bc"},
	}
	for _, base := range []string{"", "/api/v1", "/gs api"} {
		c, err := New(WithBaseURL(ts.URL+base), WithToken("sandbox-token"), WithRetryPolicy(NoRetries))
		require.NoError(t, err)
		wantBase := (&url.URL{Path: base}).EscapedPath()
		for _, tt := range tests {
			t.Run(base+" "+tt.id, func(t *testing.T) {
				mu.Lock()
				got = nil
				mu.Unlock()
				q := url.Values{"company_slug": {"acme"}}
				_, err := c.record(context.Background(), call{op: "get_client", method: http.MethodGet, path: clientPath(tt.id), query: q})
				require.NoError(t, err)
				mu.Lock()
				defer mu.Unlock()
				require.Len(t, got, 1)
				r := got[0]
				wantPath := wantBase + "/contact-companies/" + tt.wire
				assert.Equal(t, wantPath+"?company_slug=acme", r.RequestURI)
				assert.Equal(t, wantPath, r.URL.EscapedPath())
				assert.Equal(t, base+"/contact-companies/"+tt.id, r.URL.Path, "the server decodes the id back exactly")
				assert.False(t, strings.Contains(r.RequestURI, "%25") && !strings.Contains(tt.id, "%"), "a %% sign was escaped twice: %s", r.RequestURI)
			})
		}
	}
}

// FuzzClientPath checks that any id survives the trip into a URL: the URL parses back
// to the id itself, as one path segment, with no '%' escaped twice.
func FuzzClientPath(f *testing.F) {
	for _, id := range []string{"ü", "a/b", "100%", "%C3%BC", "a?b#c", "../x", " ", "東"} {
		f.Add(id)
	}
	c, err := New(WithBaseURL("https://gitscrum.test/api"))
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, id string) {
		target, err := c.target(call{op: "get_client", path: clientPath(id)})
		require.NoError(t, err)
		u, err := url.Parse(target)
		require.NoError(t, err)
		assert.Equal(t, "/api/contact-companies/"+id, u.Path)
		assert.Equal(t, "/api/contact-companies/"+url.PathEscape(id), u.EscapedPath())
		assert.Empty(t, u.RawQuery)
		assert.Empty(t, u.Fragment)
	})
}
