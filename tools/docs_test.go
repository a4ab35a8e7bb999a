package tools_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

const (
	readmePath  = "../README.md"
	regionBegin = "<!-- tools:begin -->\n"
	regionEnd   = "<!-- tools:end -->"
)

// TestREADMEToolsRegion: the README's tool reference is what tools.Markdown
// generates from the tool definitions. UPDATE_SNAPSHOTS=1 rewrites the region (and
// only the region).
func TestREADMEToolsRegion(t *testing.T) {
	raw, err := os.ReadFile(readmePath)
	require.NoError(t, err)
	readme := string(raw)
	start := strings.Index(readme, regionBegin)
	require.GreaterOrEqual(t, start, 0, "README.md has no %q marker", strings.TrimSpace(regionBegin))
	start += len(regionBegin)
	end := strings.Index(readme[start:], regionEnd)
	require.GreaterOrEqual(t, end, 0, "README.md has no %q marker after the begin marker", regionEnd)
	end += start

	want := tools.Markdown()
	if updateSnapshots() {
		updated := readme[:start] + want + readme[end:]
		require.NoError(t, os.WriteFile(readmePath, []byte(updated), 0o644))
		return
	}
	assert.Equal(t, want, readme[start:end],
		"README.md's tools region differs from the tool definitions; run the tests with UPDATE_SNAPSHOTS=1 to regenerate it")
}

func TestMarkdownNamesEveryToolAndArgument(t *testing.T) {
	md := tools.Markdown()
	for _, def := range tools.Definitions(false) {
		assert.Contains(t, md, "### `"+def.Name+"` — "+def.Title)
		for name := range def.InputSchema.Properties {
			assert.Contains(t, md, "| `"+name+"` |")
		}
	}
	assert.NotContains(t, md, "|  |\n", "every argument has a meaning: its description, or a README note")
}
