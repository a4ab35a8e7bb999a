package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state/statetest"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// writer is the Slack user the create tests write as.
const writer = "U0WRITER1"

// createAt is a signed "/gitscrum create" of name by the writer, made unique by
// nonce (a replica refuses a request it or another replica already received).
func createAt(t *testing.T, addr, name string, nonce int) *http.Request {
	t.Helper()
	body := url.Values{"command": {"/gitscrum"}, "text": {`create "` + name + `"`}, "user_id": {writer}, "team_id": {"T0TEAM001"},
		"channel_id": {"C0CHANNEL1"}, "response_url": {"http://127.0.0.1:1/unused"}, "trigger_id": {"trigger." + strconv.Itoa(nonce)}}.Encode()
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+slackbot.CommandsPath, strings.NewReader(body))
	require.NoError(t, err)
	slackbottest.SignRequest(req, testSecret, body, time.Now())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// writerEnv is replicaEnv with the writer allowed to write and the create lock's
// lease set to ttl (none: the default).
func writerEnv(apiURL, slackAPI, dbURL string, ttl time.Duration) map[string]string {
	env := replicaEnv(apiURL, slackAPI, dbURL)
	env[slackbot.EnvWriteUsers] = writer
	if ttl > 0 {
		env[state.EnvCreateLockTTL] = ttl.String()
	}
	return env
}

// createOutcomes counts, in a replica's log, the create commands that ended with
// each outcome (answered inline, or in the background: command_outcome).
func createOutcomes(logs string) map[string]int {
	out := map[string]int{}
	re := regexp.MustCompile(`(?m)^.*subcommand=create.*$`)
	word := regexp.MustCompile(`\b(?:command_)?outcome=(\w+)`)
	for _, line := range re.FindAllString(logs, -1) {
		ms := word.FindAllStringSubmatch(line, -1)
		if len(ms) > 0 {
			out[ms[len(ms)-1][1]]++ // command_outcome, when there is one, comes last
		}
	}
	return out
}

// TestReplicasCreateOnce: 40 creates of one name at once, split over two
// gitscrum-slack processes on one database, make exactly one POST to GitScrum;
// the 39 others end as duplicates.
func TestReplicasCreateOnce(t *testing.T) {
	statetest.Each(t, func(t *testing.T, b statetest.Backend) {
		dbURL := b.NewDB(t)
		emu, apiURL, web := upstreamFixture(t)
		emu.SetLatency(50 * time.Millisecond) // a window between one replica's check and its create
		reps := []*replica{
			startReplica(t, writerEnv(apiURL, web.URL, dbURL, 0)),
			startReplica(t, writerEnv(apiURL, web.URL, dbURL, 0)),
		}
		names := []string{"Replica Once Co", "replica once co", "REPLICA  ONCE CO", "Replica Once Co."}
		const n = 40
		start := make(chan struct{})
		var wg sync.WaitGroup
		statuses := make([]int, n)
		for i := range n {
			wg.Go(func() {
				req := createAt(t, reps[i%2].addr, names[i%len(names)], i)
				<-start
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				statuses[i] = resp.StatusCode
				_ = resp.Body.Close()
			})
		}
		close(start)
		wg.Wait()
		for i, s := range statuses {
			require.Equal(t, http.StatusOK, s, "command %d acknowledged", i)
		}
		for _, r := range reps {
			r.stop(t) // a drained stop: every create under way ends
		}
		posts := 0
		for _, req := range emu.Requests() {
			if req.Method == http.MethodPost {
				posts++
			}
		}
		assert.Equal(t, 1, posts, "exactly one POST reached GitScrum")
		created := gitscrum.FindDuplicates(emu.Clients(emulator.DemoWorkspace), "Replica Once Co", "")
		assert.Len(t, created, 1)
		got := map[string]int{}
		for _, r := range reps {
			for k, v := range createOutcomes(r.logs.String()) {
				got[k] += v
			}
		}
		assert.Equal(t, n-1, got["duplicate"], "the others answer already exists: %v", got)
		assert.Equal(t, 1, got["ok"], "one create: %v", got)
	})
}

// TestReplicaKilledHoldingCreateLock: replica A takes the create lock of a name and
// is killed (SIGKILL) while its POST hangs at GitScrum; replica B's create of that
// name waits no longer than the lock's lease (GITSCRUM_CREATE_LOCK_TTL=2s), then
// creates the one client.
func TestReplicaKilledHoldingCreateLock(t *testing.T) {
	statetest.Each(t, func(t *testing.T, b statetest.Backend) {
		dbURL := b.NewDB(t)
		emu := emulator.New(emulator.WithDemoData())
		var hang atomic.Bool
		var hung atomic.Int32
		hang.Store(true)
		ended := make(chan struct{})
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && hang.Load() {
				_, _ = io.Copy(io.Discard, r.Body) // so the server notices the connection close
				hung.Add(1)
				select { // until the replica that sent it is gone
				case <-r.Context().Done():
				case <-ended:
				}
				return
			}
			emu.ServeHTTP(w, r)
		}))
		t.Cleanup(ts.Close)
		t.Cleanup(func() { close(ended) })
		web := slackbottest.NewWebAPI(t)
		const ttl = 2 * time.Second
		a := startReplica(t, writerEnv(ts.URL, web.URL, dbURL, ttl))
		bb := startReplica(t, writerEnv(ts.URL, web.URL, dbURL, ttl))
		const name = "Killed Holder Ltd"

		began := time.Now() // A takes the lock after this
		status, body := do(t, createAt(t, a.addr, name, 1))
		require.Equal(t, http.StatusOK, status, body)
		require.Eventually(t, func() bool { return hung.Load() == 1 }, 10*time.Second, 5*time.Millisecond,
			"A holds the lock and its POST reached GitScrum")
		hang.Store(false)
		require.NoError(t, a.cmd.Process.Signal(syscall.SIGKILL))
		select {
		case <-a.exited:
		case <-time.After(10 * time.Second):
			require.FailNow(t, "A did not die of SIGKILL")
		}

		status, body = do(t, createAt(t, bb.addr, name, 2))
		require.Equal(t, http.StatusOK, status, body)
		require.Eventually(t, func() bool {
			return len(gitscrum.FindDuplicates(emu.Clients(emulator.DemoWorkspace), name, "")) == 1
		}, ttl+10*time.Second, 10*time.Millisecond, "B creates once A's lease ends: %s", bb.logs.String())
		created := time.Since(began)
		assert.GreaterOrEqual(t, created, ttl-300*time.Millisecond, "B waited for A's lease")
		assert.Less(t, created, ttl+5*time.Second, "and not much longer")
		bb.stop(t)
		assert.Equal(t, map[string]int{"ok": 1}, createOutcomes(bb.logs.String()))
		assert.Len(t, gitscrum.FindDuplicates(emu.Clients(emulator.DemoWorkspace), name, ""), 1)
	})
}
