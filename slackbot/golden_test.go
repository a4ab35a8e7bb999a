package slackbot_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/snapshot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// updateSnapshots reports whether to rewrite the golden files instead of
// comparing with them: exactly when UPDATE_SNAPSHOTS=1.
func updateSnapshots() bool { return snapshot.Updating(os.Getenv) }

// TestSnapshotSwitch: UPDATE_SNAPSHOTS=0 compares; only 1 rewrites.
func TestSnapshotSwitch(t *testing.T) {
	t.Setenv("UPDATE_SNAPSHOTS", "0")
	assert.False(t, updateSnapshots())
	t.Setenv("UPDATE_SNAPSHOTS", "1")
	assert.True(t, updateSnapshots())
}

// assertGolden compares msg, as indented JSON, with testdata/golden/<name>.json.
func assertGolden(t *testing.T, name string, msg *slack.WebhookMessage) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep &lt; readable in the files
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(msg))
	got := buf.Bytes()
	path := filepath.Join("testdata", "golden", name+".json")
	if updateSnapshots() {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run the tests with UPDATE_SNAPSHOTS=1 to create it")
	assert.JSONEq(t, string(want), string(got), "Block Kit of %s differs from %s; UPDATE_SNAPSHOTS=1 refreshes it", name, path)
}

// TestGolden renders every kind of reply through real signed HTTP requests against
// the emulator and compares the Block Kit with the golden files. Every reply also
// stays inside Slack's limits.
func TestGolden(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		text  string
		user  string
		setup func(e *env)
		mods  []func(*slackbot.Config)
	}{
		{name: "help", text: ""},
		{name: "help_update", text: "help update"},
		{name: "list", text: "list"},
		{name: "list_query", text: "list acme"},
		{name: "list_shared", text: "search acme.co share"},
		{name: "card", text: "show Acme Corp"},
		{name: "card_shared", text: `show “Acme Corp” share`},
		{name: "card_hostile", text: "show alerts"},
		{name: "card_long_notes", text: "show northwind"},
		{name: "find_list", text: "acme"},
		{name: "changes", text: `update Acme Corp phone=+1-555-0101 notes= address="1 Infinite Loop, Cupertino"`, user: writer},
		{name: "changes_none", text: "update Acme Corp phone=+1-555-0100", user: writer},
		{name: "error_unknown_field", text: "update acme corp colour=red", user: writer},
		{name: "error_unbalanced_quote", text: `show "acme corp`},
		{name: "error_unknown_subcommand", text: "delete acme corp"},
		{name: "error_missing_argument", text: "update"},
		{name: "picker", text: "show"},
		{name: "card_writer", text: "show Acme Corp", user: writer},
		{name: "find_chooser", text: "a"},
		{name: "error_help_unknown", text: "help frobnicate"},
		{name: "error_share_on_create", text: "create Wonka share", user: writer},
		{name: "error_update_no_fields", text: "update acme corp", user: writer},
		{name: "error_not_found", text: "show globx"},
		{name: "error_ambiguous", text: "show acme"},
		{name: "error_duplicate", text: "create ACME corp. email=new@acme.example", user: writer},
		{name: "error_validation", text: "create Wonka email=not-an-email website=ftp://wonka", user: writer},
		{name: "error_no_workspace", text: "list", mods: []func(*slackbot.Config){func(c *slackbot.Config) { c.Workspace = "" }}},
		{name: "error_workspace_not_found", text: "list workspace=nope"},
		{name: "error_unauthorized", text: "list", setup: func(e *env) { e.emu.ExpireToken(emulator.DefaultToken) }},
		{name: "error_forbidden", text: "update acme corp phone=1", user: writer, setup: func(e *env) { e.emu.AddReadOnlyToken(emulator.DefaultToken) }},
		{name: "error_rate_limited", text: "list", setup: func(e *env) { e.emu.FailNext(1, http.StatusTooManyRequests, 30*time.Second) }},
		{name: "error_unavailable", text: "show acme corp", setup: func(e *env) { e.emu.FailNext(1, http.StatusServiceUnavailable, 0) }},
		{name: "error_unavailable_write", text: "create Wonka", user: writer, setup: func(e *env) { e.emu.FailNext(2, http.StatusBadGateway, 0) }},
		{name: "error_unavailable_write_sent", text: "create Wonka force=yes", user: writer, setup: func(e *env) { e.emu.FailNext(1, http.StatusBadGateway, 0) }},
		{name: "error_timeout", text: "list", setup: func(e *env) { e.emu.SetLatency(time.Second) },
			mods: []func(*slackbot.Config){func(c *slackbot.Config) { c.JobTimeout = 50 * time.Millisecond }}},
		{name: "error_writes_off", text: "create Wonka", user: writer, mods: []func(*slackbot.Config){func(c *slackbot.Config) { c.WriteUsers = nil }}},
		{name: "error_write_not_allowed", text: "create Wonka", user: reader},
		{name: "error_read_only", text: "update acme corp phone=1", user: writer, mods: []func(*slackbot.Config){func(c *slackbot.Config) { c.ReadOnly = true }}},
		// Values holding Slack's formatting, mentions and links show exactly as typed.
		{name: "card_formatting", text: "show " + codeUUID, setup: addFormattingClients},
		{name: "list_formatting", text: "list studio", setup: addFormattingClients},
		{name: "error_ambiguous_formatting", text: "update studio phone=1", user: writer, setup: addFormattingClients},
		{name: "error_not_found_formatting", text: "show *Bold* _Italc_", setup: addFormattingClients},
		{name: "error_unknown_subcommand_formatting", text: "delete *everything* `now`"},
		{name: "changes_formatting", text: "update " + strikeUUID + ` notes="> *really* _new_" name="~Strike~ Studio *Three*"`, user: writer, setup: addFormattingClients},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tc.mods...)
			if tc.setup != nil {
				tc.setup(e)
			}
			user := tc.user
			if user == "" {
				user = reader
			}
			msg := e.run(tc.text, user)
			require.NoError(t, blockkit.CheckLimits(msg))
			assertGolden(t, tc.name, msg)
		})
	}
}

// TestGoldenWrongCommand renders the refusal of another slash command.
func TestGoldenWrongCommand(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	form := e.commandForm("list", reader)
	form.Set("command", "/*gs*")
	status, body := e.do(e.signedRequest(form.Encode(), time.Now()))
	require.Equal(t, http.StatusOK, status)
	msg := decodeMessage(t, body)
	require.NoError(t, blockkit.CheckLimits(msg))
	assertGolden(t, "error_wrong_command", msg)
}

// TestGoldenAck renders the acknowledgement of a command slower than the inline
// budget.
func TestGoldenAck(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *slackbot.Config) { c.InlineBudget = 50 * time.Millisecond })
	e.emu.SetLatency(300 * time.Millisecond)
	msg := e.run(`show "Smith & Sons"`, reader)
	require.NoError(t, blockkit.CheckLimits(msg))
	assertGolden(t, "ack", msg)
	e.hooks.waitPosts(1, 5*time.Second)
}
