package slackbot_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// gate is GitScrum (the emulator) behind a gate: once held, every request
// waits at it until released; it counts the requests in flight and their peak.
type gate struct {
	emu            *emulator.Server
	held           atomic.Bool
	released       chan struct{}
	once           sync.Once
	inFlight, peak atomic.Int64
}

// newGate serves the emulator with demo data behind an open gate.
func newGate(t *testing.T) (*gate, *httptest.Server) {
	g := &gate{emu: emulator.New(emulator.WithDemoData()), released: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := g.inFlight.Add(1)
		defer g.inFlight.Add(-1)
		for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
		}
		if g.held.Load() {
			select {
			case <-g.released:
			case <-r.Context().Done():
				return
			}
		}
		g.emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(g.release) // before the server closes
	return g, srv
}

// hold makes every request wait until release.
func (g *gate) hold()    { g.held.Store(true) }
func (g *gate) release() { g.once.Do(func() { close(g.released) }) }

// waitInFlight waits until n requests wait at the gate.
func (g *gate) waitInFlight(t *testing.T, n int64) {
	t.Helper()
	require.Eventually(t, func() bool { return g.inFlight.Load() >= n }, 10*time.Second, 5*time.Millisecond,
		"%d GitScrum requests in flight, want %d", g.inFlight.Load(), n)
}

// TestBackgroundWorkBounded: a flood of Share clicks over signed HTTP makes at
// most MaxJobs GitScrum requests at once; as many more clicks wait for a place
// and are served; the people beyond those are told at once that the bot is busy
// (outcome unavailable), and a command that finds every place taken is answered
// inline that it is busy.
func TestBackgroundWorkBounded(t *testing.T) {
	t.Parallel()
	const maxJobs, clicks = 3, 20
	g, upstream := newGate(t)
	var unavailable atomic.Int64
	e := newIEnv(t, func(c *slackbot.Config) {
		client, err := gitscrum.New(gitscrum.WithBaseURL(upstream.URL), gitscrum.WithToken(emulator.DefaultToken),
			gitscrum.WithRetryPolicy(gitscrum.NoRetries))
		require.NoError(t, err)
		c.Client = client
		c.MaxJobs = maxJobs
		c.OnOutcome = func(o slackbot.Outcome) {
			if o.Result == slackbot.ResultUnavailable {
				unavailable.Add(1)
			}
		}
	})
	value, ok := cardButton(t, e.run("show Acme Corp", reader), slackbot.ActionShare)
	require.True(t, ok)

	g.hold()
	var wg sync.WaitGroup
	statuses := make(chan int, clicks)
	for range clicks {
		wg.Go(func() {
			resp, err := http.DefaultClient.Do(e.interactRequest(e.clickPayload(reader, slackbot.ActionShare, "b", value), time.Now()))
			if !assert.NoError(t, err) {
				return
			}
			_ = resp.Body.Close()
			statuses <- resp.StatusCode
		})
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		assert.Equal(t, http.StatusOK, s, "every click is acknowledged")
	}
	g.waitInFlight(t, maxJobs)
	busy := func() int {
		n := 0
		for _, p := range e.hooks.received() {
			if strings.Contains(joined(t, p.msg), "too busy") {
				n++
			}
		}
		return n
	}
	// MaxJobs run and as many wait: the others were told before their click was
	// acknowledged.
	assert.GreaterOrEqual(t, busy(), clicks-2*maxJobs, "people beyond the bound are told the bot is busy")
	assert.GreaterOrEqual(t, int(unavailable.Load()), clicks-2*maxJobs, "recorded as unavailable")

	t.Run("a command finding every place taken is answered busy, inline", func(t *testing.T) {
		msg := e.run("show Acme Corp", reader)
		assert.Contains(t, joined(t, msg), "too busy")
	})

	time.Sleep(50 * time.Millisecond) // more requests, if the bound leaked, would reach the gate now
	assert.LessOrEqual(t, g.peak.Load(), int64(maxJobs), "GitScrum requests at once")
	g.release()
	calls := e.web.Wait(t, "chat.postMessage", maxJobs, 10*time.Second)
	assert.LessOrEqual(t, len(calls), 2*maxJobs, "cards shared: those that ran and those that waited")
	assert.LessOrEqual(t, g.peak.Load(), int64(maxJobs), "GitScrum requests at once, the waiting ones included")
}
