package slackbot_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// TestReplayRefused sends the same signed create three times, as an attacker who
// captured it would: the first runs, the others get 401, run nothing and send
// nothing to GitScrum. The same request with its signature in upper-case hex (which
// slack-go accepts as the same signature) is a replay too.
func TestReplayRefused(t *testing.T) {
	t.Parallel()
	outs := newOutcomes()
	e := newEnv(t, func(c *slackbot.Config) { c.OnOutcome = outs.add })
	body := e.commandForm(`create "Replay Industries" force=yes`, writer).Encode()
	now := time.Now()

	status, first := e.do(e.signedRequest(body, now))
	require.Equal(t, http.StatusOK, status, "%s", first)
	assert.Contains(t, string(first), "Created by")
	upstream := len(e.emu.Requests())
	assert.Equal(t, slackbot.ResultOK, outs.next(t, time.Second).Result)

	for i, req := range []*http.Request{
		e.signedRequest(body, now),
		e.signedRequest(body, now),
		upperSignature(e.signedRequest(body, now)),
	} {
		status, answer := e.do(req)
		assert.Equal(t, http.StatusUnauthorized, status, "replay %d", i+1)
		assert.NotContains(t, string(answer), "Created", "replay %d", i+1)
		out := outs.next(t, time.Second)
		assert.Equal(t, slackbot.ResultReplayed, out.Result)
		assert.Empty(t, out.Subcommand, "nothing was read from a replayed request")
	}
	assert.Len(t, e.emu.Requests(), upstream, "a replay sends nothing to GitScrum")
	var made int
	for _, c := range e.emu.Clients(emulator.DemoWorkspace) {
		if c.Name == "Replay Industries" {
			made++
		}
	}
	assert.Equal(t, 1, made, "three identical signed creates made one client")

	t.Run("a new request with the same text runs", func(t *testing.T) {
		msg := e.run("show replay industries", writer)
		assert.Contains(t, joined(t, msg), "Replay Industries")
		msg = e.run("show replay industries", writer)
		assert.Contains(t, joined(t, msg), "Replay Industries", "Slack's requests differ (trigger_id, timestamp)")
	})
}

// upperSignature spells the request's signature in upper-case hex.
func upperSignature(r *http.Request) *http.Request {
	sig := r.Header.Get("X-Slack-Signature")
	r.Header.Set("X-Slack-Signature", "v0="+strings.ToUpper(strings.TrimPrefix(sig, "v0=")))
	return r
}

// TestReplayConcurrent sends one signed request ten times at once: exactly one runs.
func TestReplayConcurrent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := e.commandForm(`create "Concurrent Replay Co" force=yes`, writer).Encode()
	now := time.Now()
	var wg sync.WaitGroup
	statuses := make(chan int, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _ := e.do(e.signedRequest(body, now))
			statuses <- status
		}()
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for s := range statuses {
		counts[s]++
	}
	assert.Equal(t, map[int]int{http.StatusOK: 1, http.StatusUnauthorized: 9}, counts)
}

// TestReplayStoreFull checks that a full store refuses new requests with 503 and a
// Retry-After, and keeps refusing replays, rather than forget what it holds.
func TestReplayStoreFull(t *testing.T) {
	t.Parallel()
	store := slackbot.NewMemoryReplayStore(2)
	e := newEnv(t, func(c *slackbot.Config) { c.ReplayStore = store })
	now := time.Now()
	first := e.commandForm("list", reader).Encode()
	status, _ := e.do(e.signedRequest(first, now))
	require.Equal(t, http.StatusOK, status)
	status, _ = e.do(e.signedRequest(e.commandForm("show initech", reader).Encode(), now))
	require.Equal(t, http.StatusOK, status)
	upstream := len(e.emu.Requests())

	resp, err := http.DefaultClient.Do(e.signedRequest(e.commandForm("show globex", reader).Encode(), now))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	status, _ = e.do(e.signedRequest(first, now))
	assert.Equal(t, http.StatusUnauthorized, status, "a full store still knows its entries")
	assert.Len(t, e.emu.Requests(), upstream)
}

// TestMemoryReplayStore covers the store alone: first and repeated keys, expiry,
// and the cap.
func TestMemoryReplayStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := slackbot.NewMemoryReplayStore(3)
	soon := time.Now().Add(50 * time.Millisecond)
	later := time.Now().Add(time.Hour)
	for _, tc := range []struct {
		key   string
		until time.Time
		first bool
	}{
		{"a", soon, true}, {"a", later, false}, {"b", later, true}, {"c", later, true},
	} {
		first, err := s.Remember(ctx, tc.key, tc.until)
		require.NoError(t, err, tc.key)
		assert.Equal(t, tc.first, first, tc.key)
	}
	_, err := s.Remember(ctx, "d", later)
	require.ErrorIs(t, err, slackbot.ErrReplayStoreFull)
	first, err := s.Remember(ctx, "b", later)
	require.NoError(t, err)
	assert.False(t, first, "a full store still answers for what it holds")
	assert.Greater(t, s.RetryAfter(), time.Duration(0))

	time.Sleep(80 * time.Millisecond) // "a" expires: room for one more, and "a" is new again
	first, err = s.Remember(ctx, "a", later)
	require.NoError(t, err)
	assert.True(t, first, "an expired key is forgotten")
	assert.Equal(t, 3, s.Len())
}

// BenchmarkMemoryReplayStore measures Remember, and reports the memory a full
// store of DefaultReplayCapacity entries holds (bytes per entry and in all).
func BenchmarkMemoryReplayStore(b *testing.B) {
	ctx := context.Background()
	until := time.Now().Add(time.Hour)
	key := func(i int) string { return fmt.Sprintf("slack-signature:v0=%064x", i) }

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	full := slackbot.NewMemoryReplayStore(slackbot.DefaultReplayCapacity)
	for i := range slackbot.DefaultReplayCapacity {
		if _, err := full.Remember(ctx, key(i), until); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	runtime.KeepAlive(full)

	s := slackbot.NewMemoryReplayStore(b.N + 1)
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.Remember(ctx, key(i), until); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(held/float64(slackbot.DefaultReplayCapacity), "bytes/entry")
	b.ReportMetric(held/(1<<20), "MiB-full")
}
