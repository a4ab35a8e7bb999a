package docs_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
)

// The checkers fail on what they must catch.

func TestBrokenLinksCatches(t *testing.T) {
	fsys := fstest.MapFS{
		"README.md": {Data: []byte("# Top\n\n## A heading: `with` code\n\n" +
			"[ok](docs/a.md) [ok](docs/a.md#second-part) [ok](#a-heading-with-code) [ok](docs/a.md#x-1)\n" +
			"[gone](docs/missing.md) [bad anchor](docs/a.md#nope) [bad self](#nowhere)\n" +
			"`[in code](nowhere.md)` [web](https://example.com/x.md)\n" +
			"```\n[in a block](nowhere.md)\n```\n")},
		"docs/a.md": {Data: []byte("# A\n\n## Second part\n\n## X\n\n## X\n\n[up](../README.md#top) [out](../../x.md)\n")},
	}
	broken := brokenLinks(fsys, []string{"README.md", "docs/a.md"})
	assert.Len(t, broken, 4, "%q", broken)
	for _, want := range []string{"docs/missing.md", "#nope", "#nowhere", "leaves the repository"} {
		assert.True(t, containsAny(broken, want), "%s not reported in %q", want, broken)
	}
}

func TestSlug(t *testing.T) {
	for heading, want := range map[string]string{
		"HTTP: one deployment, many users":     "http-one-deployment-many-users",
		"`list_clients` — List clients":        "list_clients--list-clients",
		"Floods (`bench/flood`)":               "floods-benchflood",
		"The [gitscrum](x.md) package":         "the-gitscrum-package",
		"Slack: the `/gitscrum` slash command": "slack-the-gitscrum-slash-command",
	} {
		assert.Equal(t, want, slug(heading), heading)
	}
}

func TestConfigGapsCatches(t *testing.T) {
	sec := "### tool\n\n| env | flag | default | meaning |\n| --- | --- | --- | --- |\n" +
		"| `GITSCRUM_TOKEN` | — | — | token |\n" +
		"| `GITSCRUM_TIMEOUT` | `--timeout` | `15s` | bound |\n" +
		"| — | `--http ADDR` | stdio | serve |\n" +
		"| — | `--gone` | — | removed long ago |\n\n" +
		"The subcommand takes `--url`.\n"
	missing, unknown := configGaps(sec,
		[]string{"timeout", "http", "url", "new-flag"},
		[]string{"GITSCRUM_TOKEN", "GITSCRUM_TIMEOUT", "GITSCRUM_NEW"})
	assert.ElementsMatch(t, []string{"--new-flag", "GITSCRUM_NEW"}, missing)
	assert.ElementsMatch(t, []string{"--gone"}, unknown)
}

func TestShellCommands(t *testing.T) {
	md := "```sh\ngo test  ./...   # the tests\n\n# a comment\nx --y\n```\n```json\n{}\n```\n"
	assert.Equal(t, []string{"go test ./...", "x --y"}, shellCommands(md))
}

func containsAny(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
