// Command mcpstart benchmarks the gitscrum-mcp binary as an assistant uses it: it
// builds cmd/gitscrum-mcp once, then
//
//   - spawns it -n times with --sandbox and measures process start → first
//     tools/list answered over stdio (median, p90), and its peak RSS (VmHWM from
//     /proc/<pid>/status just before closing stdin, and the kernel's rusage maxrss);
//   - drives one process, configured against an emulator served by this program on
//     loopback, with -calls get_client calls over stdio, alternating with direct
//     gitscrum.Client.GetClient calls to the same emulator, and reports what MCP
//     over stdio adds at the median.
//
// Run it from the module:
//
//	go run ./bench/mcpstart [-n 40] [-calls 400] [-check]
//
// With -check it exits 1 when a target is missed: start median ≤ 30 ms, peak RSS
// ≤ 25 MB, ≤ 1 ms added per get_client at the median.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/gitscrumtest"
)

// Targets of the issue.
const (
	targetStart    = 30 * time.Millisecond
	targetRSSBytes = 25 << 20
	targetAdded    = time.Millisecond
)

const (
	initLine        = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mcpstart","version":"1"}}}`
	initializedLine = `{"jsonrpc":"2.0","method":"notifications/initialized"}`
	listLine        = `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
)

func main() {
	n := flag.Int("n", 40, "process starts to measure")
	calls := flag.Int("calls", 400, "get_client calls to measure, over stdio and direct each")
	check := flag.Bool("check", false, "exit 1 when a target is missed")
	flag.Parse()
	if err := run(*n, *calls, *check); err != nil {
		fmt.Fprintln(os.Stderr, "mcpstart:", err)
		os.Exit(1)
	}
}

func run(n, calls int, check bool) error {
	dir, err := os.MkdirTemp("", "mcpstart")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "gitscrum-mcp")
	build := exec.Command("go", "build", "-o", bin, "github.com/gitscrum-bridge/gitscrum-bridge/cmd/gitscrum-mcp")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build gitscrum-mcp: %w", err)
	}
	machine()

	starts, hwms, maxrss, err := measureStarts(bin, n)
	if err != nil {
		return err
	}
	direct, stdio, callHWM, err := measureCalls(bin, calls)
	if err != nil {
		return err
	}

	fmt.Printf("\n## process start → first tools/list answered over stdio (--sandbox, %d runs)\n", n)
	fmt.Printf("median %s, p90 %s, min %s, max %s\n", ms(pct(starts, 50)), ms(pct(starts, 90)), ms(starts[0]), ms(starts[len(starts)-1]))
	fmt.Printf("peak RSS at that point: VmHWM median %s, max %s; rusage maxrss max %s\n",
		mb(pct(hwms, 50)), mb(hwms[len(hwms)-1]), mb(maxrss[len(maxrss)-1]))

	fmt.Printf("\n## get_client by UUID, %d calls each, alternating (emulator on loopback)\n", calls)
	dm, sm := pct(direct, 50), pct(stdio, 50)
	fmt.Printf("direct gitscrum.Client.GetClient: median %s, p90 %s\n", us(dm), us(pct(direct, 90)))
	fmt.Printf("through gitscrum-mcp over stdio:  median %s, p90 %s\n", us(sm), us(pct(stdio, 90)))
	fmt.Printf("added by MCP over stdio: %s at the median (%.2fx)\n", us(sm-dm), float64(sm)/float64(dm))
	fmt.Printf("peak RSS of that process after the calls: VmHWM %s\n", mb(callHWM))

	missed := []string{}
	if pct(starts, 50) > targetStart {
		missed = append(missed, fmt.Sprintf("start median %s > %s", ms(pct(starts, 50)), ms(targetStart)))
	}
	if peak := max(hwms[len(hwms)-1], maxrss[len(maxrss)-1]); peak > targetRSSBytes {
		missed = append(missed, fmt.Sprintf("peak RSS %s > %s", mb(peak), mb(targetRSSBytes)))
	}
	if sm-dm > targetAdded {
		missed = append(missed, fmt.Sprintf("added %s > %s", us(sm-dm), us(targetAdded)))
	}
	fmt.Println()
	if len(missed) == 0 {
		fmt.Println("targets (start ≤ 30 ms, RSS ≤ 25 MB, ≤ 1 ms added): all met")
		return nil
	}
	fmt.Println("targets missed: " + strings.Join(missed, "; "))
	if check {
		return errors.New("targets missed")
	}
	return nil
}

// measureStarts spawns the binary n times and times start → tools/list answered.
func measureStarts(bin string, n int) (starts []time.Duration, hwm, maxrss []int64, err error) {
	for i := range n {
		cmd := exec.Command(bin, "--sandbox", "--log-level", "error")
		cmd.Env = cleanEnv()
		in, out, err := pipes(cmd)
		if err != nil {
			return nil, nil, nil, err
		}
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			return nil, nil, nil, fmt.Errorf("start: %w", err)
		}
		// The client sends its first messages at once, as assistants do.
		if _, err := io.WriteString(in, initLine+"\n"+initializedLine+"\n"+listLine+"\n"); err != nil {
			return nil, nil, nil, fmt.Errorf("write: %w", err)
		}
		if err := readUntilID(out, 2); err != nil {
			return nil, nil, nil, fmt.Errorf("run %d: %w", i, err)
		}
		starts = append(starts, time.Since(t0))
		hwm = append(hwm, vmHWM(cmd.Process.Pid))
		_ = in.Close()
		if err := cmd.Wait(); err != nil {
			return nil, nil, nil, fmt.Errorf("run %d exited: %w", i, err)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			maxrss = append(maxrss, ru.Maxrss*1024) // kilobytes on Linux
		}
	}
	slices.Sort(starts)
	slices.Sort(hwm)
	slices.Sort(maxrss)
	if len(maxrss) == 0 {
		maxrss = []int64{0}
	}
	return starts, hwm, maxrss, nil
}

// measureCalls times get_client over stdio against direct calls to one emulator.
func measureCalls(bin string, calls int) (direct, stdio []time.Duration, hwm int64, err error) {
	emu := gitscrumtest.New(gitscrumtest.WithDemoData())
	emu.SetLogLimit(10)
	ts := httptest.NewServer(emu)
	defer ts.Close()

	client, err := gitscrum.New(gitscrum.WithBaseURL(ts.URL), gitscrum.WithToken(gitscrumtest.DefaultToken))
	if err != nil {
		return nil, nil, 0, err
	}
	cmd := exec.Command(bin, "--log-level", "error")
	cmd.Env = append(cleanEnv(), "GITSCRUM_API_URL="+ts.URL, "GITSCRUM_TOKEN="+gitscrumtest.DefaultToken, "GITSCRUM_COMPANY_SLUG="+gitscrumtest.DemoWorkspace)
	in, out, err := pipes(cmd)
	if err != nil {
		return nil, nil, 0, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, 0, fmt.Errorf("start: %w", err)
	}
	defer func() { _ = in.Close(); _ = cmd.Wait() }()
	if _, err := io.WriteString(in, initLine+"\n"+initializedLine+"\n"); err != nil {
		return nil, nil, 0, err
	}
	if err := readUntilID(out, 1); err != nil {
		return nil, nil, 0, err
	}
	ctx := context.Background()
	warmup := 20
	for i := range calls + warmup {
		t0 := time.Now()
		if _, err := client.GetClient(ctx, gitscrumtest.DemoWorkspace, gitscrumtest.DemoAcmeUUID); err != nil {
			return nil, nil, 0, fmt.Errorf("direct: %w", err)
		}
		d := time.Since(t0)

		id := 100 + i
		line := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_client","arguments":{"client":%q}}}`+"\n", id, gitscrumtest.DemoAcmeUUID)
		t1 := time.Now()
		if _, err := io.WriteString(in, line); err != nil {
			return nil, nil, 0, err
		}
		if err := readUntilID(out, id); err != nil {
			return nil, nil, 0, err
		}
		s := time.Since(t1)
		if i >= warmup {
			direct, stdio = append(direct, d), append(stdio, s)
		}
	}
	hwm = vmHWM(cmd.Process.Pid)
	slices.Sort(direct)
	slices.Sort(stdio)
	return direct, stdio, hwm, nil
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

// readUntilID reads stdout lines until the response with id; an error response fails.
func readUntilID(r *bufio.Reader, id int) error {
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return fmt.Errorf("read: %w", err)
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
			return fmt.Errorf("request %d failed: %s", id, line)
		}
		return nil
	}
}

// vmHWM returns the peak resident set size of a process, in bytes.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// cleanEnv is the environment without GITSCRUM_* settings.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITSCRUM_") {
			env = append(env, kv)
		}
	}
	return env
}

// machine prints what the numbers were measured on.
func machine() {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0]); len(f) >= 2 {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
		}
	}
	fmt.Printf("machine: %s, %d CPUs%s, Linux %s, %s %s/%s\n", cpu, runtime.NumCPU(), mem,
		strings.TrimSpace(string(kernel)), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func pct[T int64 | time.Duration](sorted []T, p int) T {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }
func mb(b int64) string         { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
