package snapshot_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/snapshot"
)

// TestUpdating: only UPDATE_SNAPSHOTS=1 rewrites; every other value checks.
func TestUpdating(t *testing.T) {
	for v, want := range map[string]bool{
		"1": true, "": false, "0": false, "false": false, "true": false, "yes": false, " 1": false, "11": false,
	} {
		getenv := func(k string) string {
			if k == snapshot.Env {
				return v
			}
			return ""
		}
		assert.Equal(t, want, snapshot.Updating(getenv), "UPDATE_SNAPSHOTS=%q", v)
	}
}
