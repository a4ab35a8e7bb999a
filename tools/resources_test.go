package tools_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// snapshotJSON compares v, as indented JSON, with testdata/name; UPDATE_SNAPSHOTS=1
// rewrites it.
func snapshotJSON(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if updateSnapshots() {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "no snapshot; run the tests with UPDATE_SNAPSHOTS=1")
	assert.Equal(t, string(want), string(got), "%s changed; if intended, run the tests with UPDATE_SNAPSHOTS=1", path)
}

// stableResult drops what changes from run to run or with the server's version
// (the _meta that mcp-go adds from 2026-07-28 on carries the server's version).
func stableResult(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	delete(m, "_meta")
	return m
}

func readResource(t *testing.T, c *client.Client, uri string) (*mcp.ReadResourceResult, error) {
	t.Helper()
	req := mcp.ReadResourceRequest{}
	req.Params.URI = uri
	return c.ReadResource(context.Background(), req)
}

func complete(t *testing.T, c *client.Client, arg, value string, ctxArgs map[string]string) *mcp.CompleteResult {
	t.Helper()
	req := mcp.CompleteRequest{}
	req.Params.Ref = mcp.ResourceReference{Type: "ref/resource", URI: tools.ClientTemplate}
	req.Params.Argument = mcp.CompleteArgument{Name: arg, Value: value}
	req.Params.Context = mcp.CompleteContext{Arguments: ctxArgs}
	res, err := c.Complete(context.Background(), req)
	require.NoError(t, err)
	return res
}

// TestResourceLists: resources/templates/list offers the client template;
// resources/list the default workspace's clients, and nothing without a default
// workspace. Both are kept as snapshots.
func TestResourceLists(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tmpl, err := e.mcp.ListResourceTemplates(ctx, mcp.ListResourceTemplatesRequest{})
	require.NoError(t, err)
	require.Len(t, tmpl.ResourceTemplates, 2, "the client and its history")
	sort.Slice(tmpl.ResourceTemplates, func(i, j int) bool {
		return tmpl.ResourceTemplates[i].URITemplate.Raw() < tmpl.ResourceTemplates[j].URITemplate.Raw()
	})
	assert.Equal(t, tools.ClientTemplate, tmpl.ResourceTemplates[0].URITemplate.Raw())
	assert.Equal(t, tools.HistoryTemplate, tmpl.ResourceTemplates[1].URITemplate.Raw())
	snapshotJSON(t, "resources_templates_list.json", stableResult(t, tmpl))

	list, err := e.mcp.ListResources(ctx, mcp.ListResourcesRequest{})
	require.NoError(t, err)
	require.Len(t, list.Resources, 1)
	assert.Equal(t, "gitscrum://demo/clients", list.Resources[0].URI)
	snapshotJSON(t, "resources_list.json", stableResult(t, list))

	none := newEnv(t, withSlug(""))
	list, err = none.mcp.ListResources(ctx, mcp.ListResourcesRequest{})
	require.NoError(t, err)
	assert.Empty(t, list.Resources, "no default workspace, no list resource")
}

