package scalebench

import (
	"testing"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

func TestClientsDeterministic(t *testing.T) {
	a, b := Clients(500), Clients(500)
	if len(a) != 500 || a[0] != b[0] || a[499] != b[499] {
		t.Fatal("Clients is not deterministic")
	}
	seen := map[string]bool{}
	for _, c := range a {
		if !gitscrum.LooksLikeUUID(c.UUID) || seen[c.UUID] || c.Name == "" {
			t.Fatalf("bad or repeated client %+v", c)
		}
		seen[c.UUID] = true
	}
}

// TestListAndSearch runs both measures once on a small workspace.
func TestListAndSearch(t *testing.T) {
	clients := Clients(250)
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
	if want := len(gitscrum.Search(clients, Query)); s.Result != want || want == 0 {
		t.Errorf("search found %d, want %d (> 0)", s.Result, want)
	}
}
