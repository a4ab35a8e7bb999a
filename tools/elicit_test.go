package tools_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

const acmeLogistics = "0c4d2e8f-6a1b-4c3d-9e5f-7a8b9c0d1e22"

// asked is a user behind an MCP client's elicitation handler: it records every
// question and answers with answer.
type asked struct {
	mu     sync.Mutex
	params []mcp.ElicitationParams
	answer func(ctx context.Context, p mcp.ElicitationParams) (*mcp.ElicitationResult, error)
}

// Elicit implements client.ElicitationHandler.
func (a *asked) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	a.mu.Lock()
	a.params = append(a.params, req.Params)
	a.mu.Unlock()
	return a.answer(ctx, req.Params)
}

func (a *asked) questions() []mcp.ElicitationParams {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]mcp.ElicitationParams(nil), a.params...)
}

// answering returns a user who always answers with action and content.
func answering(action mcp.ElicitationResponseAction, content any) *asked {
	return &asked{answer: func(context.Context, mcp.ElicitationParams) (*mcp.ElicitationResult, error) {
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: action, Content: content}}, nil
	}}
}

// stdioClient serves e's MCP server with RunStdio over pipes and connects mcp-go's
// stdio client to it, speaking version ("" lets the client choose, which is
// 2026-07-28), with user behind its elicitation handler (nil: no capability).
func stdioClient(t *testing.T, e *env, version string, user *asked) *client.Client {
	t.Helper()
	serverIn, clientOut := io.Pipe()
	clientIn, serverOut := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tools.RunStdio(ctx, e.srv, serverIn, serverOut, time.Second, nil) }()

	var opts []client.ClientOption
	if user != nil {
		opts = append(opts, client.WithElicitationHandler(user))
	}
	if version != "" {
		opts = append(opts, client.WithProtocolVersion(version))
	}
	c := client.NewClient(transport.NewIO(clientIn, clientOut, nil), opts...)
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() {
		_ = c.Close()
		cancel()
		_ = clientOut.Close()
		_ = serverOut.Close()
		require.NoError(t, <-done)
	})
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = version
	init.Params.ClientInfo = mcp.Implementation{Name: "elicit-test", Version: "1"}
	res, err := c.Initialize(ctx, init)
	require.NoError(t, err)
	if version != "" {
		require.Equal(t, version, res.ProtocolVersion)
	}
	return c
}

// The protocol versions a stdio client may speak that have elicitation, with the
// form of the pick they get.
var elicitVersions = []struct {
	version string
	titled  bool // oneOf const/title rather than enum + enumNames
}{
	{mcp.ProtocolVersion20250618, false},
	{mcp.ProtocolVersion20251125, true},
	{"", true}, // 2026-07-28: input_required, the client asks and calls again
}

func versionName(v string) string {
	if v == "" {
		return mcp.ProtocolVersion20260728
	}
	return v
}

// pickSchema returns the choices of a pick question: value → title.
func pickChoices(t *testing.T, p mcp.ElicitationParams, titled bool) map[string]string {
	t.Helper()
	b, err := json.Marshal(p.RequestedSchema)
	require.NoError(t, err)
	var s struct {
		Type       string
		Required   []string
		Properties map[string]struct {
			Type      string
			Enum      []string
			EnumNames []string
			OneOf     []struct{ Const, Title string }
		}
	}
	require.NoError(t, json.Unmarshal(b, &s))
	require.Equal(t, "object", s.Type)
	require.Equal(t, []string{"client"}, s.Required)
	prop := s.Properties["client"]
	require.Equal(t, "string", prop.Type)
	out := map[string]string{}
	if titled {
		require.Empty(t, prop.Enum)
		for _, o := range prop.OneOf {
			out[o.Const] = o.Title
		}
		return out
	}
	require.Empty(t, prop.OneOf)
	require.Len(t, prop.EnumNames, len(prop.Enum))
	for i, v := range prop.Enum {
		out[v] = prop.EnumNames[i]
	}
	return out
}