// TestReadClient: the template reads a client by UUID or by name (forgiving, as
// get_client), percent-encoded, as JSON and Markdown; the record is fetched fresh.
func TestReadClient(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ name, uri string }{
		{"by UUID", "gitscrum://demo/clients/" + emulator.DemoAcmeUUID},
		{"by full name, percent-encoded", "gitscrum://demo/clients/Acme%20Corp"},
		{"by part of a name", "gitscrum://demo/clients/globex"},
		{"by a name with & and spaces", tools.ClientURI("demo", "Smith & Sons")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.emu.ResetRequests()
			res, err := readResource(t, e.mcp, tc.uri)
			require.NoError(t, err)
			require.Len(t, res.Contents, 2)
			js, ok := res.Contents[0].(mcp.TextResourceContents)
			require.True(t, ok)
			md, ok := res.Contents[1].(mcp.TextResourceContents)
			require.True(t, ok)
			assert.Equal(t, "application/json", js.MIMEType)
			assert.Equal(t, "text/markdown", md.MIMEType)
			assert.Equal(t, tc.uri, js.URI)
			var rec map[string]any
			require.NoError(t, json.Unmarshal([]byte(js.Text), &rec))
			validateOutput(t, "get_client", map[string]any{"client": rec})
			assert.True(t, strings.HasPrefix(md.Text, "# "+rec["name"].(string)+"\n"), md.Text)
			assert.Contains(t, md.Text, "`"+rec["uuid"].(string)+"`")
			last := e.emu.Requests()[len(e.emu.Requests())-1]
			assert.Equal(t, "/contact-companies/"+rec["uuid"].(string), last.Path, "the record is fetched fresh")
		})
	}
	res, err := readResource(t, e.mcp, "gitscrum://demo/clients/"+emulator.DemoAcmeUUID)
	require.NoError(t, err)
	snapshotJSON(t, "resources_read_client.json", stableResult(t, res))
}

// TestReadClientAmbiguous: a name that matches several clients is an error that
// lists them in words, with their UUIDs.
func TestReadClientAmbiguous(t *testing.T) {
	e := newEnv(t)
	_, err := readResource(t, e.mcp, "gitscrum://demo/clients/acme")
	require.Error(t, err)
	containsAll(t, err.Error(), `"acme" matches 2 clients in workspace demo`, "Acme Corp ("+emulator.DemoAcmeUUID+")", "Acme Logistics (", "gitscrum://demo/clients/")
}

// TestReadClients: the list resource names every client of the default workspace
// with its UUID, from the list cache.
func TestReadClients(t *testing.T) {
	e := newEnv(t)
	res, err := readResource(t, e.mcp, "gitscrum://demo/clients")
	require.NoError(t, err)
	require.Len(t, res.Contents, 1)
	js := res.Contents[0].(mcp.TextResourceContents)
	assert.Equal(t, "application/json", js.MIMEType)
	var doc struct {
		Workspace string `json:"workspace"`
		Total     int    `json:"total"`
		Clients   []struct{ UUID, Name string }
	}
	require.NoError(t, json.Unmarshal([]byte(js.Text), &doc))
	assert.Equal(t, "demo", doc.Workspace)
	assert.Equal(t, doc.Total, len(doc.Clients))
	assert.Contains(t, doc.Clients, struct{ UUID, Name string }{emulator.DemoAcmeUUID, "Acme Corp"})
	_, err = readResource(t, e.mcp, "gitscrum://demo/clients")
	require.NoError(t, err)
	assert.Equal(t, 1, listRequests(e.emu), "the second read is served by the list cache")
}

// TestCompletions: client completes to matching names, best first, from the list
// cache; at most 100 with total and hasMore; company_slug to the default.
func TestCompletions(t *testing.T) {
	e := newEnv(t)
	res := complete(t, e.mcp, "client", "ac", nil)
	assert.Equal(t, []string{"Acme Corp", "Acme Logistics"}, res.Completion.Values)
	assert.Equal(t, 2, res.Completion.Total)
	assert.False(t, res.Completion.HasMore)
	snapshotJSON(t, "completion_client.json", stableResult(t, res))

	res = complete(t, e.mcp, "client", "s", nil)
	require.Greater(t, len(res.Completion.Values), 1)
	assert.Equal(t, "Smith & Sons", res.Completion.Values[0], "a prefix ranks before the rest")

	res = complete(t, e.mcp, "company_slug", "d", nil)
	assert.Equal(t, []string{"demo"}, res.Completion.Values)
	snapshotJSON(t, "completion_company_slug.json", stableResult(t, res))
	res = complete(t, e.mcp, "company_slug", "x", nil)
	assert.Empty(t, res.Completion.Values)

	res = complete(t, e.mcp, "client", strings.Repeat("a", 300), nil)
	assert.Empty(t, res.Completion.Values, "input over the search's cap completes to nothing")

	e.emu.SetPageSize(100)
	e.emu.AddClients("big", emulator.GenerateClients(250)...)
	e.emu.ResetRequests()
	for _, typed := range []string{"", "s"} {
		res = complete(t, e.mcp, "client", typed, map[string]string{"company_slug": "big"})
		assert.Len(t, res.Completion.Values, tools.MaxCompletions, typed)
		assert.Greater(t, res.Completion.Total, tools.MaxCompletions, typed)
		assert.True(t, res.Completion.HasMore, typed)
	}
	assert.Equal(t, 3, listRequests(e.emu), "one listing (3 pages) for both keystrokes")
}

