package tools_test

import (
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// toolArgs are valid arguments for each tool, on the demo data.
var toolArgs = map[string]map[string]any{
	"list_clients":  {"query": "acme"},
	"get_client":    {"client": emulator.DemoAcmeUUID},
	"create_client": {"name": "Brand New Co"},
	"update_client": {"client": emulator.DemoAcmeUUID, "notes": "changed"},
}

var toolNames = []string{"list_clients", "get_client", "create_client", "update_client"}

// TestErrorClasses: every GitScrum failure, for every tool, is an isError result
// whose text says what happened and what to do.
func TestErrorClasses(t *testing.T) {
	tests := []struct {
		name    string
		mods    []func(*envConfig)
		setup   func(e *env)
		args    map[string]any // merged over the tool's valid arguments
		tools   []string       // default: all
		outcome string
		want    []string
		wantFor map[string][]string // extra expectations per tool
	}{
		{
			name: "401 invalid token", mods: []func(*envConfig){withToken("not-a-valid-token")},
			outcome: tools.OutcomeUnauthorized,
			want: []string{"GitScrum refused the server's token (401 Unauthorized): it is missing, invalid or expired.",
				"Settings → API", "GITSCRUM_TOKEN", "Retrying with the same token will fail again."},
		},
		{
			name: "401 expired token", setup: func(e *env) { e.emu.ExpireToken(emulator.DefaultToken) },
			outcome: tools.OutcomeUnauthorized, want: []string{"(401 Unauthorized): it has expired.", "GITSCRUM_TOKEN"},
		},
		{
			name: "403 read-only token", mods: []func(*envConfig){withToken("read-only-token")},
			setup:   func(e *env) { e.emu.AddReadOnlyToken("read-only-token") },
			tools:   []string{"create_client", "update_client"},
			outcome: tools.OutcomeForbidden,
			want:    []string{"GitScrum refused this action (403 Forbidden)", "in workspace demo", "Retrying will not help."},
			wantFor: map[string][]string{"create_client": {"may not create clients"}, "update_client": {"may not change clients"}},
		},
		{
			name: "404 workspace", args: map[string]any{"company_slug": "no-such-ws"}, outcome: tools.OutcomeNotFound,
			want: []string{`Workspace "no-such-ws" was not found (404 Not Found). Check company_slug`},
		},
		{
			name: "429 with Retry-After", setup: func(e *env) { e.emu.FailNext(1, http.StatusTooManyRequests, 7*time.Second) },
			outcome: tools.OutcomeRateLimited,
			want:    []string{"GitScrum is rate limiting requests (429 Too Many Requests). Retry after 7 seconds."},
			wantFor: map[string][]string{"create_client": {"Nothing was created; retrying is safe."}, "get_client": {"Retrying is safe."}},
		},
		{
			name: "503", setup: func(e *env) { e.emu.FailNext(1, http.StatusServiceUnavailable, 0) },
			outcome: tools.OutcomeUnavailable,
			want:    []string{"GitScrum is unavailable (503 Service Unavailable)."},
			wantFor: map[string][]string{
				"list_clients":  {"Retrying is safe."},
				"update_client": {"Retrying is safe: an update sets the same values again."},
				// The duplicate check's list failed: nothing was sent to create.
				"create_client": {"Nothing was created; retrying is safe."},
			},
		},
		{
			name: "500", setup: func(e *env) { e.emu.FailNext(1, http.StatusInternalServerError, 0) },
			outcome: tools.OutcomeUnavailable, want: []string{"GitScrum is unavailable (500 Internal Server Error)."},
		},
		{
			name: "timeout", mods: []func(*envConfig){withClientOptions(gitscrum.WithTimeout(150 * time.Millisecond))},
			setup:   func(e *env) { e.emu.SetLatency(time.Second) },
			tools:   []string{"list_clients", "get_client"},
			outcome: tools.OutcomeUnavailable,
			want:    []string{"GitScrum is unavailable (GitScrum did not answer in time). Retrying is safe."},
		},
		{
			name: "dropped connection", setup: func(e *env) { e.emu.DropNext(1) },
			tools:   []string{"list_clients", "get_client"},
			outcome: tools.OutcomeUnavailable,
			want:    []string{"GitScrum is unavailable (connection to GitScrum failed). Retrying is safe."},
		},
	}
	for _, tc := range tests {
		names := tc.tools
		if names == nil {
			names = toolNames
		}
		for _, name := range names {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				e := newEnv(t, tc.mods...)
				if tc.setup != nil {
					tc.setup(e)
				}
				args := map[string]any{}
				for k, v := range toolArgs[name] {
					args[k] = v
				}
				for k, v := range tc.args {
					args[k] = v
				}
				res := e.call(t, name, args)
				require.True(t, res.IsError, "want an error; got %s", textOf(t, res))
				assert.Nil(t, res.StructuredContent)
				containsAll(t, textOf(t, res), tc.want...)
				containsAll(t, textOf(t, res), tc.wantFor[name]...)
				assert.NotContains(t, textOf(t, res), emulator.DefaultToken)
				assert.Equal(t, tc.outcome, e.lastOutcome(t))
			})
		}
	}
}

