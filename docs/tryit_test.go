//go:build unix

package docs_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSlackTryIt runs the try-it block of docs/slack.md as a reader pastes it, with
// the installed gitscrum-slack for `go run` and a free port for 8080: it waits for
// /healthz, then the signed commands get their answers.
func TestSlackTryIt(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the try-it block needs %s", tool)
		}
	}
	blocks := codeBlocks(section(readFile(t, "docs/slack.md"), "Try it without Slack or GitScrum"), "sh")
	require.Len(t, blocks, 1, "docs/slack.md's try-it section has one sh block")
	script := blocks[0]
	for _, want := range []string{"go run ./cmd/gitscrum-slack ", "127.0.0.1:8080", "/healthz"} {
		require.Contains(t, script, want)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	script = strings.ReplaceAll(script, "go run ./cmd/gitscrum-slack ", binary(t, "gitscrum-slack")+" ")
	script = strings.ReplaceAll(script, "127.0.0.1:8080", addr)
	script += "kill $!\nwait\n"

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = root
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	// The server runs in the script's process group: a timeout stops it too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.CombinedOutput()
	require.NoError(t, ctx.Err(), "the block did not finish within a minute:\n%s", out)
	require.NoError(t, err, "%s", out)
	for _, want := range []string{`{"status":"ok","store":"`, `"response_type": "ephemeral"`, "Acme Corp", "office@smithandsons.example"} {
		assert.Contains(t, string(out), want)
	}
	assert.NotContains(t, string(out), "jq: error")
	assert.Equal(t, 1, strings.Count(string(out), `{"status":"ok",`), "/healthz is polled until it answers once:\n%s", out)
}