// TestToolResultsLinkTheClient: get, create and update results carry a
// resource_link that reads back the same client.
func TestToolResultsLinkTheClient(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		tool string
		args map[string]any
	}{
		{"get_client", map[string]any{"client": "Initech"}},
		{"create_client", map[string]any{"name": "Linked Co"}},
		{"update_client", map[string]any{"client": "Initech", "phone": "+1-555-0101"}},
	} {
		res := e.call(t, tc.tool, tc.args) // checks the link against structuredContent
		require.False(t, res.IsError, textOf(t, res))
		link := res.Content[1].(mcp.ResourceLink)
		read, err := readResource(t, e.mcp, link.URI)
		require.NoError(t, err, tc.tool)
		assert.Contains(t, read.Contents[0].(mcp.TextResourceContents).Text, `"name":"`+link.Name+`"`, tc.tool)
		if tc.tool == "get_client" {
			snapshotJSON(t, "get_client_result.json", res)
		}
	}
}

// TestServerIcon: serverInfo carries our SVG icon as a small data: URI.
func TestServerIcon(t *testing.T) {
	e := newEnv(t)
	c, err := client.NewInProcessClient(e.srv)
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	defer c.Close()
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	res, err := c.Initialize(context.Background(), init)
	require.NoError(t, err)
	require.Len(t, res.ServerInfo.Icons, 1)
	icon := res.ServerInfo.Icons[0]
	assert.Equal(t, "image/svg+xml", icon.MIMEType)
	b64, ok := strings.CutPrefix(icon.Src, "data:image/svg+xml;base64,")
	require.True(t, ok, icon.Src)
	svg, err := base64.StdEncoding.DecodeString(b64)
	require.NoError(t, err)
	var doc struct {
		XMLName xml.Name
	}
	require.NoError(t, xml.Unmarshal(svg, &doc), "the icon is well-formed XML")
	assert.Equal(t, "svg", doc.XMLName.Local)
	assert.LessOrEqual(t, len(icon.Src), 1024, "small: it is repeated in every 2026-07-28 result's _meta")
}

