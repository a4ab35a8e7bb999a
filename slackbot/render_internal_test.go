package slackbot

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// TestFormatMoney covers grouping, rounding, signs and odd values.
func TestFormatMoney(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0.00"},
		{5, "5.00"},
		{999.999, "1,000.00"},
		{1200, "1,200.00"},
		{18450.5, "18,450.50"},
		{125000, "125,000.00"},
		{3500000, "3,500,000.00"},
		{-7800.25, "-7,800.25"},
		{-0.001, "0.00"},
		{1e15, "1,000,000,000,000,000.00"},
		{math.NaN(), "—"},
		{math.Inf(1), "—"},
	} {
		assert.Equal(t, tc.want, FormatMoney(gitscrum.Money(tc.in)), "%v", tc.in)
	}
}

// TestFormatDate covers Slack's date markup and its fallbacks.
func TestFormatDate(t *testing.T) {
	t.Parallel()
	at := gitscrum.Timestamp{Time: time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC)}
	assert.Equal(t, "<!date^1749981600^{date_short}|2025-06-15>", formatDate(at))
	assert.Equal(t, "—", formatDate(gitscrum.Timestamp{}))
	assert.Equal(t, "1969-07-20", formatDate(gitscrum.Timestamp{Time: time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC)}))
}

// TestCommandTable checks the table that routes commands and generates the help:
// names are unique, every command is complete, and every example parses and binds.
func TestCommandTable(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	bare := 0
	for _, c := range commands {
		for _, n := range append([]string{c.name}, c.aliases...) {
			assert.False(t, seen[n], "name %q is used twice", n)
			seen[n] = true
			assert.Same(t, c, lookupCommand(strings.ToUpper(n)), "lookup is case-insensitive")
		}
		if c.bare {
			bare++
		}
		assert.NotNil(t, newRouter(&Bot{}).commands[c.name], "the router runs %s", c.name)
		assert.NotEmpty(t, c.summary, c.name)
		assert.NotEmpty(t, c.examples, c.name)
		if c.workspace {
			assert.Contains(t, c.working, "%s", c.name)
		}
		for _, ex := range c.examples {
			toks, err := Tokenize(ex)
			require.NoError(t, err, ex)
			cmd, rest := c, toks
			if !c.bare {
				require.NotEmpty(t, toks, ex)
				require.Same(t, c, lookupCommand(toks[0].Text), "example %q runs %s", ex, c.name)
				rest = toks[1:]
			}
			_, err = bind(cmd, rest, "demo")
			assert.NoError(t, err, "example %q", ex)
		}
	}
	assert.Equal(t, 1, bare, "exactly one command runs for bare text")
	assert.LessOrEqual(t, len(usageHint()), 1000, "Slack's limit for a usage hint")
	for _, w := range []string{"help", "list", "show", "create", "update"} {
		assert.Contains(t, usageHint(), w)
	}
}

// TestSimilarCommand covers the "did you mean".
func TestSimilarCommand(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "update", similarCommand("upd").name)
	assert.Equal(t, "create", similarCommand("created").name)
	assert.Equal(t, "list", similarCommand("listing").name)
	assert.Nil(t, similarCommand("delete"))
	assert.Nil(t, similarCommand("sh"))
}

// TestAccess covers the write allow-list and read-only mode.
func TestAccess(t *testing.T) {
	t.Parallel()
	ids, err := ParseWriteUsers(" U012ABCDEF, W034GHIJKL;U012ABCDEF\tU999 ")
	require.NoError(t, err)
	assert.Equal(t, []string{"U012ABCDEF", "W034GHIJKL", "U999"}, ids)
	empty, err := ParseWriteUsers("  ,  ")
	require.NoError(t, err)
	assert.Empty(t, empty)
	for _, bad := range []string{"alice", "u012abcdef", "U", "<@U012ABCDEF>", "C012ABCDEF"} {
		_, err := ParseWriteUsers(bad)
		assert.Error(t, err, bad)
	}

	for _, tc := range []struct {
		name    string
		writers []string
		ro      bool
		user    string
		own     bool
		want    writeRefusal
	}{
		{"listed, bot token", []string{"U1A"}, false, "U1A", false, writeAllowed},
		{"not listed, bot token", []string{"U1A"}, false, "U2B", false, writeNotListed},
		{"no user, bot token", []string{"U1A"}, false, "", false, writeNotListed},
		{"no list, bot token", nil, false, "U1A", false, writeUnconfigured},
		{"read-only, bot token", []string{"U1A"}, true, "U1A", false, writeReadOnly},
		{"no list, own token: GitScrum decides", nil, false, "U1A", true, writeAllowed},
		{"listed, own token", []string{"U1A"}, false, "U1A", true, writeAllowed},
		{"not listed, own token: the list is an extra gate", []string{"U1A"}, false, "U2B", true, writeNotListed},
		{"read-only, own token", nil, true, "U1A", true, writeReadOnly},
	} {
		assert.Equal(t, tc.want, newAccess(tc.writers, tc.ro).canWrite(tc.user, tc.own), tc.name)
	}
}
