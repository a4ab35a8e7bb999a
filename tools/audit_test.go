package tools_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

func withStore(s *store.Store) func(*envConfig) { return func(c *envConfig) { c.opts.Store = s } }

// auditToken is the token of the audit tests: a value no row may contain.
const auditToken = "audit-secret-token-0123456789abcdef"

// history returns the audit rows of a client of the demo workspace, newest first.
func history(t *testing.T, s *store.Store, uuid string) []store.Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rows, err := s.History(ctx, emulator.DemoWorkspace, uuid, 100)
	require.NoError(t, err, "reading the audit log within 10 s")
	return rows
}

// TestAuditOfWrites: every create_client and update_client call that reaches
// GitScrum is one row: surface mcp, the token's keyed hash as actor, the
// workspace, the client, each field before → after, the outcome word; failed
// writes too, without changes. No row holds the token.
func TestAuditOfWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, dbURL string) {
		e := newEnv(t, withStore(s), withToken(auditToken))
		e.emu.AddToken(auditToken)

		res := e.call(t, "create_client", map[string]any{"name": "Audit Co", "email": "ops@audit.example", "notes": "<b>*bold*</b>"})
		require.False(t, res.IsError, textOf(t, res))
		uuid := structured(t, res)["client"].(map[string]any)["uuid"].(string)

		res = e.call(t, "update_client", map[string]any{"client": uuid, "phone": "+1 555 0101", "notes": ""})
		require.False(t, res.IsError, textOf(t, res))
		res = e.call(t, "create_client", map[string]any{"name": "audit co"})
		require.True(t, res.IsError, "a duplicate is refused")
		res = e.call(t, "update_client", map[string]any{"client": "00000000-0000-4000-8000-000000000000", "phone": "1"})
		require.True(t, res.IsError, "no such client")

		rows := history(t, s, uuid)
		require.Len(t, rows, 2, "the create and the update")
		upd, crt := rows[0], rows[1]
		for _, r := range rows {
			assert.Equal(t, store.SurfaceMCP, r.Surface)
			assert.Equal(t, "demo", r.Workspace)
			assert.Equal(t, "Audit Co", r.ClientName)
			assert.Equal(t, "ok", r.Outcome)
			assert.Regexp(t, `^token:[0-9a-f]{32}$`, r.Actor)
		}
		assert.Equal(t, crt.Actor, upd.Actor, "one token, one actor")
		assert.Equal(t, []store.Change{
			{Field: "name", After: "Audit Co"}, {Field: "email", After: "ops@audit.example"}, {Field: "notes", After: "<b>*bold*</b>"},
		}, crt.Changes, "a create: every field set, → after")
		assert.Equal(t, []store.Change{
			{Field: "phone", Before: "", After: "+1 555 0101"}, {Field: "notes", Before: "<b>*bold*</b>", After: ""},
		}, upd.Changes, "an update: each change, before → after")

		dup := history(t, s, "")
		require.Len(t, dup, 1, "the refused create, which made no client")
		assert.Equal(t, "duplicate", dup[0].Outcome)
		assert.Equal(t, "audit co", dup[0].ClientName)
		assert.Empty(t, dup[0].Changes, "nothing changed")

		missing := history(t, s, "00000000-0000-4000-8000-000000000000")
		require.Len(t, missing, 1, "the update of a client that does not exist, by its UUID")
		assert.Equal(t, "not_found", missing[0].Outcome)
		assert.Empty(t, missing[0].Changes)

		all, err := json.Marshal(append(append(rows, dup...), missing...))
		require.NoError(t, err)
		assert.NotContains(t, string(all), auditToken)
		dump := storetest.Dump(t, dbURL, "audit_log")
		assert.Contains(t, dump, "ops@audit.example", "the dump holds the rows")
		assert.NotContains(t, dump, auditToken, "no row holds the token")
	})
}

// TestAuditOfARefusedToken: an update GitScrum refuses for its token is recorded
// as unauthorized, without changes.
func TestAuditOfARefusedToken(t *testing.T) {
	s := storetest.Open(t, storetest.Backends()[0].NewURL(t))
	e := newEnv(t, withStore(s), withToken("refused-token"))
	res := e.call(t, "update_client", map[string]any{"client": emulator.DemoAcmeUUID, "phone": "1"})
	require.True(t, res.IsError)
	rows := history(t, s, emulator.DemoAcmeUUID)
	require.Len(t, rows, 1)
	assert.Equal(t, "unauthorized", rows[0].Outcome)
	assert.Empty(t, rows[0].Changes)
}

// TestAuditWithoutStore: without a store, writes work as before.
func TestAuditWithoutStore(t *testing.T) {
	e := newEnv(t)
	res := e.call(t, "update_client", map[string]any{"client": emulator.DemoAcmeUUID, "phone": "1"})
	require.False(t, res.IsError, textOf(t, res))
}

// historyDoc is the JSON of the history resource, as a reader decodes it.
type historyDoc struct {
	Workspace string `json:"workspace"`
	Client    struct {
		UUID string `json:"uuid"`
		Name string `json:"name"`
	} `json:"client"`
	Entries []struct {
		When    time.Time      `json:"when"`
		Surface string         `json:"surface"`
		Actor   string         `json:"actor"`
		Who     string         `json:"who"`
		Changes []store.Change `json:"changes"`
		Outcome string         `json:"outcome"`
	} `json:"entries"`
}

