package slackbot

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome/outcometest"
)

// TestFailureOutcomes: every error class gets the word of the one classification
// (the same table package tools checks), through the path that renders a reply and
// through classify; and only an error of no class reads as "Something went wrong".
func TestFailureOutcomes(t *testing.T) {
	t.Parallel()
	cases := append(outcometest.Cases(t),
		outcometest.Case{Name: "usage error", Err: errUsage(lookupCommand("show"), "show needs a client"), Want: outcome.Invalid})
	for _, tc := range cases {
		inv := &invocation{cmd: lookupCommand("update"), workspace: outcometest.Slug, arg: "acme"}
		msg, word := failure(DefaultCommand, inv, tc.Err)
		assert.Equal(t, tc.Want, word, "%s: %v", tc.Name, tc.Err)
		assert.Equal(t, tc.Want, classify(tc.Err), "classify %s", tc.Name)
		require.NotNil(t, msg, tc.Name)
		assert.Equal(t, tc.Want == outcome.Error, strings.Contains(msg.Text, "Something went wrong"),
			"%s: the reply reads %q", tc.Name, msg.Text)
	}
	assert.Equal(t, outcome.OK, classify(nil))
}
