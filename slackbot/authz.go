package slackbot

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// EnvWriteUsers names the environment variable that lists the Slack user IDs allowed
// to create and update clients.
const EnvWriteUsers = "SLACK_WRITE_USERS"

// userIDPattern is the form of a Slack user ID: U or W and upper-case letters and
// digits.
var userIDPattern = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)

// EnvAdminUsers names the environment variable that lists the Slack user IDs
// allowed to change the bot's settings in a channel (/gitscrum config workspace),
// besides the Slack workspace's admins and owners.
const EnvAdminUsers = "SLACK_ADMIN_USERS"

// ParseWriteUsers reads a list of Slack user IDs separated by commas or white space,
// such as "U012ABCDEF, U034GHIJKL". Duplicates are dropped; an entry that is not a
// user ID is an error naming it.
func ParseWriteUsers(s string) ([]string, error) { return parseUserIDs(EnvWriteUsers, s) }

// ParseAdminUsers reads SLACK_ADMIN_USERS as [ParseWriteUsers] reads
// SLACK_WRITE_USERS.
func ParseAdminUsers(s string) ([]string, error) { return parseUserIDs(EnvAdminUsers, s) }

// parseUserIDs reads a list of user IDs given in the variable env.
func parseUserIDs(env, s string) ([]string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' }) {
		id := strings.TrimSpace(f)
		if !userIDPattern.MatchString(id) {
			return nil, fmt.Errorf("%s: %q is not a Slack user ID (like U012ABCDEF; see a member's profile → ⋮ → Copy member ID)", env, id)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// access decides who may write.
type access struct {
	writers  map[string]bool
	readOnly bool
}

func newAccess(writers []string, readOnly bool) access {
	a := access{writers: make(map[string]bool, len(writers)), readOnly: readOnly}
	for _, id := range writers {
		a.writers[id] = true
	}
	return a
}

// writeRefusal is why a user may not write.
type writeRefusal uint8

const (
	writeAllowed      writeRefusal = iota
	writeReadOnly                  // --read-only: nobody writes
	writeUnconfigured              // SLACK_WRITE_USERS is empty
	writeNotListed                 // the user is not in SLACK_WRITE_USERS
	writeNeedsAccount              // the fallback lets the bot's token read only: writes need a linked account
)

// canWrite reports whether userID may create and update clients, and why not.
// own says whether they act with their own linked GitScrum token: then an empty
// SLACK_WRITE_USERS lets everyone GitScrum lets write, and a non-empty one is an
// extra gate. With the bot's token a person must be listed.
func (a access) canWrite(userID string, own bool) writeRefusal {
	switch {
	case a.readOnly:
		return writeReadOnly
	case own && len(a.writers) == 0:
		return writeAllowed
	case len(a.writers) == 0:
		return writeUnconfigured
	case !a.writers[userID]:
		return writeNotListed
	}
	return writeAllowed
}

// String describes the access for the help and the logs.
func (a access) String() string {
	switch {
	case a.readOnly:
		return "read-only"
	case len(a.writers) == 0:
		return "writes off (SLACK_WRITE_USERS unset)"
	}
	return fmt.Sprintf("writes for %d user(s)", len(a.writers))
}