// TestElicitPickOverStdio: a name that matches several clients asks the user to
// pick one, in every protocol version that has elicitation, and goes on with the
// choice; a decline or a cancel ends the call without an error and without a write.
func TestElicitPickOverStdio(t *testing.T) {
	wantChoices := map[string]string{
		emulator.DemoAcmeUUID: "Acme Corp <billing@acme.co>",
		acmeLogistics:         "Acme Logistics <dispatch@acme-logistics.example>",
	}
	for _, v := range elicitVersions {
		t.Run(versionName(v.version), func(t *testing.T) {
			t.Run("get_client: the pick is shown", func(t *testing.T) {
				e := newEnv(t)
				user := answering(mcp.ElicitationResponseActionAccept, map[string]any{"client": acmeLogistics})
				res := callTool(t, stdioClient(t, e, v.version, user), "get_client", map[string]any{"client": "acme"})
				require.False(t, res.IsError, textOf(t, res))
				assert.Equal(t, acmeLogistics, structured(t, res)["client"].(map[string]any)["uuid"])
				qs := user.questions()
				require.Len(t, qs, 1)
				assert.Equal(t, `"acme" matches 2 clients in workspace demo. Which one do you mean?`, qs[0].Message)
				assert.Equal(t, wantChoices, pickChoices(t, qs[0], v.titled))
				assert.Equal(t, tools.OutcomeOK, e.lastOutcome(t))
			})
			t.Run("update_client: the write goes to the pick", func(t *testing.T) {
				e := newEnv(t)
				user := answering(mcp.ElicitationResponseActionAccept, map[string]any{"client": acmeLogistics})
				res := callTool(t, stdioClient(t, e, v.version, user), "update_client", map[string]any{"client": "acme", "notes": "picked"})
				require.False(t, res.IsError, textOf(t, res))
				got := structured(t, res)["client"].(map[string]any)
				assert.Equal(t, acmeLogistics, got["uuid"])
				assert.Equal(t, "picked", got["notes"])
				assert.Equal(t, 1, postsTo(e.emu, http.MethodPut))
				require.Len(t, user.questions(), 1)
				assert.Equal(t, wantChoices, pickChoices(t, user.questions()[0], v.titled))
			})
			for _, action := range []mcp.ElicitationResponseAction{mcp.ElicitationResponseActionDecline, mcp.ElicitationResponseActionCancel} {
				t.Run("update_client: "+string(action)+" changes nothing, without an error", func(t *testing.T) {
					e := newEnv(t)
					res := callTool(t, stdioClient(t, e, v.version, answering(action, nil)), "update_client", map[string]any{"client": "acme", "notes": "x"})
					require.False(t, res.IsError, textOf(t, res))
					assert.Equal(t, map[string]any{"answer": string(action)}, structured(t, res))
					containsAll(t, textOf(t, res), "Nothing was changed", "Acme Corp (", "Acme Logistics (")
					assert.Zero(t, postsTo(e.emu, http.MethodPut))
				})
				t.Run("get_client: "+string(action)+" shows nothing, without an error", func(t *testing.T) {
					e := newEnv(t)
					res := callTool(t, stdioClient(t, e, v.version, answering(action, nil)), "get_client", map[string]any{"client": "acme"})
					require.False(t, res.IsError, textOf(t, res))
					assert.Equal(t, map[string]any{"answer": string(action)}, structured(t, res))
					containsAll(t, textOf(t, res), "No client shown")
				})
			}
		})
	}
}

// TestElicitDuplicateOverStdio: a create that finds a duplicate asks whether to
// create a second client; only an explicit yes creates.
func TestElicitDuplicateOverStdio(t *testing.T) {
	for _, v := range elicitVersions {
		t.Run(versionName(v.version), func(t *testing.T) {
			for _, tc := range []struct {
				name    string
				user    *asked
				creates bool
				answer  string
			}{
				{"yes creates", answering(mcp.ElicitationResponseActionAccept, map[string]any{"create": true}), true, ""},
				{"no creates nothing", answering(mcp.ElicitationResponseActionAccept, map[string]any{"create": false}), false, "no"},
				{"decline creates nothing", answering(mcp.ElicitationResponseActionDecline, nil), false, "decline"},
				{"cancel creates nothing", answering(mcp.ElicitationResponseActionCancel, nil), false, "cancel"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					e := newEnv(t)
					res := callTool(t, stdioClient(t, e, v.version, tc.user), "create_client", map[string]any{"name": "Acme Corp"})
					require.False(t, res.IsError, textOf(t, res))
					qs := tc.user.questions()
					require.Len(t, qs, 1)
					containsAll(t, qs[0].Message, "Workspace demo already has a client", "Acme Corp ("+emulator.DemoAcmeUUID+")", "Create a second, separate client anyway?")
					if tc.creates {
						assert.Equal(t, 1, postsTo(e.emu, http.MethodPost))
						assert.Equal(t, "Acme Corp", structured(t, res)["client"].(map[string]any)["name"])
						return
					}
					assert.Zero(t, postsTo(e.emu, http.MethodPost))
					assert.Equal(t, map[string]any{"answer": tc.answer}, structured(t, res))
					containsAll(t, textOf(t, res), "Not created")
				})
			}
		})
	}
}