// TestHistoryResource: gitscrum://{slug}/clients/{client}/history returns the
// client's writes through the bridge (Slack's too), newest first, as JSON; the
// client is named as the client resource names it.
func TestHistoryResource(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ string) {
		e := newEnv(t, withStore(s))
		ctx := context.Background()
		require.NoError(t, s.Append(ctx, store.Entry{When: time.Now().Add(-time.Hour), Surface: store.SurfaceSlack, Actor: store.SlackActor("T1", "U1"),
			Workspace: "demo", ClientUUID: emulator.DemoAcmeUUID, ClientName: "Acme Corp",
			Changes: []store.Change{{Field: "email", Before: "billing@acme.co", After: "ap@acme.co"}}, Outcome: "ok"}))
		res := e.call(t, "update_client", map[string]any{"client": emulator.DemoAcmeUUID, "phone": "+1-555-0199"})
		require.False(t, res.IsError, textOf(t, res))

		for _, uri := range []string{tools.HistoryURI("demo", emulator.DemoAcmeUUID), tools.HistoryURI("demo", "Acme Corp")} {
			got, err := readResource(t, e.mcp, uri)
			require.NoError(t, err, uri)
			require.Len(t, got.Contents, 1)
			text := got.Contents[0].(mcp.TextResourceContents)
			assert.Equal(t, "application/json", text.MIMEType)
			assert.Equal(t, uri, text.URI)
			var doc historyDoc
			require.NoError(t, json.Unmarshal([]byte(text.Text), &doc))
			assert.Equal(t, "demo", doc.Workspace)
			assert.Equal(t, emulator.DemoAcmeUUID, doc.Client.UUID)
			require.Len(t, doc.Entries, 2)
			assert.Equal(t, "mcp", doc.Entries[0].Surface, "newest first")
			assert.Equal(t, []store.Change{{Field: "phone", Before: "+1-555-0100", After: "+1-555-0199"}}, doc.Entries[0].Changes)
			assert.Contains(t, doc.Entries[0].Who, "an MCP client")
			assert.Equal(t, "slack", doc.Entries[1].Surface)
			assert.Equal(t, "Slack user U1", doc.Entries[1].Who)
			assert.Equal(t, "ap@acme.co", doc.Entries[1].Changes[0].After)
		}
	})
}

// TestHistoryNeedsTheClient: the history of a client the reader cannot read is
// never shown: a token GitScrum refuses, or a workspace that has no such client,
// is an error without any entry.
func TestHistoryNeedsTheClient(t *testing.T) {
	s := storetest.Open(t, storetest.Backends()[0].NewURL(t))
	require.NoError(t, s.Append(context.Background(), store.Entry{Surface: store.SurfaceSlack, Actor: store.SlackActor("T1", "U1"),
		Workspace: "demo", ClientUUID: emulator.DemoAcmeUUID, ClientName: "Acme Corp",
		Changes: []store.Change{{Field: "notes", Before: "", After: "secret plans"}}, Outcome: "ok"}))

	refused := newEnv(t, withStore(s), withToken("a-token-gitscrum-refuses"))
	_, err := readResource(t, refused.mcp, tools.HistoryURI("demo", emulator.DemoAcmeUUID))
	require.Error(t, err, "a token GitScrum refuses reads no history")
	assert.NotContains(t, err.Error(), "secret plans")
	assert.Contains(t, err.Error(), "401")

	e := newEnv(t, withStore(s))
	e.emu.AddClients("other", emulator.New().Clients("none")...)
	_, err = readResource(t, e.mcp, tools.HistoryURI("other", emulator.DemoAcmeUUID))
	require.Error(t, err, "a client of another workspace is not found there")
	assert.NotContains(t, err.Error(), "secret plans")
	assert.Contains(t, err.Error(), "not found")
}

// TestHistoryWithoutStore: without a state store, the history says that it needs
// one and how to configure it.
func TestHistoryWithoutStore(t *testing.T) {
	e := newEnv(t)
	_, err := readResource(t, e.mcp, tools.HistoryURI("demo", emulator.DemoAcmeUUID))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "History needs the state store")
	assert.Contains(t, err.Error(), "GITSCRUM_DATABASE_URL")
}

// TestHistoryTemplate: the history template is listed, and its client argument
// completes as the client resource's does.
func TestHistoryTemplate(t *testing.T) {
	e := newEnv(t)
	tmpl, err := e.mcp.ListResourceTemplates(context.Background(), mcp.ListResourceTemplatesRequest{})
	require.NoError(t, err)
	var uris []string
	for _, rt := range tmpl.ResourceTemplates {
		uris = append(uris, rt.URITemplate.Raw())
	}
	assert.ElementsMatch(t, []string{tools.ClientTemplate, tools.HistoryTemplate}, uris)

	req := mcp.CompleteRequest{}
	req.Params.Ref = mcp.ResourceReference{Type: "ref/resource", URI: tools.HistoryTemplate}
	req.Params.Argument = mcp.CompleteArgument{Name: "client", Value: "acm"}
	got, err := e.mcp.Complete(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, []string{"Acme Corp", "Acme Logistics"}, got.Completion.Values)
}
