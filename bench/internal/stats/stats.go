// Package stats holds the pure parts shared by the benchmark commands: percentiles
// of sorted samples, formatting of durations, sizes and ratios, the Markdown table
// of the suite, and what the machine is (read from /proc).
package stats

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sorted returns a sorted copy of s.
func Sorted[T cmp.Ordered](s []T) []T {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the nearest-rank
// method: the smallest sample such that at least p % of the samples are ≤ it. It is
// the zero value for no samples; p ≤ 0 gives the smallest sample.
func Percentile[T cmp.Ordered](sorted []T, p float64) T {
	var zero T
	if len(sorted) == 0 {
		return zero
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Ratio formats value/baseline as "1.23×": 2 decimals between 0.1 and 10, 1 up to
// 100, none above, and 2 significant digits below 0.1. It is "—" when either side
// is not positive.
func Ratio(value, baseline float64) string {
	if !(baseline > 0) || !(value > 0) || math.IsInf(value, 0) || math.IsInf(baseline, 0) {
		return "—"
	}
	r := value / baseline
	var decimals int
	switch {
	case r >= 100:
		decimals = 0
	case r >= 10:
		decimals = 1
	case r >= 0.1:
		decimals = 2
	default:
		decimals = min(1-int(math.Floor(math.Log10(r))), 8)
	}
	return strconv.FormatFloat(r, 'f', decimals, 64) + "×"
}

// Duration formats d with three significant digits or so: "850 ns", "12.3 µs",
// "412 µs", "2.31 ms", "1.52 s". Zero is "0".
func Duration(d time.Duration) string {
	abs := d
	if abs < 0 {
		abs = -abs
	}
	switch {
	case d == 0:
		return "0"
	case abs < time.Microsecond:
		return fmt.Sprintf("%d ns", d.Nanoseconds())
	case abs < time.Millisecond:
		return sig(float64(d)/float64(time.Microsecond)) + " µs"
	case abs < time.Second:
		return sig(float64(d)/float64(time.Millisecond)) + " ms"
	default:
		return sig(float64(d)/float64(time.Second)) + " s"
	}
}

// Bytes formats a size in binary units: "512 B", "4.0 KiB", "12.3 MiB", "1.20 GiB".
func Bytes(b float64) string {
	abs := math.Abs(b)
	switch {
	case abs < 1<<10:
		return fmt.Sprintf("%.0f B", b)
	case abs < 1<<20:
		return sig(b/(1<<10)) + " KiB"
	case abs < 1<<30:
		return sig(b/(1<<20)) + " MiB"
	default:
		return sig(b/(1<<30)) + " GiB"
	}
}

// Count formats a count with thousands separators: 96067 → "96,067". Fractions are
// rounded.
func Count(n float64) string {
	s := strconv.FormatInt(int64(math.Round(math.Abs(n))), 10)
	var b strings.Builder
	if n < 0 && math.Round(n) != 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// sig formats v with 3 significant digits for values below 1000, none after the
// point above.
func sig(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// Unit says how a row's value and baseline are formatted.
type Unit int

// Units of a Row.
const (
	UnitTime  Unit = iota // nanoseconds, formatted with Duration
	UnitBytes             // bytes, formatted with Bytes
	UnitCount             // a count, formatted with Count
	UnitRate              // per second, formatted as a count with "/s"
)

// Format formats v in unit u.
func (u Unit) Format(v float64) string {
	switch u {
	case UnitTime:
		return Duration(time.Duration(math.Round(v)))
	case UnitBytes:
		return Bytes(v)
	case UnitRate:
		return Count(v) + "/s"
	default:
		return Count(v)
	}
}

// Row is one figure of the suite beside the baseline it is compared with.
type Row struct {
	// Scenario groups rows, e.g. "MCP stdio".
	Scenario string
	// Measure says what was measured, with the sample count.
	Measure string
	// Value and Baseline are in Unit.
	Value, Baseline float64
	Unit            Unit
	// BaselineNote says what the baseline is, e.g. "raw GET p50, n=2000".
	BaselineNote string
}

// Table is the suite's output: a line naming the machine, then rows.
type Table struct {
	// Machine is the header line, see Machine.
	Machine string
	// Notes are lines printed after the table.
	Notes []string
	Rows  []Row
}

// Add appends a row.
func (t *Table) Add(r Row) { t.Rows = append(t.Rows, r) }

// Markdown renders the table: the machine line, a blank line, the table
// (scenario | measure | value | baseline | ratio), then the notes. The ratio is
// value / baseline. A '|' in a cell is escaped.
func (t *Table) Markdown() string {
	var b strings.Builder
	if t.Machine != "" {
		b.WriteString(t.Machine + "\n\n")
	}
	b.WriteString("| scenario | measure | value | baseline | ratio |\n")
	b.WriteString("| --- | --- | --- | --- | ---: |\n")
	for _, r := range t.Rows {
		base := r.Unit.Format(r.Baseline)
		if r.BaselineNote != "" {
			base += " (" + r.BaselineNote + ")"
		}
		cells := []string{r.Scenario, r.Measure, r.Unit.Format(r.Value), base, Ratio(r.Value, r.Baseline)}
		for i, c := range cells {
			cells[i] = strings.ReplaceAll(strings.ReplaceAll(c, "|", `\|`), "\n", " ")
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	if len(t.Notes) > 0 {
		b.WriteString("\n")
		for _, n := range t.Notes {
			b.WriteString(n + "\n")
		}
	}
	return b.String()
}
