package tools

import (
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome/outcometest"
)

// TestErrorResultOutcomes: every error class gets the word of the one
// classification (the same table package slackbot checks) in an isError result,
// and only an error the bridge knows nothing of reads as "Unexpected error".
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
			text := res.Content[0].(mcp.TextContent).Text
			if tc.Want != outcome.Error {
				assert.False(t, strings.HasPrefix(text, "Unexpected error"), "%s %s: the text reads %q", tool, tc.Name, text)
			}
		}
	}
}
