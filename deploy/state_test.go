package deploy_test

import (
	"path"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// imageStateDir is where the images keep the SQLite state store by default.
const imageStateDir = "/var/lib/gitscrum-bridge"

// TestDockerfileState: each image's default state store is
// /var/lib/gitscrum-bridge/state.db: XDG_STATE_HOME points the binaries' default
// there (GITSCRUM_DATABASE_URL stays unset, so --sandbox keeps its in-memory
// store), the directory is a VOLUME, and it exists in the scratch image, made in
// the build stage and copied owned by the image's user, so that user can write it.
func TestDockerfileState(t *testing.T) {
	d := mustParseDockerfile(t)
	made := false
	for _, c := range d.stage(t, buildStage).Commands {
		if run, ok := c.(*instructions.RunCommand); ok && strings.Contains(strings.Join(run.CmdLine, " "), "mkdir -p /out/state") {
			made = true
		}
	}
	assert.True(t, made, "the build stage makes /out/state")
	for _, bin := range imageBinaries {
		t.Run(bin, func(t *testing.T) {
			img := d.image(t, bin)
			xdg, ok := img.env["XDG_STATE_HOME"]
			require.True(t, ok, "ENV XDG_STATE_HOME")
			assert.Equal(t, imageStateDir+"/state.db", path.Join(xdg, "gitscrum-bridge", "state.db"),
				"the binaries' default path (store.DefaultPath) under the image's XDG_STATE_HOME")
			assert.NotContains(t, img.env, "GITSCRUM_DATABASE_URL", "unset, so --sandbox stays in memory")
			assert.Contains(t, img.volumes, imageStateDir)
			assert.Contains(t, img.copies, "/out/state → "+imageStateDir)
			assert.Equal(t, img.user, img.chown[imageStateDir], "the state directory belongs to the image's user")
		})
	}
}
