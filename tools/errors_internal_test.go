package tools

import (
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome/outcometest"
)

// resultWords is what the text of a failure of each outcome says, somewhere in it.
// "(word)" is the text of a bare class sentinel, which carries no details to word.
var resultWords = map[string]*regexp.Regexp{
	outcome.Invalid:       regexp.MustCompile(`Invalid input|refused the input|No workspace given|must be|\(invalid\)`),
	outcome.NotFound:      regexp.MustCompile(`not found|No client|\(not_found\)`),
	outcome.Ambiguous:     regexp.MustCompile(`matches|\(ambiguous\)`),
	outcome.Duplicate:     regexp.MustCompile(`already has a client|\(duplicate\)`),
	outcome.Unauthorized:  regexp.MustCompile(`refused the server's token|No GitScrum token|\(unauthorized\)`),
	outcome.Forbidden:     regexp.MustCompile(`refused this action|\(forbidden\)`),
	outcome.RateLimited:   regexp.MustCompile(`rate limiting|\(rate_limited\)`),
	outcome.Unavailable:   regexp.MustCompile(`GitScrum is unavailable|did not answer in time|state store .* cannot be reached`),
	outcome.Canceled:      regexp.MustCompile(`The call was canceled`),
	outcome.Error:         regexp.MustCompile(`^Unexpected error|does not expect`),
	outcome.InternalError: regexp.MustCompile(`^Internal error in the gitscrum-mcp server`),
}

// TestErrorResultOutcomes: every error class gets the word of the one
// classification (the same table package slackbot checks) in an isError result
// whose text words that outcome.
func TestErrorResultOutcomes(t *testing.T) {
	t.Parallel()
	cases := append(outcometest.Cases(t),
		outcometest.Case{Name: "argument error", Err: &ArgError{Tool: toolGet, Arg: "client", Msg: "client must be a string"}, Want: outcome.Invalid},
		outcometest.Case{Name: "no workspace", Err: errNoWorkspace, Want: outcome.Invalid},
		outcometest.Case{Name: "no token", Err: errNoToken, Want: outcome.Unauthorized},
	)
	for _, tool := range []string{toolList, toolGet, toolCreate, toolUpdate} {
		for _, tc := range cases {
			res, word := errorResult(tc.Err, failure{tool: tool, slug: outcometest.Slug})
			assert.Equal(t, tc.Want, word, "%s %s: %v", tool, tc.Name, tc.Err)
			require.True(t, res.IsError, tc.Name)
			require.Len(t, res.Content, 1, tc.Name)
			require.Contains(t, resultWords, tc.Want, tc.Name)
			assert.Regexp(t, resultWords[tc.Want], res.Content[0].(mcp.TextContent).Text, "%s %s", tool, tc.Name)
		}
	}
}

// TestStateStoreRefusalText: a write refused for want of the state store says so,
// that nothing was sent, and that reads still work, for every write tool; it is not
// worded as GitScrum being down.
func TestStateStoreRefusalText(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("step: %w", &gitscrum.StateStoreError{Op: "create_client", Err: errors.New("state store (postgres) unavailable: acquire: connection refused")})
	for _, tool := range []string{toolCreate, toolUpdate} {
		res, word := errorResult(err, failure{tool: tool, slug: outcometest.Slug})
		assert.Equal(t, outcome.Unavailable, word)
		text := res.Content[0].(mcp.TextContent).Text
		for _, want := range []string{"state store", "nothing was sent to GitScrum", "Reads", "still work", tool} {
			assert.Contains(t, text, want, tool)
		}
		assert.NotContains(t, text, "GitScrum is unavailable", tool)
	}
}
