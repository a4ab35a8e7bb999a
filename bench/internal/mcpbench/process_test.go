package mcpbench

import "testing"

// TestStartsAndInits builds both binaries and measures one start and one traced
// start of each: the tools/list result is sized, and the init trace is read.
func TestStartsAndInits(t *testing.T) {
	dir := t.TempDir()
	bin, err := Build(dir)
	if err != nil {
		t.Fatal(err)
	}
	echo, err := BuildEcho(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := MeasureStarts(bin, SandboxArgs, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Durations) != 1 || st.ListBytes < 1000 {
		t.Fatalf("gitscrum-mcp start: %d durations, tools/list result %d bytes", len(st.Durations), st.ListBytes)
	}
	base, err := MeasureStarts(echo, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if base.ListBytes != 0 {
		t.Fatalf("the echo process answers no tools/list, yet %d bytes were counted", base.ListBytes)
	}
	for _, b := range []struct {
		bin  string
		args []string
	}{{bin, SandboxArgs}, {echo, nil}} {
		in, err := MeasureInits(b.bin, b.args, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(in.Totals) != 2 || in.Totals[0] <= 0 || len(in.Packages) == 0 {
			t.Fatalf("%s: %+v", b.bin, in)
		}
		found := false
		for i, p := range in.Packages {
			found = found || p.Path == "runtime"
			if i > 0 && p.Clock > in.Packages[i-1].Clock {
				t.Fatalf("%s: packages not sorted by clock: %v", b.bin, in.Packages)
			}
		}
		if !found {
			t.Fatalf("%s: runtime not traced: %v", b.bin, in.Packages)
		}
	}
}
