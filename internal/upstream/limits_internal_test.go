package upstream

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
)

// TestSandboxServerLimits: the embedded sandbox's server, as it serves. An answer
// slower than the server's write margin, but within the client's timeout, arrives
// whole (the server never cuts an answer before the client would give up); headers
// over the bound get 431; a client that never finishes its headers is disconnected
// after the header timeout.
func TestSandboxServerLimits(t *testing.T) {
	slowest := httpserver.WriteMargin + 500*time.Millisecond
	u, err := Config{Sandbox: true, APIURL: gitscrum.DefaultBaseURL, Timeout: slowest + 5*time.Second}.Open(nil)
	require.NoError(t, err)
	t.Cleanup(u.Close) // after the parallel subtests
	base := u.Client.BaseURL()
	addr := strings.TrimPrefix(base, "http://")

	t.Run("an answer slower than the write margin arrives", func(t *testing.T) {
		t.Parallel()
		u.Sandbox.SetLatency(slowest)
		ctx, cancel := context.WithTimeout(context.Background(), slowest+10*time.Second)
		defer cancel()
		start := time.Now()
		got, err := u.Client.GetClient(ctx, u.CompanySlug, emulator.DemoAcmeUUID)
		require.NoError(t, err, "cut by the server's write timeout")
		assert.Equal(t, "Acme Corp", got.Name)
		assert.GreaterOrEqual(t, time.Since(start), slowest, "the answer was that slow")
	})
	t.Run("headers over the bound get 431", func(t *testing.T) {
		t.Parallel()
		req, err := http.NewRequest(http.MethodGet, base+"/healthz", nil)
		require.NoError(t, err)
		req.Header.Set("X-Padding", strings.Repeat("a", httpserver.MaxHeaderBytes+8<<10))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
	})
	t.Run("unfinished headers are cut after the header timeout", func(t *testing.T) {
		t.Parallel()
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		since := time.Now()
		_, err = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
		require.NoError(t, err)
		require.NoError(t, c.SetReadDeadline(since.Add(httpserver.ReadHeaderTimeout+5*time.Second)))
		n, err := c.Read(make([]byte, 1))
		assert.Zero(t, n)
		require.ErrorIs(t, err, io.EOF, "the server closed the connection (not the test's deadline)")
		assert.GreaterOrEqual(t, time.Since(since), httpserver.ReadHeaderTimeout-time.Second, "closed by the header timeout")
	})
}