// TestCreateRetryAdvice: after a create that may have reached GitScrum, the advice
// depends on whether the duplicate guard protects a retry.
func TestCreateRetryAdvice(t *testing.T) {
	t.Run("guarded create timed out after the check", func(t *testing.T) {
		e := newEnv(t, withClientOptions(gitscrum.WithTimeout(200*time.Millisecond)))
		var n atomic.Int32
		e.emu.SetLatencyFunc(func() time.Duration {
			if n.Add(1) == 2 { // the POST, after the duplicate check's list
				return time.Second
			}
			return 0
		})
		res := e.call(t, "create_client", map[string]any{"name": "Slow Co"})
		require.True(t, res.IsError)
		containsAll(t, textOf(t, res), "did not answer in time",
			"The client may or may not have been created. Retrying create_client is safe: it refuses to create a duplicate")
	})
	t.Run("unguarded create failed after sending", func(t *testing.T) {
		e := newEnv(t)
		e.emu.FailNext(1, http.StatusBadGateway, 0)
		res := e.call(t, "create_client", map[string]any{"name": "Dup Co", "allow_duplicate": true})
		require.True(t, res.IsError)
		containsAll(t, textOf(t, res), "(502 Bad Gateway)", "The client may have been created: call list_clients with its name as query before retrying")
	})
	t.Run("connection refused: nothing was sent", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		e := newEnv(t, withClientOptions(gitscrum.WithBaseURL("http://"+addr)))
		res := e.call(t, "create_client", map[string]any{"name": "Nobody Home", "allow_duplicate": true})
		require.True(t, res.IsError)
		containsAll(t, textOf(t, res), "could not connect to GitScrum", "Nothing was created; retrying is safe.")
	})
}

func TestNoWorkspace(t *testing.T) {
	e := newEnv(t, withSlug(""))
	for _, name := range toolNames {
		res := e.call(t, name, toolArgs[name])
		require.True(t, res.IsError, name)
		containsAll(t, textOf(t, res), "No workspace given", "Pass company_slug", "GITSCRUM_COMPANY_SLUG")
		assert.Equal(t, tools.OutcomeNoWorkspace, e.lastOutcome(t))
	}
	assert.Empty(t, e.emu.Requests())

	res := e.call(t, "get_client", map[string]any{"client": emulator.DemoAcmeUUID, "company_slug": "demo"})
	require.False(t, res.IsError, textOf(t, res))
}

func TestNoToken(t *testing.T) {
	e := newEnv(t, withToken(""))
	for _, name := range toolNames {
		res := e.call(t, name, toolArgs[name])
		require.True(t, res.IsError, name)
		containsAll(t, textOf(t, res), "No GitScrum token is configured, so nothing was sent.", "GITSCRUM_TOKEN", "--sandbox")
		assert.Equal(t, tools.OutcomeNoToken, e.lastOutcome(t))
	}
	assert.Empty(t, e.emu.Requests())
}

