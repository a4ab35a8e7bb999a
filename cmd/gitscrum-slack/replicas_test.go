package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/state/statetest"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// The binary the replica tests run, built once for them.
var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// slackBinary builds gitscrum-slack once and returns its path.
func slackBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gitscrum-slack-bin")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "gitscrum-slack")
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = &buildFailure{out: string(out), err: err}
		}
	})
	require.NoError(t, buildErr)
	return builtBin
}

type buildFailure struct {
	out string
	err error
}

func (b *buildFailure) Error() string { return "go build: " + b.err.Error() + "\n" + b.out }

// replica is one gitscrum-slack process serving HTTP.
type replica struct {
	cmd    *exec.Cmd
	addr   string
	logs   *syncBuffer
	exited chan error
}

// startReplica runs the binary in HTTP mode with the hermetic environment plus
// environ, and waits until it listens; it is killed when the test ends.
func startReplica(t *testing.T, environ map[string]string) *replica {
	t.Helper()
	cmd := exec.Command(slackBinary(t), "--addr", "127.0.0.1:0", "--drain-timeout", "5s", "--log-level", "debug")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITSCRUM_") && !strings.HasPrefix(kv, "SLACK_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range environ {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	r := &replica{cmd: cmd, logs: &syncBuffer{}, exited: make(chan error, 1)}
	addrc := make(chan string, 1)
	go func() {
		addrRe := regexp.MustCompile(`msg=listening addr=(\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			_, _ = r.logs.Write([]byte(sc.Text() + "\n"))
			if m := addrRe.FindStringSubmatch(sc.Text()); m != nil {
				addrc <- m[1]
			}
		}
		r.exited <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	select {
	case r.addr = <-addrc:
	case <-time.After(20 * time.Second):
		require.FailNow(t, "replica not listening within 20s", r.logs.String())
	}
	return r
}

// stop sends SIGTERM and waits for a clean exit, which drains the work in flight.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, r.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-r.exited:
		require.NoError(t, err, "exit 0 after SIGTERM: %s", r.logs.String())
	case <-time.After(15 * time.Second):
		require.FailNow(t, "replica did not stop within 15s of SIGTERM", r.logs.String())
	}
}

// replicaEnv is the environment of a replica talking to the emulator at apiURL,
// answering events through the fake Web API at slackAPI, with its state in
// dbURL.
func replicaEnv(apiURL, slackAPI, dbURL string) map[string]string {
	return map[string]string{
		"SLACK_SIGNING_SECRET": testSecret, "SLACK_BOT_TOKEN": "xoxb-test-bot", slackbot.EnvAPIURL: slackAPI,
		"GITSCRUM_API_URL": apiURL, "GITSCRUM_TOKEN": emulator.DefaultToken, "GITSCRUM_COMPANY_SLUG": emulator.DemoWorkspace,
		state.EnvDatabase: dbURL,
	}
}

// signedAt is a slash command signed at at, the same request to whichever
// replica addr names.
func signedAt(t *testing.T, addr, text string, at time.Time) *http.Request {
	t.Helper()
	body := "command=%2Fgitscrum&text=" + strings.ReplaceAll(text, " ", "+") +
		"&user_id=U0READER1&team_id=T0TEAM001&channel_id=C0CHANNEL1&response_url=http%3A%2F%2F127.0.0.1%3A1%2Funused"
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+slackbot.CommandsPath, strings.NewReader(body))
	require.NoError(t, err)
	slackbottest.SignRequest(req, testSecret, body, at)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// replayedCount is the replays refused, from a replica's metrics.
func replayedCount(t *testing.T, r *replica) string {
	t.Helper()
	for _, line := range strings.Split(scrapeMetrics(t, r.addr), "\n") {
		if strings.HasPrefix(line, `gitscrum_bridge_calls_total{adapter="slack",name="none",outcome="replayed"}`) {
			return strings.TrimSpace(line[strings.LastIndex(line, " "):])
		}
	}
	return "0"
}

// upstreamFixture is a GitScrum emulator and a fake Slack Web API shared by the
// replicas of a test.
func upstreamFixture(t *testing.T) (*emulator.Server, string, *slackbottest.WebAPI) {
	t.Helper()
	emu := emulator.New(emulator.WithDemoData())
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	return emu, ts.URL, slackbottest.NewWebAPI(t)
}

// TestReplicasRefuseAReplay: two gitscrum-slack processes on one database (one
// PostgreSQL; one SQLite file, safe for processes of one host): a signed command
// answered by one is refused by the other as a replay (401, outcome replayed),
// and GitScrum is asked once.
func TestReplicasRefuseAReplay(t *testing.T) {
	statetest.Each(t, func(t *testing.T, b statetest.Backend) {
		dbURL := b.NewDB(t)
		emu, apiURL, web := upstreamFixture(t)
		a := startReplica(t, replicaEnv(apiURL, web.URL, dbURL))
		bb := startReplica(t, replicaEnv(apiURL, web.URL, dbURL))
		at := time.Now()

		status, body := do(t, signedAt(t, a.addr, "show acme corp", at))
		require.Equal(t, http.StatusOK, status, body)
		assert.Contains(t, body, "billing@acme.co")
		gets := len(emu.Requests())

		status, body = do(t, signedAt(t, bb.addr, "show acme corp", at))
		assert.Equal(t, http.StatusUnauthorized, status, "the other replica refuses the replay: %s", body)
		assert.NotContains(t, body, "billing@acme.co")
		assert.Equal(t, "1", replayedCount(t, bb), "counted as replayed")
		assert.Len(t, emu.Requests(), gets, "the replay asked GitScrum nothing")

		status, _ = do(t, signedAt(t, bb.addr, "show acme corp", at.Add(time.Second)))
		assert.Equal(t, http.StatusOK, status, "a new request is served by either replica")
	})
}

// eventBody is an app_mention event_callback as Slack posts it.
func eventBody(t *testing.T, eventID, text string) string {
	t.Helper()
	const bot = "U0GITSCRUM"
	b, err := json.Marshal(map[string]any{
		"token": "deprecated", "team_id": "T0TEAM001", "api_app_id": "A0APP0001", "type": "event_callback",
		"event_id": eventID, "event_time": time.Now().Unix(),
		"event": map[string]any{"type": "app_mention", "user": "U0READER1", "text": "<@" + bot + "> " + text,
			"ts": "1700000000.000100", "channel": "C0CHANNEL1", "event_ts": "1700000000.000100", "team": "T0TEAM001"},
		"authorizations": []any{map[string]any{"team_id": "T0TEAM001", "user_id": bot, "is_bot": true}},
	})
	require.NoError(t, err)
	return string(b)
}

// eventTo is body posted to addr's events endpoint, signed at at, as Slack's
// retry retry (0: the first delivery).
func eventTo(t *testing.T, addr, body string, at time.Time, retry string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+slackbot.EventsPath, strings.NewReader(body))
	require.NoError(t, err)
	slackbottest.SignRequest(req, testSecret, body, at)
	req.Header.Set("Content-Type", "application/json")
	if retry != "" {
		req.Header.Set("X-Slack-Retry-Num", retry)
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	return req
}

// TestReplicasAnswerAnEventOnce: an Events API event delivered to one replica and
// retried onto the other (a new signature, the same event_id) is answered once.
func TestReplicasAnswerAnEventOnce(t *testing.T) {
	statetest.Each(t, func(t *testing.T, b statetest.Backend) {
		dbURL := b.NewDB(t)
		_, apiURL, web := upstreamFixture(t)
		a := startReplica(t, replicaEnv(apiURL, web.URL, dbURL))
		bb := startReplica(t, replicaEnv(apiURL, web.URL, dbURL))
		body := eventBody(t, "Ev0REPLICA"+b.Name, "acme")
		at := time.Now()

		status, resp := do(t, eventTo(t, a.addr, body, at, ""))
		require.Equal(t, http.StatusOK, status, resp)
		status, resp = do(t, eventTo(t, bb.addr, body, at.Add(time.Second), "1"))
		require.Equal(t, http.StatusOK, status, "a retry is acknowledged: %s", resp)

		web.Wait(t, "chat.postMessage", 1, 10*time.Second)
		a.stop(t) // a drained stop: every answer under way is posted
		bb.stop(t)
		assert.Len(t, web.Calls("chat.postMessage"), 1, "answered once: %s\n%s", a.logs.String(), bb.logs.String())
		assert.Contains(t, bb.logs.String(), "already answered")
	})
}

// TestRestartKeepsTheReplayWindow: a signed command answered before a restart is
// refused after it, the replay id having outlived the process in the database.
func TestRestartKeepsTheReplayWindow(t *testing.T) {
	statetest.Each(t, func(t *testing.T, b statetest.Backend) {
		dbURL := b.NewDB(t)
		_, apiURL, web := upstreamFixture(t)
		first := startReplica(t, replicaEnv(apiURL, web.URL, dbURL))
		at := time.Now()
		status, body := do(t, signedAt(t, first.addr, "show acme corp", at))
		require.Equal(t, http.StatusOK, status, body)
		first.stop(t)

		again := startReplica(t, replicaEnv(apiURL, web.URL, dbURL))
		status, body = do(t, signedAt(t, again.addr, "show acme corp", at))
		assert.Equal(t, http.StatusUnauthorized, status, "refused after the restart: %s", body)
		assert.Equal(t, "1", replayedCount(t, again))
	})
}
