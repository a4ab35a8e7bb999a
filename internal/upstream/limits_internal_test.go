package upstream

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// TestSandboxServerLimits: the embedded sandbox's server bounds reads, writes,
// idle connections and headers, and never cuts an answer before the client's own
// timeout would.
func TestSandboxServerLimits(t *testing.T) {
	u, err := Config{Sandbox: true, APIURL: gitscrum.DefaultBaseURL, Timeout: 40 * time.Second}.Open(nil)
	require.NoError(t, err)
	defer u.Close()
	s := u.server
	require.NotNil(t, s)
	assert.Positive(t, s.ReadHeaderTimeout)
	assert.Positive(t, s.ReadTimeout)
	assert.Greater(t, s.WriteTimeout, 40*time.Second)
	assert.Positive(t, s.IdleTimeout)
	assert.Positive(t, s.MaxHeaderBytes)
}
