package mcpbench

import (
	"strings"
	"testing"
	"time"
)

func TestParseInitTrace(t *testing.T) {
	trace := `init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs
init github.com/santhosh-tekuri/jsonschema/v6 @2.6 ms, 2.7 ms clock, 1700640 bytes, 21278 allocs
a log line, not a trace
init broken @1 ms, x ms clock, 0 bytes, 0 allocs
init short line
init net/http @5.4 ms, 0.030 ms clock, 4712 bytes, 49 allocs
`
	got := ParseInitTrace(strings.NewReader(trace))
	want := []PackageInit{
		{"internal/bytealg", 0},
		{"github.com/santhosh-tekuri/jsonschema/v6", 2700 * time.Microsecond},
		{"net/http", 30 * time.Microsecond},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].Path != want[i].Path || (got[i].Clock-want[i].Clock).Abs() > time.Microsecond {
			t.Errorf("line %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

func FuzzParseInitTrace(f *testing.F) {
	f.Add("init net/http @5.4 ms, 0.030 ms clock, 4712 bytes, 49 allocs\n")
	f.Add("init a @1 ms, 1e400 ms clock,\ninit b @ ms, -1 ms clock, x\ninit c @1 ms, NaN ms clock, 0 bytes")
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range ParseInitTrace(strings.NewReader(s)) {
			if p.Clock < 0 || p.Path == "" {
				t.Fatalf("bad entry %+v from %q", p, s)
			}
		}
	})
}
