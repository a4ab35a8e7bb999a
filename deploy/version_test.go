package deploy_test

import (
	"debug/buildinfo"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/version"
)

// TestReleaseBinariesVersion: every binary built with the release line prints its
// own build information with --version (module version, VCS revision when the tree
// had one, Go version), and that build information records the release line's
// settings.
func TestReleaseBinariesVersion(t *testing.T) {
	for _, name := range binaryNames {
		t.Run(name, func(t *testing.T) {
			bin := binary(t, name)
			cmd := exec.Command(bin, "--version")
			cmd.Env = hermeticEnv()
			out, err := cmd.Output()
			require.NoError(t, err)
			bi, err := buildinfo.ReadFile(bin)
			require.NoError(t, err)
			assert.Equal(t, version.From(bi).Line(name)+"\n", string(out))
			settings := map[string]string{}
			for _, s := range bi.Settings {
				settings[s.Key] = s.Value
			}
			assert.Equal(t, "0", settings["CGO_ENABLED"], "static")
			assert.Equal(t, "true", settings["-trimpath"])
			assert.Equal(t, version.ModulePath+"/cmd/"+name, bi.Path)
		})
	}
}
