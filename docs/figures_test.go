package docs_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gitscrumToolsListBytes is GitScrum's own MCP server's tools/list (its one
// `client` tool), measured side by side in issue 9; the docs compare against it.
const gitscrumToolsListBytes = 1517

// fixedToolsListFigures are the figures the docs may give beside the size of
// tools/list that do not come from this code, each with where it comes from.
var fixedToolsListFigures = map[string]string{
	"4,500": "the budget TestToolsListSize holds tools/list to",
	"6,866": "the size before issue 9 trimmed the schemas",
	"1,517": "GitScrum's own server, measured in issue 9",
	"1,000": "the calls after which peak RSS is measured",
}

// toolsListBytes runs the installed gitscrum-mcp --sandbox over stdio, as an
// assistant does, and returns the size of the tools/list result (the "result"
// member) exactly as the binary writes it.
func toolsListBytes(t *testing.T) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t, "gitscrum-mcp"), "--sandbox")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	}()
	_, err = io.WriteString(stdin, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"docs-test","version":"0"}}}`+"\n"+
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n"+
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`+"\n")
	require.NoError(t, err)
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var msg struct {
			ID     json.RawMessage `json:"id"`
			Result json.RawMessage `json:"result"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &msg), sc.Text())
		if string(msg.ID) == "2" {
			require.NotEmpty(t, msg.Result, sc.Text())
			return len(msg.Result)
		}
	}
	require.FailNow(t, "gitscrum-mcp ended (or timed out) before answering tools/list", "%v", sc.Err())
	return 0
}

// thousands writes n as the docs do: 4,463.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// docParagraphs splits md into paragraphs, with each table row on its own.
func docParagraphs(md string) []string {
	var out []string
	for _, block := range regexp.MustCompile(`\n[ \t]*\n`).Split(md, -1) {
		if strings.HasPrefix(strings.TrimSpace(block), "|") {
			out = append(out, strings.Split(block, "\n")...)
			continue
		}
		out = append(out, block)
	}
	return out
}

// TestToolsListFigures: every size of tools/list the README and docs/ give is the
// size the binary sends today (and the per-tool and versus-GitScrum figures derived
// from it), measured here rather than copied: any four-digit figure in a paragraph
// about tools/list is either measured or one of fixedToolsListFigures.
func TestToolsListFigures(t *testing.T) {
	n := toolsListBytes(t)
	perTool := int(math.Round(float64(n) / 4))
	measured := map[string]string{thousands(n): "tools/list, 4 tools", thousands(perTool): "tools/list per tool"}
	t.Logf("tools/list is %d bytes, %d per tool", n, perTool)

	figure := regexp.MustCompile(`(?:^|[^\d,.])(\d,\d{3})(?:[^\d,]|$)`)
	for _, name := range markdownFiles(t) {
		for _, p := range docParagraphs(readFile(t, name)) {
			if !strings.Contains(p, "tools/list") {
				continue
			}
			for _, m := range figure.FindAllStringSubmatch(p, -1) {
				_, ok := measured[m[1]]
				_, fixed := fixedToolsListFigures[m[1]]
				assert.True(t, ok || fixed, "%s gives %s beside tools/list, which is %s bytes today (%s per tool):\n%s",
					name, m[1], thousands(n), thousands(perTool), p)
			}
		}
	}

	// Where each figure is stated, and what it must read.
	ratio := func(x int) string { return fmt.Sprintf("%.2f×", float64(x)/gitscrumToolsListBytes) }
	for _, c := range []struct{ file, pattern, want string }{
		{"README.md", "\\| `tools/list` bytes \\| ([\\d,]+) \\(4 tools\\)", thousands(n)},
		{"docs/mcp.md", "For all four tools it is\\s+\\*\\*([\\d,]+) bytes\\*\\*", thousands(n)},
		{"docs/mcp.md", "about ([\\d,]+) bytes per tool", thousands(perTool)},
		{"docs/mcp.md", "to keep `tools/list` small: ([\\d,]+) bytes", thousands(n)},
		{"docs/benchmarks.md", "\\| \\*\\*([\\d,]+) bytes\\*\\* \\(was 6,866", thousands(n)},
		{"docs/benchmarks.md", "4 tools, bytes \\(target ≤ 4,500\\) \\| ([\\d,]+) \\|", thousands(n)},
		{"docs/benchmarks.md", "4 tools, bytes \\(target ≤ 4,500\\) \\| [\\d,]+ \\| .* \\| ([\\d.]+×) \\|", ratio(n)},
		{"docs/benchmarks.md", "tools/list result per tool, bytes \\| ([\\d,]+) \\|", thousands(perTool)},
		{"docs/benchmarks.md", "tools/list result per tool, bytes \\| [\\d,]+ \\| .* \\| ([\\d.]+×) \\|", ratio(perTool)},
		{"docs/benchmarks.md", "`tools/list` for all four tools is\\s+([\\d,]+) bytes", thousands(n)},
	} {
		ms := regexp.MustCompile(c.pattern).FindAllStringSubmatch(readFile(t, c.file), -1)
		if !assert.NotEmpty(t, ms, "%s no longer says %q: update this test with the new wording", c.file, c.pattern) {
			continue
		}
		for _, m := range ms {
			assert.Equal(t, c.want, m[1], "%s: %q", c.file, c.pattern)
		}
	}
}
