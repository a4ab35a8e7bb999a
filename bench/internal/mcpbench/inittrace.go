package mcpbench

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/stats"
)

// Inits is what MeasureInits measured: the package initialisation a process runs
// before main, as the Go runtime reports it with GODEBUG=inittrace=1.
type Inits struct {
	// Totals are the sums of the init clock times of every package, one per run,
	// sorted.
	Totals []time.Duration
	// Packages are the packages with their median init clock time over the runs,
	// largest first.
	Packages []PackageInit
}

// PackageInit is one package's init clock time.
type PackageInit struct {
	Path  string
	Clock time.Duration
}

// MeasureInits runs bin with args n times under GODEBUG=inittrace=1, each time
// through its first tools/list answer as MeasureStarts does, and sums the init
// clock times the runtime printed on stderr. Tracing slows the start a little, so
// these runs are not the ones MeasureStarts times.
func MeasureInits(bin string, args []string, n int) (Inits, error) {
	var res Inits
	perPkg := map[string][]time.Duration{}
	for i := range n {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(CleanEnv(), "GODEBUG=inittrace=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		in, out, err := pipes(cmd)
		if err != nil {
			return res, err
		}
		if err := cmd.Start(); err != nil {
			return res, fmt.Errorf("start: %w", err)
		}
		if _, err := io.WriteString(in, InitLine+"\n"+InitializedLine+"\n"+ListLine+"\n"); err != nil {
			abort(cmd)
			return res, fmt.Errorf("write: %w", err)
		}
		if _, err := readUntilID(out, 2, cmd); err != nil {
			abort(cmd)
			return res, fmt.Errorf("traced run %d: %w", i, err)
		}
		_ = in.Close()
		if err := cmd.Wait(); err != nil {
			return res, fmt.Errorf("traced run %d exited: %w", i, err)
		}
		pkgs := ParseInitTrace(&stderr)
		if len(pkgs) == 0 {
			return res, fmt.Errorf("traced run %d: no init trace on stderr", i)
		}
		var total time.Duration
		for _, p := range pkgs {
			total += p.Clock
			perPkg[p.Path] = append(perPkg[p.Path], p.Clock)
		}
		res.Totals = append(res.Totals, total)
	}
	res.Totals = stats.Sorted(res.Totals)
	for path, clocks := range perPkg {
		for len(clocks) < n { // a package missing from a run took no time there
			clocks = append(clocks, 0)
		}
		res.Packages = append(res.Packages, PackageInit{Path: path, Clock: stats.Percentile(stats.Sorted(clocks), 50)})
	}
	slices.SortFunc(res.Packages, func(a, b PackageInit) int {
		return cmp.Or(cmp.Compare(b.Clock, a.Clock), strings.Compare(a.Path, b.Path))
	})
	return res, nil
}

// maxTraceLine bounds one line of a trace; longer lines are skipped.
const maxTraceLine = 4 << 10

// ParseInitTrace reads the lines the runtime writes with GODEBUG=inittrace=1,
//
//	init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs
//
// and returns each package with its clock time, in the order traced. Other lines
// are skipped.
func ParseInitTrace(r io.Reader) []PackageInit {
	var out []PackageInit
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), maxTraceLine)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 7 || f[0] != "init" || !strings.HasPrefix(f[2], "@") || f[3] != "ms," || f[5] != "ms" || f[6] != "clock," {
			continue
		}
		ms, err := strconv.ParseFloat(f[4], 64)
		if err != nil || !(ms >= 0 && ms <= 1e6) { // NaN fails both
			continue
		}
		out = append(out, PackageInit{Path: f[1], Clock: time.Duration(ms * float64(time.Millisecond))})
	}
	return out
}