// TestBadArguments: wrong types, out-of-range values and unknown arguments get one
// plain sentence naming the argument, and cost no request.
func TestBadArguments(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		tool string
		args any
		want string
	}{
		{"list_clients", map[string]any{"limit": "ten"}, `Argument "limit" of list_clients must be a whole number from 1 to 200; got the string "ten".`},
		{"list_clients", map[string]any{"limit": 0}, `Argument "limit" of list_clients must be from 1 to 200; got 0.`},
		{"list_clients", map[string]any{"limit": 500}, `Argument "limit" of list_clients must be from 1 to 200; got 500.`},
		{"list_clients", map[string]any{"limit": 2.5}, `Argument "limit" of list_clients must be a whole number from 1 to 200; got 2.5.`},
		{"list_clients", map[string]any{"offset": -1}, `Argument "offset" of list_clients must be of 0 or more; got -1.`},
		{"list_clients", map[string]any{"query": 42}, `Argument "query" of list_clients must be a string (text in quotes); got 42.`},
		{"list_clients", map[string]any{"company_slug": true}, `Argument "company_slug" of list_clients must be a string (text in quotes); got true.`},
		{"list_clients", map[string]any{"serach": "acme"}, `"serach" is not an argument of list_clients; its arguments are "query", "limit", "offset" and "company_slug".`},
		{"list_clients", map[string]any{"b": 1, "a": 2}, `"a" and "b" are not arguments of list_clients`},
		{"list_clients", []any{"acme"}, `The arguments of list_clients must be a JSON object of named arguments, like {"query": …}; got an array.`},
		{"get_client", map[string]any{}, `Argument "client" of get_client is required: give the client's UUID or name.`},
		{"get_client", map[string]any{"client": "  "}, `Argument "client" of get_client is required`},
		{"get_client", map[string]any{"client": []any{"acme"}}, `Argument "client" of get_client must be a string (text in quotes); got an array.`},
		{"get_client", map[string]any{"uuid": emulator.DemoAcmeUUID}, `"uuid" is not an argument of get_client; its arguments are "client" and "company_slug".`},
		{"create_client", map[string]any{"email": "a@b.example"}, `Argument "name" of create_client is required: give the company name.`},
		{"create_client", map[string]any{"name": "X", "allow_duplicate": "yes"}, `Argument "allow_duplicate" of create_client must be true or false (without quotes); got the string "yes".`},
		{"create_client", map[string]any{"name": "X", "phone": 5550100}, `Argument "phone" of create_client must be a string`},
		{"update_client", map[string]any{"client": "Initech", "notes": map[string]any{"text": "x"}}, `Argument "notes" of update_client must be a string (text in quotes); got an object.`},
		{"update_client", map[string]any{"client": "Initech", "projects_count": 3}, `"projects_count" is not an argument of update_client`},
	}
	for _, tc := range tests {
		t.Run(tc.tool+"/"+tc.want, func(t *testing.T) {
			res := callTool(t, e.mcp, tc.tool, tc.args)
			require.True(t, res.IsError)
			assert.Contains(t, textOf(t, res), tc.want)
			assert.Equal(t, tools.OutcomeBadArguments, e.lastOutcome(t))
		})
	}
	assert.Empty(t, e.emu.Requests(), "argument errors cost no request")
}

// TestBadArgumentsBeforeEnvironment: argument errors are reported even when the
// workspace or the token is missing too.
func TestBadArgumentsBeforeEnvironment(t *testing.T) {
	e := newEnv(t, withSlug(""), withToken(""))
	res := e.call(t, "list_clients", map[string]any{"limit": 1000})
	require.True(t, res.IsError)
	assert.Contains(t, textOf(t, res), `Argument "limit"`)
}

func TestObserveOutcomes(t *testing.T) {
	e := newEnv(t)
	e.call(t, "get_client", map[string]any{"client": "Initech"})
	e.call(t, "get_client", map[string]any{"client": "acme"})
	e.call(t, "list_clients", map[string]any{"limit": -1})
	e.mu.Lock()
	defer e.mu.Unlock()
	require.Len(t, e.calls, 3)
	assert.Equal(t, []string{tools.OutcomeOK, tools.OutcomeAmbiguous, tools.OutcomeBadArguments},
		[]string{e.calls[0].Outcome, e.calls[1].Outcome, e.calls[2].Outcome})
	assert.Equal(t, "get_client", e.calls[0].Tool)
	assert.Positive(t, e.calls[0].Duration)
}
