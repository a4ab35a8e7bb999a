package main_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state/statetest"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

// startSandbox builds and runs gitscrum-sandbox, the demo emulator several
// gitscrum-mcp processes can share, and returns its API URL.
func startSandbox(t *testing.T) string {
	t.Helper()
	sandbox := filepath.Join(t.TempDir(), "gitscrum-sandbox")
	out, err := exec.Command("go", "build", "-o", sandbox, "../gitscrum-sandbox").CombinedOutput()
	require.NoError(t, err, "build gitscrum-sandbox: %s", out)
	cmd := exec.Command(sandbox, "--addr", "127.0.0.1:0")
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
	})
	return waitFor(t, stderr, regexp.MustCompile(`GITSCRUM_API_URL=(http://\S+)`))
}

// TestReplicasSeeEachOthersCreates: two gitscrum-mcp processes (as two assistants
// spawn them) on one gitscrum-sandbox and one database. "Replica Race Co" is
// created through B, then through A a second later, while A's list of the
// workspace (read just before) does not show it: A answers that the workspace
// already has that client, B's, and the workspace has one.
func TestReplicasSeeEachOthersCreates(t *testing.T) {
	apiURL := startSandbox(t)
	statetest.Each(t, func(t *testing.T, b statetest.Backend) {
		env := baseEnv("GITSCRUM_API_URL="+apiURL, "GITSCRUM_TOKEN="+emulator.DefaultToken,
			"GITSCRUM_COMPANY_SLUG="+emulator.DemoWorkspace, state.EnvDatabase+"="+b.NewDB(t))
		a, aLog, _ := stdioClient(t, env)
		bb, _, _ := stdioClient(t, env)
		name := "Replica Race Co " + b.Name

		res := callTool(t, a, "list_clients", nil)
		require.False(t, res.IsError, text(res))
		res = callTool(t, bb, "create_client", map[string]any{"name": name})
		require.False(t, res.IsError, text(res))
		api, err := gitscrum.New(gitscrum.WithBaseURL(apiURL), gitscrum.WithToken(emulator.DefaultToken))
		require.NoError(t, err)
		all, err := api.ListClients(context.Background(), emulator.DemoWorkspace)
		require.NoError(t, err)
		created := gitscrum.FindDuplicates(all, name, "")
		require.Len(t, created, 1)

		time.Sleep(time.Second)
		res = callTool(t, a, "create_client", map[string]any{"name": name})
		assert.True(t, res.IsError, "A refuses: %s", text(res))
		assert.Contains(t, text(res), "already has a client", aLog.String())
		assert.Contains(t, text(res), created[0].UUID, "A shows B's client")
		all, err = api.ListClients(context.Background(), emulator.DemoWorkspace)
		require.NoError(t, err)
		assert.Len(t, gitscrum.FindDuplicates(all, name, ""), 1, "one client of that name")
	})
}

// TestStoreDownRefusesWrites: gitscrum-mcp on a PostgreSQL that goes away refuses
// create_client and update_client with a text that names the state store and
// says reads still work, sending nothing to GitScrum, while list_clients and
// get_client work; once the database is back, writes resume without a restart.
func TestStoreDownRefusesWrites(t *testing.T) {
	emu, upstreamURL := startEmulator(t)
	dbURL, proxy := storetest.Proxied(t, statetest.PostgresURL(t))
	env := baseEnv("GITSCRUM_API_URL="+upstreamURL, "GITSCRUM_TOKEN="+emulator.DefaultToken,
		"GITSCRUM_COMPANY_SLUG="+emulator.DemoWorkspace, state.EnvDatabase+"="+dbURL)
	c, _, _ := stdioClient(t, env)
	res := callTool(t, c, "create_client", map[string]any{"name": "Before The Outage"})
	require.False(t, res.IsError, "the store works: %s", text(res))

	proxy.Stop()
	emu.ResetRequests()
	for _, call := range []struct {
		tool string
		args map[string]any
	}{
		{"create_client", map[string]any{"name": "During The Outage"}},
		{"create_client", map[string]any{"name": "During The Outage", "allow_duplicate": true}},
		{"update_client", map[string]any{"client": emulator.DemoAcmeUUID, "phone": "+1 555 0199"}},
		{"update_client", map[string]any{"client": "Acme Corp", "phone": "+1 555 0199"}},
	} {
		res := callTool(t, c, call.tool, call.args)
		require.True(t, res.IsError, "%s %v: %s", call.tool, call.args, text(res))
		for _, want := range []string{"state store", "nothing was sent to GitScrum", "still work"} {
			assert.Contains(t, text(res), want, call.tool)
		}
	}
	assert.Empty(t, emu.Requests(), "nothing was sent to GitScrum")
	res = callTool(t, c, "list_clients", map[string]any{"query": "acme"})
	require.False(t, res.IsError, "reads work while the store is down: %s", text(res))
	res = callTool(t, c, "get_client", map[string]any{"client": emulator.DemoAcmeUUID})
	require.False(t, res.IsError, "reads work while the store is down: %s", text(res))

	proxy.Start()
	require.Eventually(t, func() bool {
		return !callTool(t, c, "create_client", map[string]any{"name": "After The Outage"}).IsError
	}, 20*time.Second, 100*time.Millisecond, "creates resume once the store is back")
	res = callTool(t, c, "update_client", map[string]any{"client": emulator.DemoAcmeUUID, "phone": "+1 555 0199"})
	require.False(t, res.IsError, "updates resume: %s", text(res))
}