// modernMeta is the _meta of a raw 2026-07-28 request.
const modernMeta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},` +
	`"io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"}}`

// TestCachingHints: on 2026-07-28 requests, tools/list and templates/list are
// public for an hour, resources/list private for the list cache's TTL, reads
// private for 5 s.
func TestCachingHints(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		method, params string
		ttl            int64
		scope          string
	}{
		{"tools/list", `{` + modernMeta + `}`, 3_600_000, "public"},
		{"resources/templates/list", `{` + modernMeta + `}`, 3_600_000, "public"},
		{"resources/list", `{` + modernMeta + `}`, 30_000, "private"},
		{"resources/read", `{"uri":"gitscrum://demo/clients/initech",` + modernMeta + `}`, 5_000, "private"},
		{"resources/read", `{"uri":"gitscrum://demo/clients",` + modernMeta + `}`, 5_000, "private"},
	} {
		resp := e.srv.HandleMessage(context.Background(), json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"`+tc.method+`","params":`+tc.params+`}`))
		var msg struct {
			Result struct {
				TTLMs      *int64 `json:"ttlMs"`
				CacheScope string `json:"cacheScope"`
			} `json:"result"`
		}
		b, err := json.Marshal(resp)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &msg), string(b))
		require.NotNil(t, msg.Result.TTLMs, "%s: %s", tc.method, b)
		assert.Equal(t, tc.ttl, *msg.Result.TTLMs, tc.method)
		assert.Equal(t, tc.scope, msg.Result.CacheScope, tc.method)
	}
	// With the list cache off, resources/list says so: always stale.
	off := newEnv(t, withClientOptions(gitscrum.WithCacheTTL(0)))
	resp0 := off.srv.HandleMessage(context.Background(), json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"resources/list","params":{`+modernMeta+`}}`))
	b0, err := json.Marshal(resp0)
	require.NoError(t, err)
	assert.Contains(t, string(b0), `"ttlMs":0`)

	// Before 2026-07-28 the results stay as they were.
	resp := e.srv.HandleMessage(context.Background(), json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	b, err := json.Marshal(resp)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "ttlMs")
}

// TestResourcesOverRealClients: mcp-go's client over stdio pipes and over HTTP
// lists, reads and completes; a missing client is -32602 (invalid params).
func TestResourcesOverRealClients(t *testing.T) {
	_, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
	httpC, err := httpClient(t, url, nil)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		c    func() *client.Client
	}{
		{"stdio", func() *client.Client { return stdioClient(t, newEnv(t), mcp.LATEST_PROTOCOL_VERSION, nil) }},
		{"http", func() *client.Client { return httpC }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c()
			ctx := context.Background()
			tmpl, err := c.ListResourceTemplates(ctx, mcp.ListResourceTemplatesRequest{})
			require.NoError(t, err)
			require.Len(t, tmpl.ResourceTemplates, 2, "the client and its history")
			list, err := c.ListResources(ctx, mcp.ListResourcesRequest{})
			require.NoError(t, err)
			require.Len(t, list.Resources, 1)
			read, err := readResource(t, c, "gitscrum://demo/clients/Initech")
			require.NoError(t, err)
			require.Len(t, read.Contents, 2)
			comp := complete(t, c, "client", "glo", nil)
			assert.Equal(t, []string{"Globex Corporation"}, comp.Completion.Values)
			_, err = readResource(t, c, "gitscrum://demo/clients/no-such-client")
			require.Error(t, err)
			assert.True(t, errors.Is(err, mcp.ErrInvalidParams), "want -32602, got %v", err)
			res := callTool(t, c, "get_client", map[string]any{"client": "Initech"})
			require.False(t, res.IsError)
		})
	}
}

// TestMissingResourceOnTheWire: a read of a client that does not exist, or of a
// URI no resource has, answers -32602 with the URI in data on 2026-07-28, and
// -32002 with it before; over HTTP a 2026-07-28 one is a 400.
func TestMissingResourceOnTheWire(t *testing.T) {
	const missing = "gitscrum://demo/clients/no-such-client"
	t.Run("stdio", func(t *testing.T) {
		e := newEnv(t)
		p := startStdio(t, context.Background(), e)
		for i, tc := range []struct {
			uri, meta string
			code      float64
		}{
			{missing, "," + modernMeta, -32602},
			{missing, "", -32002},
			{"gitscrum://demo/elsewhere", "," + modernMeta, -32602},
			{"gitscrum://demo/elsewhere", "", -32002},
		} {
			id := 10 + i
			p.send(t, `{"jsonrpc":"2.0","id":`+itoa(id)+`,"method":"resources/read","params":{"uri":"`+tc.uri+`"`+tc.meta+`}}`)
			m := p.next(t)
			require.EqualValues(t, id, m["id"])
			errObj, ok := m["error"].(map[string]any)
			require.True(t, ok, "%v", m)
			assert.Equal(t, tc.code, errObj["code"], tc.uri)
			assert.Equal(t, map[string]any{"uri": tc.uri}, errObj["data"], tc.uri)
		}
		// A read that works is untouched.
		p.send(t, `{"jsonrpc":"2.0","id":30,"method":"resources/read","params":{"uri":"gitscrum://demo/clients/initech"}}`)
		m := p.next(t)
		assert.Nil(t, m["error"])
		assert.NotNil(t, m["result"])
	})
	t.Run("http", func(t *testing.T) {
		_, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
		h := map[string][]string{"Mcp-Protocol-Version": {"2026-07-28"}, "Mcp-Method": {"resources/read"}, "Mcp-Name": {missing}}
		resp := rawPost(t, url, h, `{"jsonrpc":"2.0","id":7,"method":"resources/read","params":{"uri":"`+missing+`",`+modernMeta+`}}`)
		assert.Equal(t, 400, resp.StatusCode)
		var m struct {
			ID    int `json:"id"`
			Error struct {
				Code    int               `json:"code"`
				Message string            `json:"message"`
				Data    map[string]string `json:"data"`
			} `json:"error"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
		assert.Equal(t, 7, m.ID)
		assert.Equal(t, -32602, m.Error.Code)
		assert.Equal(t, missing, m.Error.Data["uri"])
		assert.Contains(t, m.Error.Message, `no client "no-such-client" in workspace demo`)

		resp = rawPost(t, url, nil, `{"jsonrpc":"2.0","id":8,"method":"resources/read","params":{"uri":"`+missing+`"}}`)
		assert.Equal(t, 200, resp.StatusCode)
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
		assert.Equal(t, -32002, m.Error.Code)
		assert.Equal(t, missing, m.Error.Data["uri"])
	})
}

