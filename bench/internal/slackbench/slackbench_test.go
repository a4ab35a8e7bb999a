package slackbench

import (
	"testing"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

func TestRunInline(t *testing.T) {
	r, err := NewRig()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	res := r.Run(3, 2, Scenario{Text: "help"})
	if len(res.Acks) != 6 || res.Inline != 6 || res.Failed != 0 || res.Deferred != 0 {
		t.Fatalf("help: %+v", res)
	}
	res = r.Run(2, 1, Scenario{Text: "list acme"})
	if res.Inline != 2 || res.Failed != 0 {
		t.Fatalf("list acme: inline %d, failed %d", res.Inline, res.Failed)
	}
}

// TestRunDeferred: an upstream slower than the 2 s inline budget is acknowledged at
// the budget and answered through the response_url.
func TestRunDeferred(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 2.5 s")
	}
	r, err := NewRig()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	res := r.Run(2, 1, Scenario{Text: "list acme", Latency: 2500 * time.Millisecond})
	if res.Deferred != 2 || res.Failed != 0 || len(res.Finals) != 2 {
		t.Fatalf("deferred %d, failed %d, finals %d", res.Deferred, res.Failed, len(res.Finals))
	}
	if res.Finals[0] < 2500*time.Millisecond || res.Acks[1] >= SlackLimit {
		t.Fatalf("acks %v, finals %v", res.Acks, res.Finals)
	}
}

// TestRunEvents: mentions are acknowledged and each answered once in a thread.
func TestRunEvents(t *testing.T) {
	r, err := NewRig(gitscrum.WithCacheTTL(0)) // every mention reaches GitScrum
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	res := r.RunEvents(5, 2, Scenario{Text: "acme corp", Latency: 100 * time.Millisecond})
	if len(res.Acks) != 10 || res.Failed != 0 || res.Deferred != 10 || len(res.Finals) != 10 {
		t.Fatalf("events: %+v", res)
	}
	if res.Finals[0] < 100*time.Millisecond {
		t.Fatalf("a reply came before GitScrum answered: %v", res.Finals)
	}
}

// TestRunInteractions: Share clicks and modal submissions are acknowledged and
// answered through the Web API, one answer each, also with a slow upstream.
func TestRunInteractions(t *testing.T) {
	r, err := NewRig()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, sc := range []Scenario{
		{Interaction: InteractShare},
		{Interaction: InteractCreate},
		{Interaction: InteractCreate, Latency: 1200 * time.Millisecond},
	} {
		res := r.Run(3, 1, sc)
		if res.Failed != 0 || res.Deferred != 3 || len(res.Finals) != 3 {
			t.Fatalf("%+v: failed %d, deferred %d, finals %d", sc, res.Failed, res.Deferred, len(res.Finals))
		}
		if res.Acks[2] >= SlackLimit {
			t.Fatalf("%+v: acks %v", sc, res.Acks)
		}
	}
}