// TestElicitGarbageAnswers: an answer that is not one of the choices, or not a
// boolean yes, is refused: the call fails as it would without asking, and writes
// nothing.
func TestElicitGarbageAnswers(t *testing.T) {
	for _, v := range elicitVersions {
		t.Run(versionName(v.version), func(t *testing.T) {
			for _, content := range []any{
				map[string]any{"client": "9a3f6b2c-1e4d-4f7a-a8b9-c0d1e2f3a433"}, // Globex: not a candidate
				map[string]any{"client": 7},
				map[string]any{},
			} {
				e := newEnv(t)
				res := callTool(t, stdioClient(t, e, v.version, answering(mcp.ElicitationResponseActionAccept, content)),
					"update_client", map[string]any{"client": "acme", "notes": "x"})
				require.True(t, res.IsError)
				containsAll(t, textOf(t, res), "The answer to the question was not one of the clients offered.", "Acme Logistics (")
				assert.Zero(t, postsTo(e.emu, http.MethodPut))
				assert.Equal(t, tools.OutcomeAmbiguous, e.lastOutcome(t))
			}
			for _, content := range []any{map[string]any{"create": "yes"}, map[string]any{"create": 1}, "true"} {
				e := newEnv(t)
				res := callTool(t, stdioClient(t, e, v.version, answering(mcp.ElicitationResponseActionAccept, content)),
					"create_client", map[string]any{"name": "Acme Corp"})
				require.True(t, res.IsError)
				containsAll(t, textOf(t, res), "The answer to the question was not a yes or a no.", "Not created")
				assert.Zero(t, postsTo(e.emu, http.MethodPost))
			}
		})
	}
}

// TestElicitWithoutCapability: a client that did not declare elicitation gets the
// errors of before, over stdio in every version and over HTTP.
func TestElicitWithoutCapability(t *testing.T) {
	for _, v := range elicitVersions {
		t.Run(versionName(v.version), func(t *testing.T) {
			e := newEnv(t)
			c := stdioClient(t, e, v.version, nil)
			res := callTool(t, c, "update_client", map[string]any{"client": "acme", "notes": "x"})
			require.True(t, res.IsError)
			containsAll(t, textOf(t, res), "It matches 2 clients:", "Call update_client again with the UUID")
			res = callTool(t, c, "create_client", map[string]any{"name": "Acme Corp"})
			require.True(t, res.IsError)
			containsAll(t, textOf(t, res), "Not created: workspace demo already has a client")
			assert.Zero(t, postsTo(e.emu, http.MethodPut)+postsTo(e.emu, http.MethodPost))
		})
	}
}

// TestElicitAnswerTimeout: the wait for the user's answer to elicitation/create is
// bounded; a user who never answers gets the error of before, saying so.
func TestElicitAnswerTimeout(t *testing.T) {
	e := newEnv(t, func(c *envConfig) { c.opts.AnswerTimeout = 50 * time.Millisecond })
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	user := &asked{answer: func(ctx context.Context, _ mcp.ElicitationParams) (*mcp.ElicitationResult, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil, context.Canceled
	}}
	res := callTool(t, stdioClient(t, e, mcp.ProtocolVersion20251125, user), "update_client", map[string]any{"client": "acme", "notes": "x"})
	require.True(t, res.IsError)
	containsAll(t, textOf(t, res), "The user was asked to choose but did not answer in time.", "It matches 2 clients:")
	assert.Zero(t, postsTo(e.emu, http.MethodPut))
}