// TestAmbiguousReadOnTheWire: a read by a name that matches several clients
// answers -32602 (invalid params, as get_client calls it an argument error), not
// -32603, whatever the protocol version, with the candidates in words and in
// data, and the placeholder <uuid> written as it is; over HTTP a 2026-07-28 one
// is a 400.
func TestAmbiguousReadOnTheWire(t *testing.T) {
	const uri = "gitscrum://demo/clients/acme"
	checkError := func(t *testing.T, errObj map[string]any) {
		t.Helper()
		assert.EqualValues(t, -32602, errObj["code"])
		msg, _ := errObj["message"].(string)
		containsAll(t, msg, `"acme" matches 2 clients in workspace demo`, "Acme Corp ("+emulator.DemoAcmeUUID+")",
			"Acme Logistics (", "Read gitscrum://demo/clients/<uuid> for the one you mean.")
		assert.NotContains(t, msg, "%3C")
		data, _ := errObj["data"].(map[string]any)
		assert.Equal(t, uri, data["uri"])
		cands, _ := data["candidates"].([]any)
		require.Len(t, cands, 2, "%v", errObj)
		names := []any{}
		for _, c := range cands {
			names = append(names, c.(map[string]any)["name"])
		}
		assert.ElementsMatch(t, []any{"Acme Corp", "Acme Logistics"}, names)
		assert.Contains(t, cands, map[string]any{"uuid": emulator.DemoAcmeUUID, "name": "Acme Corp",
			"uri": "gitscrum://demo/clients/" + emulator.DemoAcmeUUID})
	}
	t.Run("stdio", func(t *testing.T) {
		p := startStdio(t, context.Background(), newEnv(t))
		for i, meta := range []string{"," + modernMeta, ""} {
			p.send(t, `{"jsonrpc":"2.0","id":`+itoa(40+i)+`,"method":"resources/read","params":{"uri":"`+uri+`"`+meta+`}}`)
			m := p.next(t)
			require.EqualValues(t, 40+i, m["id"])
			errObj, ok := m["error"].(map[string]any)
			require.True(t, ok, "%v", m)
			checkError(t, errObj)
		}
	})
	t.Run("http", func(t *testing.T) {
		_, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
		h := map[string][]string{"Mcp-Protocol-Version": {"2026-07-28"}, "Mcp-Method": {"resources/read"}, "Mcp-Name": {uri}}
		for _, tc := range []struct {
			header http.Header
			meta   string
			status int
		}{{h, "," + modernMeta, 400}, {nil, "", 200}} {
			resp := rawPost(t, url, tc.header, `{"jsonrpc":"2.0","id":7,"method":"resources/read","params":{"uri":"`+uri+`"`+tc.meta+`}}`)
			assert.Equal(t, tc.status, resp.StatusCode)
			var m map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
			errObj, ok := m["error"].(map[string]any)
			require.True(t, ok, "%v", m)
			checkError(t, errObj)
		}
	})
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestClientURIWithSlashes: a '/' in the workspace slug or in the client's name is
// escaped by ClientURI, so the URI keeps its shape (scheme, slug, "clients", ref)
// and each part decodes back whole.
func TestClientURIWithSlashes(t *testing.T) {
	for _, tc := range []struct{ slug, ref, want string }{
		{"demo", "Smith/Jones", "gitscrum://demo/clients/Smith%2FJones"},
		{"demo", "../../x", "gitscrum://demo/clients/..%2F..%2Fx"},
		{"demo", "/", "gitscrum://demo/clients/%2F"},
		{"a/b", "Acme Corp", "gitscrum://a%2Fb/clients/Acme%20Corp"},
		{"../demo", "a/clients/b", "gitscrum://..%2Fdemo/clients/a%2Fclients%2Fb"},
		{"demo", "100%/2", "gitscrum://demo/clients/100%25%2F2"},
	} {
		uri := tools.ClientURI(tc.slug, tc.ref)
		assert.Equal(t, tc.want, uri, "%q %q", tc.slug, tc.ref)
		rest, ok := strings.CutPrefix(uri, "gitscrum://")
		require.True(t, ok, uri)
		parts := strings.Split(rest, "/")
		require.Len(t, parts, 3, "%s keeps its shape", uri)
		assert.Equal(t, "clients", parts[1], uri)
		slug, err := url.PathUnescape(parts[0])
		require.NoError(t, err, uri)
		ref, err := url.PathUnescape(parts[2])
		require.NoError(t, err, uri)
		assert.Equal(t, tc.slug, slug, uri)
		assert.Equal(t, tc.ref, ref, uri)
		assert.Equal(t, "gitscrum://"+parts[0]+"/clients", tools.ClientsURI(tc.slug))
	}
}

// TestReadClientWithSlashes: the URI ClientURI makes for a client whose name holds a
// '/' reads that client, and a workspace slug with a '/' is refused without a
// request, rather than read as another workspace.
func TestReadClientWithSlashes(t *testing.T) {
	e := newEnv(t)
	stored := e.emu.AddClients(emulator.DemoWorkspace, gitscrum.ClientCompany{Name: "Smith/Jones Partners"})[0]
	res, err := readResource(t, e.mcp, tools.ClientURI(emulator.DemoWorkspace, "Smith/Jones Partners"))
	require.NoError(t, err)
	require.Len(t, res.Contents, 2)
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.Contents[0].(mcp.TextResourceContents).Text), &rec))
	assert.Equal(t, stored.UUID, rec["uuid"])
	assert.Equal(t, "Smith/Jones Partners", rec["name"])

	e.emu.AddClients("demo/x", gitscrum.ClientCompany{Name: "Acme Corp"})
	for _, slug := range []string{"demo/x", "../demo", "demo/"} {
		e.emu.ResetRequests()
		_, err := readResource(t, e.mcp, tools.ClientURI(slug, "Acme Corp"))
		require.Error(t, err, slug)
		assert.Contains(t, err.Error(), "company_slug", "%q: refused as an invalid slug", slug)
		assert.Empty(t, e.emu.Requests(), "%q: nothing sent", slug)
	}
}
