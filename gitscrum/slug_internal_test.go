package gitscrum

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestListCallKeepsSlugInQuery checks that a listing carries the workspace slug in
// the query alone, escaped there, whatever it holds: the path stays the list's own,
// and the slug decodes back whole, with no '/', '&', '#' or '?' of it reaching the
// path, another parameter or a fragment. The callers refuse such slugs before this
// (see TestSlugWithSlashRefused); this is the line behind them.
func TestListCallKeepsSlugInQuery(t *testing.T) {
	c, err := New(WithBaseURL("https://gitscrum.test/api"))
	require.NoError(t, err)
	for _, slug := range []string{"acme", "acme/other", "../../admin", "a%2Fb", "a&page=9", "a#frag", "a?b=c", "a b+c"} {
		target, err := c.target(listCall(slug, 2))
		require.NoError(t, err, slug)
		u, err := url.Parse(target)
		require.NoError(t, err, slug)
		assert.Equal(t, "/api/contact-companies/clients", u.Path, slug)
		assert.Equal(t, "/api/contact-companies/clients", u.EscapedPath(), slug)
		assert.Empty(t, u.Fragment, slug)
		assert.Equal(t, url.Values{"company_slug": {slug}, "page": {"2"}}, u.Query(), slug)
	}
}