// TestElicitOverHTTP: over streamable HTTP (stateless), a 2026-07-28 client gets
// the input_required result and its answer is used; a 2025-11-25 client, which
// could only be asked over a session, keeps the error of before.
func TestElicitOverHTTP(t *testing.T) {
	connectHTTP := func(t *testing.T, url, version string, user *asked) *client.Client {
		t.Helper()
		opts := []client.ClientOption{client.WithElicitationHandler(user)}
		if version != "" {
			opts = append(opts, client.WithProtocolVersion(version))
		}
		tr, err := transport.NewStreamableHTTP(url + tools.MCPPath)
		require.NoError(t, err)
		c := client.NewClient(tr, opts...)
		require.NoError(t, c.Start(context.Background()))
		t.Cleanup(func() { _ = c.Close() })
		init := mcp.InitializeRequest{}
		init.Params.ProtocolVersion = version
		init.Params.ClientInfo = mcp.Implementation{Name: "elicit-http", Version: "1"}
		_, err = c.Initialize(context.Background(), init)
		require.NoError(t, err)
		return c
	}
	t.Run("2026-07-28 picks", func(t *testing.T) {
		e, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
		user := answering(mcp.ElicitationResponseActionAccept, map[string]any{"client": acmeLogistics})
		res := callTool(t, connectHTTP(t, url, "", user), "update_client", map[string]any{"client": "acme", "notes": "via http"})
		require.False(t, res.IsError, textOf(t, res))
		assert.Equal(t, acmeLogistics, structured(t, res)["client"].(map[string]any)["uuid"])
		assert.Len(t, user.questions(), 1)
		assert.Equal(t, 1, postsTo(e.emu, http.MethodPut))
	})
	t.Run("2026-07-28 declines", func(t *testing.T) {
		e, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
		user := answering(mcp.ElicitationResponseActionDecline, nil)
		res := callTool(t, connectHTTP(t, url, "", user), "create_client", map[string]any{"name": "Acme Corp"})
		require.False(t, res.IsError, textOf(t, res))
		assert.Equal(t, map[string]any{"answer": "decline"}, structured(t, res))
		assert.Zero(t, postsTo(e.emu, http.MethodPost))
	})
	t.Run("2025-11-25 keeps the error", func(t *testing.T) {
		e, url := httpEnv(t, tools.HTTPOptions{Loopback: true})
		user := answering(mcp.ElicitationResponseActionAccept, map[string]any{"client": acmeLogistics})
		res := callTool(t, connectHTTP(t, url, mcp.ProtocolVersion20251125, user), "update_client", map[string]any{"client": "acme", "notes": "x"})
		require.True(t, res.IsError)
		containsAll(t, textOf(t, res), "It matches 2 clients:")
		assert.Empty(t, user.questions())
		assert.Zero(t, postsTo(e.emu, http.MethodPut))
	})
}

// TestElicitSnapshots: the questions (message and requestedSchema, both enum
// forms) and the results of a stopped call are kept in testdata/elicit/.
// UPDATE_SNAPSHOTS=1 rewrites the files.
func TestElicitSnapshots(t *testing.T) {
	snaps := map[string]any{}
	for _, v := range elicitVersions[:2] {
		e := newEnv(t)
		pick := answering(mcp.ElicitationResponseActionDecline, nil)
		res := callTool(t, stdioClient(t, e, v.version, pick), "update_client", map[string]any{"client": "acme", "notes": "x"})
		snaps["pick-"+v.version] = pick.questions()[0]
		snaps["update-declined"] = res
	}
	e := newEnv(t)
	c := stdioClient(t, e, mcp.ProtocolVersion20251125, answering(mcp.ElicitationResponseActionCancel, nil))
	snaps["get-canceled"] = callTool(t, c, "get_client", map[string]any{"client": "acme"})
	e = newEnv(t)
	dup := answering(mcp.ElicitationResponseActionAccept, map[string]any{"create": false})
	snaps["create-no"] = callTool(t, stdioClient(t, e, mcp.ProtocolVersion20251125, dup), "create_client", map[string]any{"name": "Acme Corp"})
	snaps["duplicate"] = dup.questions()[0]

	for name, v := range snaps {
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(v, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			path := filepath.Join("testdata", "elicit", name+".json")
			if updateSnapshots() {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no snapshot; run the tests with UPDATE_SNAPSHOTS=1")
			assert.Equal(t, string(want), string(got), "%s changed; if intended, run the tests with UPDATE_SNAPSHOTS=1", path)
		})
	}
}
