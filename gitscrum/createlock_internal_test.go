package gitscrum

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCreateLocksForgetIdleKeys checks keys are forgotten once nobody holds or awaits
// them, also after a wait that ended with its context, and that distinct keys do not
// block each other.
func TestCreateLocksForgetIdleKeys(t *testing.T) {
	var l createLocks
	unlockA, err := l.lock(context.Background(), "a", "b", "a")
	require.NoError(t, err)
	unlockC, err := l.lock(context.Background(), "c")
	require.NoError(t, err, "a distinct key is not blocked")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = l.lock(ctx, "c", "b")
	require.ErrorIs(t, err, context.DeadlineExceeded)

	unlockA()
	unlockC()
	assert.Empty(t, l.locks)

	unlock, err := l.lock(context.Background(), "b", "c")
	require.NoError(t, err, "released keys can be taken again")
	unlock()
	assert.Empty(t, l.locks)
}
