package mcpbench

import (
	"testing"
	"time"
)

// TestLoads runs both loads briefly against the rig: they must answer, count and
// stop by themselves.
func TestLoads(t *testing.T) {
	r, err := NewRig()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	raw, err := RawGets(r.OneClientURL(), 5, 1)
	if err != nil || len(raw) != 5 {
		t.Fatalf("RawGets: %v, %d samples", err, len(raw))
	}
	rl, err := RawLoad(r.OneClientURL(), 2, 5*time.Second, 40)
	if err != nil || rl.Calls != 40 || rl.Errors != 0 || rl.PerSecond() <= 0 {
		t.Fatalf("RawLoad bounded by 40 calls: %v, %+v", err, rl)
	}
	ml, err := MCPLoad(r.MCPURL, 2, 200*time.Millisecond, 1000)
	if err != nil || ml.Calls == 0 || ml.Errors != 0 || len(ml.Latencies) != ml.Calls {
		t.Fatalf("MCPLoad: %v, %d calls, %d errors", err, ml.Calls, ml.Errors)
	}
	if ml.Elapsed > 5*time.Second {
		t.Fatalf("MCPLoad ran %s, want it to stop after about 200 ms", ml.Elapsed)
	}
}
