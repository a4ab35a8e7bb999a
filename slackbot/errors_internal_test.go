package slackbot

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome/outcometest"
)

// replyWords is what the reply to a failure of each outcome says, somewhere in it.
var replyWords = map[string]*regexp.Regexp{
	outcome.Invalid:       regexp.MustCompile(`(?i)invalid|needs`),
	outcome.NotFound:      regexp.MustCompile(`No client matches|was not found`),
	outcome.Ambiguous:     regexp.MustCompile(`matches`),
	outcome.Duplicate:     regexp.MustCompile(`already exists`),
	outcome.Unauthorized:  regexp.MustCompile(`token`),
	outcome.Forbidden:     regexp.MustCompile(`403 Forbidden`),
	outcome.RateLimited:   regexp.MustCompile(`rate limited`),
	outcome.Unavailable:   regexp.MustCompile(`GitScrum (answered 5|took too long|could not be reached)|state store cannot be reached`),
	outcome.Canceled:      regexp.MustCompile(`stopped waiting`),
	outcome.Error:         regexp.MustCompile(`Something went wrong: `),
	outcome.InternalError: regexp.MustCompile(`Something went wrong inside gitscrum-slack\.`),
}

// TestFailureOutcomes: every error class gets the word of the one classification
// (the same table package tools checks), through the path that renders a reply and
// through classify, and the reply words that outcome: only an error of no class
// reads as "Something went wrong".
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
		reply, err := json.Marshal(msg)
		require.NoError(t, err)
		require.Contains(t, replyWords, tc.Want, tc.Name)
		assert.Regexp(t, replyWords[tc.Want], string(reply), tc.Name)
		if tc.Want != outcome.Error && tc.Want != outcome.InternalError {
			assert.NotContains(t, string(reply), "Something went wrong", tc.Name)
		}
	}
	assert.Equal(t, outcome.OK, classify(nil))
}

// TestStateStoreRefusalReply: a write refused for want of the state store says so,
// that nothing was sent, and that lookups still work; it is not worded as GitScrum
// being down.
func TestStateStoreRefusalReply(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("step: %w", &gitscrum.StateStoreError{Op: "update_client", Err: errors.New("state store (sqlite) unavailable: acquire: database is locked")})
	for _, cmd := range []string{"create", "update"} {
		msg, word := failure(DefaultCommand, &invocation{cmd: lookupCommand(cmd), workspace: outcometest.Slug, arg: "acme"}, err)
		assert.Equal(t, outcome.Unavailable, word)
		reply, jerr := json.Marshal(msg)
		require.NoError(t, jerr)
		for _, want := range []string{"state store", "nothing was sent to GitScrum", "Lookups still work"} {
			assert.Contains(t, string(reply), want, cmd)
		}
		assert.NotContains(t, string(reply), "GitScrum could not be reached", cmd)
		modal := problemText(DefaultCommand, lookupCommand(cmd), err)
		assert.Contains(t, modal, "state store", "the modal's notice, %s", cmd)
		assert.NotContains(t, modal, "may or may not", "the modal's notice says nothing was saved, %s", cmd)
	}
}
