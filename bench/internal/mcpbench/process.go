// Package mcpbench measures the MCP side: the real gitscrum-mcp binary (start →
// tools/list, peak RSS, get_client over stdio against direct gitscrum.Client calls)
// and the in-process tools handler over streamable HTTP on loopback (calls per
// second against raw emulator round trips). bench/mcpstart and bench/suite share it.
package mcpbench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// Messages of an assistant's first exchange over stdio.
const (
	InitLine        = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mcpbench","version":"1"}}}`
	InitializedLine = `{"jsonrpc":"2.0","method":"notifications/initialized"}`
	ListLine        = `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
)

// readTimeout bounds the wait for one answer of the binary.
const readTimeout = 30 * time.Second

// Build builds cmd/gitscrum-mcp with -trimpath into dir and returns the binary's
// path. The go command's output goes to stderr.
func Build(dir string) (string, error) {
	return build(dir, "gitscrum-mcp", "github.com/gitscrum-bridge/gitscrum-bridge/cmd/gitscrum-mcp")
}

// BuildEcho builds the baseline process, bench/internal/echoproc (a Go program that
// echoes stdin lines), with -trimpath into dir and returns its path.
func BuildEcho(dir string) (string, error) {
	return build(dir, "echoproc", "github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/echoproc")
}

func build(dir, name, pkg string) (string, error) {
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, pkg)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build %s: %w", name, err)
	}
	return bin, nil
}

// Starts is what MeasureStarts measured; every slice is sorted.
type Starts struct {
	// Durations from process start to the tools/list answer.
	Durations []time.Duration
	// HWM is VmHWM of /proc/<pid>/status read right after that answer, just before
	// stdin is closed and the process exits, in bytes.
	HWM []int64
	// MaxRSS is the kernel's rusage maxrss after exit, in bytes. It is only an upper
	// bound: Go starts a child with vfork semantics (CLONE_VM), and Linux folds the
	// parent's resident set at the moment of exec into the child's maxrss.
	MaxRSS []int64
	// ListBytes is the size of the "result" member of the last tools/list answer,
	// as the process wrote it: what a client hands the model. Zero for a process
	// whose answer has no result (the echo baseline).
	ListBytes int
}

// SandboxArgs are the arguments of gitscrum-mcp for MeasureStarts.
var SandboxArgs = []string{"--sandbox", "--log-level", "error"}

// MeasureStarts spawns bin with args n times and times process start → the answer to
// tools/list (id 2) over stdio, the client writing its first three messages at once
// as assistants do. With gitscrum-mcp use SandboxArgs; the echo baseline takes none.
func MeasureStarts(bin string, args []string, n int) (Starts, error) {
	var s Starts
	for i := range n {
		cmd := exec.Command(bin, args...)
		cmd.Env = CleanEnv()
		in, out, err := pipes(cmd)
		if err != nil {
			return s, err
		}
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			return s, fmt.Errorf("start: %w", err)
		}
		if _, err := io.WriteString(in, InitLine+"\n"+InitializedLine+"\n"+ListLine+"\n"); err != nil {
			abort(cmd)
			return s, fmt.Errorf("write: %w", err)
		}
		line, err := readUntilID(out, 2, cmd)
		if err != nil {
			abort(cmd)
			return s, fmt.Errorf("run %d: %w", i, err)
		}
		s.Durations = append(s.Durations, time.Since(t0))
		s.ListBytes = resultBytes(line)
		s.HWM = append(s.HWM, stats.VmHWM(cmd.Process.Pid))
		_ = in.Close()
		if err := cmd.Wait(); err != nil {
			return s, fmt.Errorf("run %d exited: %w", i, err)
		}
		s.MaxRSS = append(s.MaxRSS, maxRSS(cmd))
	}
	s.Durations, s.HWM, s.MaxRSS = stats.Sorted(s.Durations), stats.Sorted(s.HWM), stats.Sorted(s.MaxRSS)
	return s, nil
}

// Calls is what MeasureStdioCalls measured; the slices are sorted.
type Calls struct {
	// Direct are gitscrum.Client.GetClient calls to the emulator.
	Direct []time.Duration
	// Stdio are get_client tool calls through the binary over stdio.
	Stdio []time.Duration
	// HWM is the binary's VmHWM after the calls, just before it exits, in bytes.
	HWM int64
}

// MeasureStdioCalls drives one process of bin, configured against an emulator served
// here on loopback, with calls get_client calls over stdio, alternating with direct
// gitscrum.Client.GetClient calls to the same emulator. 20 warm-up pairs are not
// counted.
func MeasureStdioCalls(bin string, calls int) (Calls, error) {
	var res Calls
	emu := emulator.New(emulator.WithDemoData())
	emu.SetLogLimit(10)
	ts := httptest.NewServer(emu)
	defer ts.Close()

	client, err := gitscrum.New(gitscrum.WithBaseURL(ts.URL), gitscrum.WithToken(emulator.DefaultToken))
	if err != nil {
		return res, err
	}
	cmd := exec.Command(bin, "--log-level", "error")
	cmd.Env = append(CleanEnv(), "GITSCRUM_API_URL="+ts.URL, "GITSCRUM_TOKEN="+emulator.DefaultToken,
		"GITSCRUM_COMPANY_SLUG="+emulator.DemoWorkspace)
	in, out, err := pipes(cmd)
	if err != nil {
		return res, err
	}
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("start: %w", err)
	}
	defer func() {
		_ = in.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			kill(cmd)
			<-done
		}
	}()
	if _, err := io.WriteString(in, InitLine+"\n"+InitializedLine+"\n"); err != nil {
		return res, err
	}
	if _, err := readUntilID(out, 1, cmd); err != nil {
		return res, err
	}
	ctx := context.Background()
	const warmup = 20
	for i := range calls + warmup {
		t0 := time.Now()
		if _, err := client.GetClient(ctx, emulator.DemoWorkspace, emulator.DemoAcmeUUID); err != nil {
			return res, fmt.Errorf("direct: %w", err)
		}
		d := time.Since(t0)

		id := 100 + i
		line := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_client","arguments":{"client":%q}}}`+"\n",
			id, emulator.DemoAcmeUUID)
		t1 := time.Now()
		if _, err := io.WriteString(in, line); err != nil {
			return res, err
		}
		if _, err := readUntilID(out, id, cmd); err != nil {
			return res, err
		}
		s := time.Since(t1)
		if i >= warmup {
			res.Direct, res.Stdio = append(res.Direct, d), append(res.Stdio, s)
		}
	}
	res.HWM = stats.VmHWM(cmd.Process.Pid)
	res.Direct, res.Stdio = stats.Sorted(res.Direct), stats.Sorted(res.Stdio)
	return res, nil
}

