package stats

import (
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ten := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, c := range []struct {
		p    float64
		want int
	}{{0, 1}, {1, 1}, {10, 1}, {11, 2}, {50, 5}, {90, 9}, {99, 10}, {100, 10}, {150, 10}} {
		if got := Percentile(ten, c.p); got != c.want {
			t.Errorf("Percentile(1..10, %v) = %d, want %d", c.p, got, c.want)
		}
	}
	// 200 samples: p50 is the 100th, p99 the 198th.
	var d []time.Duration
	for i := 200; i >= 1; i-- {
		d = append(d, time.Duration(i))
	}
	d = Sorted(d)
	if got := Percentile(d, 50); got != 100 {
		t.Errorf("p50 of 200 = %d, want 100", got)
	}
	if got := Percentile(d, 99); got != 198 {
		t.Errorf("p99 of 200 = %d, want 198", got)
	}
	if got := Percentile([]time.Duration(nil), 50); got != 0 {
		t.Errorf("p50 of none = %v, want 0", got)
	}
	if got := Percentile([]int64{7}, 99); got != 7 {
		t.Errorf("p99 of one = %v, want 7", got)
	}
}

func TestSortedCopies(t *testing.T) {
	in := []int{3, 1, 2}
	out := Sorted(in)
	if in[0] != 3 || out[0] != 1 || out[2] != 3 {
		t.Fatalf("Sorted changed its input or did not sort: in %v, out %v", in, out)
	}
}

func TestRatio(t *testing.T) {
	for _, c := range []struct {
		v, b float64
		want string
	}{
		{2, 1, "2.00×"},
		{1, 1, "1.00×"},
		{123, 10, "12.3×"},
		{12346, 10, "1235×"},
		{1, 3, "0.33×"},
		{1, 10, "0.10×"},
		{1, 30, "0.033×"},
		{1, 3000, "0.00033×"},
		{1, 0, "—"},
		{0, 1, "—"},
		{-1, 1, "—"},
	} {
		if got := Ratio(c.v, c.b); got != c.want {
			t.Errorf("Ratio(%v, %v) = %q, want %q", c.v, c.b, got, c.want)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Duration(0), "0"},
		{Duration(850), "850 ns"},
		{Duration(12300), "12.3 µs"},
		{Duration(412 * time.Microsecond), "412 µs"},
		{Duration(2310 * time.Microsecond), "2.31 ms"},
		{Duration(1520 * time.Millisecond), "1.52 s"},
		{Bytes(512), "512 B"},
		{Bytes(4096), "4.00 KiB"},
		{Bytes(12.3 * (1 << 20)), "12.3 MiB"},
		{Bytes(1.2 * (1 << 30)), "1.20 GiB"},
		{Count(96067), "96,067"},
		{Count(999), "999"},
		{Count(1000), "1,000"},
		{Count(-1234567), "-1,234,567"},
		{UnitRate.Format(4321.4), "4,321/s"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	tab := Table{Machine: "Machine: test.", Notes: []string{"note"}}
	tab.Add(Row{Scenario: "MCP stdio", Measure: "get_client p50 (n=10)", Value: float64(600 * time.Microsecond),
		Baseline: float64(200 * time.Microsecond), Unit: UnitTime, BaselineNote: "direct | p50"})
	tab.Add(Row{Scenario: "Scale", Measure: "bytes", Value: 0, Baseline: 1 << 20, Unit: UnitBytes})
	want := "Machine: test.\n\n" +
		"| scenario | measure | value | baseline | ratio |\n" +
		"| --- | --- | --- | --- | ---: |\n" +
		"| MCP stdio | get_client p50 (n=10) | 600 µs | 200 µs (direct \\| p50) | 3.00× |\n" +
		"| Scale | bytes | 0 B | 1.00 MiB | — |\n" +
		"\nnote\n"
	if got := tab.Markdown(); got != want {
		t.Errorf("Markdown:\n%s\nwant:\n%s", got, want)
	}
}

func TestMachineLine(t *testing.T) {
	cpuinfo := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n"
	meminfo := "MemTotal:       24576000 kB\nMemFree:        1000 kB\n"
	line := machineLine(cpuinfo, meminfo, "6.1.0", "0.50 1.00 2.00 1/100 42\n", time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC))
	for _, part := range []string{"AMD EPYC 7B13", "23.4 GiB RAM", "kernel 6.1.0", "2026-01-02 03:04 UTC", "load average at start 0.50 1.00 2.00", "go1."} {
		if !strings.Contains(line, part) {
			t.Errorf("machine line %q lacks %q", line, part)
		}
	}
	if got := CPUModel(""); got != "unknown CPU" {
		t.Errorf("CPUModel of nothing = %q", got)
	}
	if got := statusKB("VmRSS:\t  1234 kB\nVmHWM:\t  5678 kB\n", "VmHWM:"); got != 5678 {
		t.Errorf("statusKB = %d, want 5678", got)
	}
}
