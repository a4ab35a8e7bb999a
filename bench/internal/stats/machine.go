package stats

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Machine returns the line that names what the figures were measured on: CPU model
// (from /proc/cpuinfo), cores, memory, OS/arch and kernel, Go version, date and the
// load average at that moment (other work on the machine makes figures noisy).
func Machine(now time.Time) string {
	cpuinfo, _ := os.ReadFile("/proc/cpuinfo")
	meminfo, _ := os.ReadFile("/proc/meminfo")
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	loadavg, _ := os.ReadFile("/proc/loadavg")
	return machineLine(string(cpuinfo), string(meminfo), strings.TrimSpace(string(kernel)), string(loadavg), now)
}

func machineLine(cpuinfo, meminfo, kernel, loadavg string, now time.Time) string {
	mem := "unknown memory"
	if kb := statusKB(meminfo, "MemTotal:"); kb > 0 {
		mem = fmt.Sprintf("%.1f GiB RAM", float64(kb)/(1<<20))
	}
	platform := runtime.GOOS + "/" + runtime.GOARCH
	if kernel != "" {
		platform += " (kernel " + kernel + ")"
	}
	line := fmt.Sprintf("Machine: %s, %d cores (GOMAXPROCS %d), %s, %s, %s, %s",
		CPUModel(cpuinfo), runtime.NumCPU(), runtime.GOMAXPROCS(0), mem, platform, runtime.Version(),
		now.UTC().Format("2006-01-02 15:04 UTC"))
	if f := strings.Fields(loadavg); len(f) >= 3 {
		line += fmt.Sprintf("; load average at start %s %s %s", f[0], f[1], f[2])
	}
	return line + "."
}

// CPUModel returns the first "model name" of a /proc/cpuinfo text, or "unknown CPU".
func CPUModel(cpuinfo string) string {
	for line := range strings.SplitSeq(cpuinfo, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// statusKB returns the value in kB of key (such as "VmHWM:") in a /proc status or
// meminfo text, or 0.
func statusKB(text, key string) int64 {
	for line := range strings.SplitSeq(text, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == key {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb
		}
	}
	return 0
}

// VmHWM returns the peak resident set size of process pid in bytes, read from
// /proc/<pid>/status; 0 when it cannot be read.
func VmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	return statusKB(string(b), "VmHWM:") * 1024
}

// SelfMem returns this process's resident set size and its peak, in bytes.
func SelfMem() (rss, hwm int64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	return statusKB(string(b), "VmRSS:") * 1024, statusKB(string(b), "VmHWM:") * 1024
}

// VmRSS returns the resident set size of process pid in bytes, read from
// /proc/<pid>/status; 0 when it cannot be read.
func VmRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	return statusKB(string(b), "VmRSS:") * 1024
}
