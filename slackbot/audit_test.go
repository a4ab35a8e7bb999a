package slackbot_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

func withStore(s *store.Store) func(*slackbot.Config) {
	return func(c *slackbot.Config) { c.Store = s }
}

// auditRows returns the audit rows of a client of the demo workspace, newest first.
func auditRows(t *testing.T, s *store.Store, uuid string) []store.Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rows, err := s.History(ctx, emulator.DemoWorkspace, uuid, 100)
	require.NoError(t, err, "reading the audit log within 10 s")
	return rows
}

// uuidNamed returns the UUID of the demo client named name.
func uuidNamed(t *testing.T, e *env, name string) string {
	t.Helper()
	for _, c := range e.emu.Clients(emulator.DemoWorkspace) {
		if c.Name == name {
			return c.UUID
		}
	}
	t.Fatalf("no client named %q", name)
	return ""
}

// TestAuditOfSlackWrites: the create and update commands and the New client and
// Edit submissions each record one row: surface slack, the team and user, the
// workspace, the client, each field before → after, the outcome; a refused
// create too, without changes. No row holds a token or the signing secret.
func TestAuditOfSlackWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, dbURL string) {
		e := newIEnv(t, withStore(s))
		me := store.SlackActor("T0TEAM001", writer)

		e.run("create Audit Co email=ops@audit.example", writer)
		uuid := uuidNamed(t, e.env, "Audit Co")
		e.run(`update Audit Co phone=+1-555-0101 email=`, writer)
		e.run("create audit co", writer) // a duplicate, refused

		rows := auditRows(t, s, uuid)
		require.Len(t, rows, 2, "the create and the update")
		assert.Equal(t, store.Entry{When: rows[1].When, Surface: "slack", Actor: me, Workspace: "demo", ClientUUID: uuid, ClientName: "Audit Co",
			Changes: []store.Change{{Field: "name", After: "Audit Co"}, {Field: "email", After: "ops@audit.example"}}, Outcome: "ok"}, rows[1])
		assert.Equal(t, []store.Change{{Field: "email", Before: "ops@audit.example", After: ""}, {Field: "phone", Before: "", After: "+1-555-0101"}}, rows[0].Changes)
		assert.Equal(t, "ok", rows[0].Outcome)
		refused := auditRows(t, s, "")
		require.Len(t, refused, 1, "the refused create, which made no client")
		assert.Equal(t, "duplicate", refused[0].Outcome)
		assert.Empty(t, refused[0].Changes)

		v := e.openCreate(writer)
		require.Empty(t, bytes.TrimSpace(e.interactOK(submitPayload(writer, v, map[string]string{"name": "Modal Co", "phone": "+1 555 0199"}, false))), "created, the modal closed")
		rows = auditRows(t, s, uuidNamed(t, e.env, "Modal Co"))
		require.Len(t, rows, 1, "the New client submission")
		assert.Equal(t, []store.Change{{Field: "name", After: "Modal Co"}, {Field: "phone", After: "+1 555 0199"}}, rows[0].Changes)
		assert.Equal(t, me, rows[0].Actor)

		v = e.openEdit(acmeUUID)
		acme, _ := e.emu.Client(emulator.DemoWorkspace, acmeUUID)
		values := map[string]string{}
		for _, f := range gitscrum.EditableFields {
			values[string(f)] = acme.Get(f)
		}
		values["notes"] = "Renewed"
		require.Empty(t, bytes.TrimSpace(e.interactOK(submitPayload(writer, v, values, false))), "saved, the modal closed")
		rows = auditRows(t, s, acmeUUID)
		require.Len(t, rows, 1, "the Edit submission")
		assert.Equal(t, []store.Change{{Field: "notes", Before: acme.Notes, After: "Renewed"}}, rows[0].Changes)
		assert.Equal(t, "Acme Corp", rows[0].ClientName)

		dump := storetest.Dump(t, dbURL, "audit_log")
		assert.Contains(t, dump, "ops@audit.example", "the dump holds the rows")
		for _, secret := range []string{testBotToken, testSecret, emulator.DefaultToken} {
			assert.NotContains(t, dump, secret)
		}
	})
}

// historyFixture appends the entries of the history golden: fixed times, values
// that Slack's mrkdwn would interpret, an MCP write and a refused one.
func historyFixture(t *testing.T, s *store.Store) {
	t.Helper()
	at := time.Date(2026, 3, 4, 9, 30, 0, 0, time.UTC)
	for i, e := range []store.Entry{
		{Surface: store.SurfaceSlack, Actor: store.SlackActor("T0TEAM001", writer), Changes: []store.Change{
			{Field: "name", After: "Acme Corp"}, {Field: "email", After: "billing@acme.co"}}, Outcome: "ok"},
		{Surface: store.SurfaceMCP, Actor: store.TokenActor([]byte("k"), "a token"), Changes: []store.Change{
			{Field: "notes", Before: "Enterprise client since 2024", After: "<!channel> *bold* <https://evil.example|click>"},
			{Field: "phone", Before: "+1-555-0100", After: ""}}, Outcome: "ok"},
		{Surface: store.SurfaceSlack, Actor: store.SlackActor("T0TEAM001", reader), Outcome: "forbidden"},
	} {
		e.When, e.Workspace, e.ClientUUID, e.ClientName = at.Add(time.Duration(i)*time.Hour), "demo", acmeUUID, "Acme Corp"
		require.NoError(t, s.Append(context.Background(), e))
	}
}

// TestHistoryCommand: /gitscrum history <client> shows the client's entries,
// newest first, with Slack's date formatting, the Slack user or "an MCP client",
// and each value in plain text exactly as typed (golden).
func TestHistoryCommand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ string) {
		historyFixture(t, s)
		e := newEnv(t, withStore(s))
		msg := e.run("history acme corp", reader)
		assertGolden(t, "history", msg)
		text := joined(t, msg)
		assert.Contains(t, text, "<!date^1772616600^{date_short_pretty} {time}|2026-03-04 09:30 UTC>")
		assert.Contains(t, text, "<@"+writer+">")
		assert.Contains(t, text, "an MCP client")

		empty := e.run("history globex", reader)
		assert.Contains(t, joined(t, empty), "No changes to “Globex Corporation” were made through this bridge yet.")
	})
}

// TestHistoryNeedsTheClientInSlack: the history of a client the bot cannot read
// (a token GitScrum refuses, a workspace without the client) is never shown.
func TestHistoryNeedsTheClientInSlack(t *testing.T) {
	s := storetest.Open(t, storetest.Backends()[0].NewURL(t))
	historyFixture(t, s)
	refused := newEnv(t, withStore(s), func(c *slackbot.Config) { c.Client = c.Client.WithToken("a-token-gitscrum-refuses") })
	text := joined(t, refused.run("history "+acmeUUID, reader))
	assert.NotContains(t, text, "evil.example", "no entry shown")
	assert.NotContains(t, text, "History of")
	assert.Contains(t, text, "GitScrum")

	e := newEnv(t, withStore(s))
	text = joined(t, e.run("history "+acmeUUID+" workspace=other", reader))
	assert.NotContains(t, text, "evil.example", "no entry shown")
	assert.NotContains(t, text, "History of")
}

// TestHistoryWithoutStoreInSlack: without a state store, history says that it
// needs one and how to configure it.
func TestHistoryWithoutStoreInSlack(t *testing.T) {
	e := newEnv(t)
	text := joined(t, e.run("history acme corp", reader))
	assert.Contains(t, text, "History needs the state store")
	assert.Contains(t, text, "GITSCRUM_DATABASE_URL")
}
