package cachebench

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// TestMeasures runs each measure once on a small workspace and checks what the
// emulator counted.
func TestMeasures(t *testing.T) {
	r := NewRig(250)
	defer r.Close()
	found := 0
	for _, c := range r.Clients {
		if c.Name == LookupName {
			found++
		}
	}
	require.Equal(t, 1, found)
	require.Len(t, r.Clients, 250)

	gc, err := r.Client()
	require.NoError(t, err)
	m, err := NewMCP(gc)
	require.NoError(t, err)
	defer m.Close()
	calls, seen, err := m.PageAll()
	require.NoError(t, err)
	assert.Equal(t, 10, calls)
	assert.Equal(t, 250, seen)
	assert.Equal(t, Counts{Listings: 1, Pages: 3}, r.Count())

	r.Reset()
	ts, err := m.Timed(3, "get_client", map[string]any{"client": LookupName})
	require.NoError(t, err)
	assert.Len(t, ts, 3)
	assert.Equal(t, Counts{Gets: 3}, r.Count())

	off, err := r.Client(gitscrum.WithCacheTTL(0))
	require.NoError(t, err)
	r.Reset()
	_, err = Concurrent(off, 4, "get_client", map[string]any{"client": LookupName})
	require.NoError(t, err)
	assert.Equal(t, Counts{Listings: 4, Pages: 12, Gets: 4}, r.Count())

	mem, err := CachedListMemory(1000)
	require.NoError(t, err)
	assert.Positive(t, mem.Bytes)
	assert.Positive(t, mem.JSONBytes)
}
