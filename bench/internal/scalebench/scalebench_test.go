package scalebench

import (
	"testing"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// TestListAndSearch runs both measures once on a small workspace.
func TestListAndSearch(t *testing.T) {
	clients := emulator.GenerateClients(250)
	l, err := NewLister()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.Add("ws", clients)
	m, err := l.List("ws", len(clients), 2)
	if err != nil {
		t.Fatal(err)
	}
	if m.Result != 250 || len(m.Times) != 2 || m.Time <= 0 || m.AllocBytes == 0 || m.Allocs == 0 {
		t.Errorf("list measure %+v", m)
	}
	s, err := Search(clients, 1)
	if err != nil {
		t.Fatal(err)
	}
	found, err := gitscrum.NewIndex(clients).Search(t.Context(), Query)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(found); s.Result != want || want == 0 {
		t.Errorf("search found %d, want %d (> 0)", s.Result, want)
	}
}

// TestSlowUpstreamList runs the slow-upstream listing once each way on a small
// workspace: the same clients, in as many requests, either way.
func TestSlowUpstreamList(t *testing.T) {
	u := NewSlowUpstream(emulator.GenerateClients(450), time.Millisecond)
	defer u.Close()
	seq, seqReqs, err := u.List(1, 1)
	if err != nil {
		t.Fatal(err)
	}
	conc, concReqs, err := u.List(gitscrum.DefaultPageConcurrency, 1)
	if err != nil {
		t.Fatal(err)
	}
	if seq.Result != 450 || conc.Result != 450 || seqReqs != 5 || concReqs != 5 {
		t.Errorf("sequential %d clients in %d requests, concurrent %d in %d; want 450 in 5", seq.Result, seqReqs, conc.Result, concReqs)
	}
}