func pipes(cmd *exec.Cmd) (io.WriteCloser, *bufio.Reader, error) {
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, fmt.Errorf("stdin: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, fmt.Errorf("stdout: %w", err)
	}
	return in, bufio.NewReaderSize(out, 1<<20), nil
}

// readUntilID reads stdout lines until the response with id and returns it; an
// error response fails. When no answer comes within readTimeout the process is
// killed, which ends the read.
func readUntilID(r *bufio.Reader, id int, cmd *exec.Cmd) ([]byte, error) {
	timer := time.AfterFunc(readTimeout, func() { kill(cmd) })
	defer timer.Stop()
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return nil, fmt.Errorf("read answer %d: %w", id, err)
		}
		var msg struct {
			ID     *int            `json:"id"`
			Error  json.RawMessage `json:"error"`
			Result struct {
				IsError bool `json:"isError"`
			} `json:"result"`
		}
		if json.Unmarshal(line, &msg) != nil || msg.ID == nil || *msg.ID != id {
			continue
		}
		if len(msg.Error) > 0 || msg.Result.IsError {
			return nil, fmt.Errorf("request %d failed: %s", id, line)
		}
		return line, nil
	}
}

// resultBytes is the size of the "result" member of a JSON-RPC answer as written,
// or 0 when it has none.
func resultBytes(line []byte) int {
	var msg struct {
		Result json.RawMessage `json:"result"`
	}
	if json.Unmarshal(line, &msg) != nil {
		return 0
	}
	return len(msg.Result)
}

func kill(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

// abort kills cmd and reaps it.
func abort(cmd *exec.Cmd) {
	kill(cmd)
	_ = cmd.Wait()
}

func maxRSS(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024 // kilobytes on Linux
	}
	return 0
}

// CleanEnv is the environment without GITSCRUM_* settings.
func CleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITSCRUM_") {
			env = append(env, kv)
		}
	}
	return env
}
