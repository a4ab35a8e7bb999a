package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/syncbuf"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/version"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

const testSecret = "0123456789abcdef0123456789abcdef"

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// syncBuffer collects output that is written while the test reads it.
type syncBuffer = syncbuf.Buffer

// TestManifestCommand prints both manifests and refuses a bad URL.
func TestManifestCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"manifest", "--url", "https://bot.example.com"}, env(nil), &out, &errOut))
	var m struct {
		Features struct {
			SlashCommands []struct{ Command, URL string } `json:"slash_commands"`
		} `json:"features"`
		Settings struct {
			SocketModeEnabled bool `json:"socket_mode_enabled"`
		} `json:"settings"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &m))
	require.Len(t, m.Features.SlashCommands, 1)
	assert.Equal(t, "https://bot.example.com/slack/commands", m.Features.SlashCommands[0].URL)
	assert.False(t, m.Settings.SocketModeEnabled)

	out.Reset()
	require.Equal(t, 0, run(context.Background(), []string{"manifest"}, env(nil), &out, &errOut))
	require.NoError(t, json.Unmarshal(out.Bytes(), &m))
	assert.True(t, m.Settings.SocketModeEnabled)

	errOut.Reset()
	assert.Equal(t, 2, run(context.Background(), []string{"manifest", "--url", "http://insecure.example"}, env(nil), io.Discard, &errOut))
	assert.Contains(t, errOut.String(), "https")

	// The manifest names the slash command the bot is configured to answer.
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{args: []string{"manifest"}, want: "/gitscrum"},
		{args: []string{"manifest"}, env: map[string]string{"SLACK_COMMAND": "/gs"}, want: "/gs"},
		{args: []string{"manifest", "--command", "/clients"}, env: map[string]string{"SLACK_COMMAND": "/gs"}, want: "/clients"},
	} {
		out.Reset()
		require.Equal(t, 0, run(context.Background(), tc.args, env(tc.env), &out, &errOut))
		require.NoError(t, json.Unmarshal(out.Bytes(), &m))
		assert.Equal(t, tc.want, m.Features.SlashCommands[0].Command, "%v %v", tc.args, tc.env)
	}
	assert.Equal(t, 2, run(context.Background(), []string{"manifest", "--command", "no-slash"}, env(nil), io.Discard, io.Discard))
}

// TestParseConfig covers mode selection, flags over env, and configuration errors.
func TestParseConfig(t *testing.T) {
	base := map[string]string{"GITSCRUM_TOKEN": "tok", "SLACK_SIGNING_SECRET": testSecret}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			if v == "-" {
				delete(m, k)
				continue
			}
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name  string
		env   map[string]string
		args  []string
		err   string
		check func(t *testing.T, c config)
	}{
		{name: "http by default", env: base, check: func(t *testing.T, c config) {
			assert.False(t, c.socketMode)
			assert.Equal(t, ":8080", c.addr)
			assert.False(t, c.ReadOnly)
		}},
		{name: "socket when both tokens", env: with(map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "-"}),
			check: func(t *testing.T, c config) { assert.True(t, c.socketMode) }},
		{name: "app token alone stays http", env: with(map[string]string{"SLACK_APP_TOKEN": "xapp-1"}),
			check: func(t *testing.T, c config) { assert.False(t, c.socketMode) }},
		{name: "socket by flag", env: with(map[string]string{"SLACK_APP_TOKEN": "xapp-1"}), args: []string{"--socket-mode"},
			check: func(t *testing.T, c config) { assert.True(t, c.socketMode) }},
		{name: "read-only from env", env: with(map[string]string{"GITSCRUM_READ_ONLY": "1"}),
			check: func(t *testing.T, c config) { assert.True(t, c.ReadOnly) }},
		{name: "flag wins over env", env: with(map[string]string{"GITSCRUM_READ_ONLY": "1", "SLACK_WRITE_USERS": "U0AAA"}),
			args: []string{"--read-only=false", "--write-users", "U0BBB,U0CCC", "--addr", "127.0.0.1:9999"},
			check: func(t *testing.T, c config) {
				assert.False(t, c.ReadOnly)
				assert.Equal(t, "U0BBB,U0CCC", c.writeUsers)
				assert.Equal(t, "127.0.0.1:9999", c.addr)
			}},
		{name: "sandbox needs no token", env: map[string]string{"SLACK_SIGNING_SECRET": testSecret}, args: []string{"--sandbox"}},
		{name: "no token", env: with(map[string]string{"GITSCRUM_TOKEN": "-"}), err: "GITSCRUM_TOKEN"},
		{name: "http without secret", env: with(map[string]string{"SLACK_SIGNING_SECRET": "-"}), err: "SLACK_SIGNING_SECRET"},
		{name: "socket without app token", env: base, args: []string{"--socket-mode"}, err: "SLACK_APP_TOKEN"},
		{name: "bad write users", env: with(map[string]string{"SLACK_WRITE_USERS": "alice"}), err: "not a Slack user ID"},
		{name: "bad read-only", env: with(map[string]string{"GITSCRUM_READ_ONLY": "maybe"}), err: "GITSCRUM_READ_ONLY"},
		{name: "read-only yes, as in gitscrum-mcp", env: with(map[string]string{"GITSCRUM_READ_ONLY": "yes"}),
			check: func(t *testing.T, c config) { assert.True(t, c.ReadOnly) }},
		{name: "read-only flag on", env: base, args: []string{"--read-only=on"},
			check: func(t *testing.T, c config) { assert.True(t, c.ReadOnly) }},
		{name: "log level from env", env: with(map[string]string{"GITSCRUM_LOG_LEVEL": "debug"}),
			check: func(t *testing.T, c config) { assert.Equal(t, slog.LevelDebug, c.LogLevel) }},
		{name: "listener bounds", env: with(map[string]string{"GITSCRUM_MAX_IN_FLIGHT": "8"}), args: []string{"--max-conns", "20"},
			check: func(t *testing.T, c config) {
				assert.Equal(t, 8, c.MaxInFlight)
				assert.Equal(t, 20, c.MaxConns)
			}},
		{name: "listener bounds by default", env: base, check: func(t *testing.T, c config) {
			assert.Equal(t, 64, c.MaxInFlight)
			assert.Equal(t, 512, c.MaxConns)
		}},
		{name: "bad max in flight", env: with(map[string]string{"GITSCRUM_MAX_IN_FLIGHT": "0"}), err: "GITSCRUM_MAX_IN_FLIGHT"},
		{name: "stray argument", env: base, args: []string{"serve"}, err: "unexpected argument"},
		{name: "default command and prefixes", env: base, check: func(t *testing.T, c config) {
			assert.Equal(t, "/gitscrum", c.command)
			assert.Equal(t, "https://hooks.slack.com/", c.responseURLs)
		}},
		{name: "command and prefixes from env", env: with(map[string]string{"SLACK_COMMAND": "/gs", "SLACK_RESPONSE_URL_PREFIXES": "https://hooks.slack.com/,https://hooks.slack-gov.com/"}),
			check: func(t *testing.T, c config) {
				assert.Equal(t, "/gs", c.command)
				assert.Equal(t, "https://hooks.slack.com/,https://hooks.slack-gov.com/", c.responseURLs)
			}},
		{name: "command flag wins", env: with(map[string]string{"SLACK_COMMAND": "/gs"}), args: []string{"--command", "/clients", "--response-url-prefixes", "https://hooks.slack-gov.com/"},
			check: func(t *testing.T, c config) {
				assert.Equal(t, "/clients", c.command)
				assert.Equal(t, "https://hooks.slack-gov.com/", c.responseURLs)
			}},
		{name: "bad command", env: with(map[string]string{"SLACK_COMMAND": "gitscrum"}), err: "SLACK_COMMAND"},
		{name: "bad prefix", env: base, args: []string{"--response-url-prefixes", "hooks.slack.com"}, err: "SLACK_RESPONSE_URL_PREFIXES"},
		{name: "unknown flag", env: base, args: []string{"--nope"}, err: "not defined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseConfig(tc.args, env(tc.env), io.Discard)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

// TestRunExitCodes covers --version, --help and bad input.
func TestRunExitCodes(t *testing.T) {
	var out bytes.Buffer
	assert.Equal(t, 0, run(context.Background(), []string{"--version"}, env(nil), &out, io.Discard))
	assert.Equal(t, version.Line("gitscrum-slack", version.Current())+"\n", out.String())
	assert.Equal(t, 0, run(context.Background(), []string{"--help"}, env(nil), io.Discard, io.Discard))
	assert.Equal(t, 2, run(context.Background(), nil, env(nil), io.Discard, io.Discard))
	assert.Equal(t, 2, run(context.Background(), []string{"--sandbox", "--log-level", "loud"}, env(map[string]string{"SLACK_SIGNING_SECRET": testSecret}), io.Discard, io.Discard))
}

// signed returns a request for /gitscrum text signed as Slack signs it.
func signed(t *testing.T, addr, text, user string) *http.Request {
	body := url.Values{"command": {"/gitscrum"}, "text": {text}, "user_id": {user}, "team_id": {"T0TEAM001"},
		"channel_id": {"C0CHANNEL1"}, "response_url": {"http://127.0.0.1:1/unused"}}.Encode()
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/commands", strings.NewReader(body))
	require.NoError(t, err)
	slackbottest.SignRequest(req, testSecret, body, time.Now())
	return req
}

// TestServeSandbox runs the whole binary in-process in sandbox HTTP mode: health,
// a signed command, logs without secrets, and a clean stop when its context ends.
func TestServeSandbox(t *testing.T) {
	addrc := make(chan string, 1)
	listening = func(addr string) { addrc <- addr }
	t.Cleanup(func() { listening = nil })
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"--sandbox", "--addr", "127.0.0.1:0", "--write-users", "U0WRITER1"},
			env(map[string]string{"SLACK_SIGNING_SECRET": testSecret}), io.Discard, &logs)
	}()
	var addr string
	select {
	case addr = <-addrc:
	case <-time.After(10 * time.Second):
		require.FailNow(t, "not listening", logs.String())
	}

	resp, err := http.Get("http://" + addr + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	resp, err = http.DefaultClient.Do(signed(t, addr, "show acme corp", "U0READER1"))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "billing@acme.co")

	cancel()
	select {
	case code := <-exit:
		assert.Equal(t, 0, code)
	case <-time.After(10 * time.Second):
		require.FailNow(t, "did not stop")
	}
	out := logs.String()
	assert.Contains(t, out, "user_id=U0READER1")
	assert.Contains(t, out, "subcommand=show")
	assert.Contains(t, out, "outcome=ok")
	assert.Contains(t, out, "latency=")
	assert.Contains(t, out, "sandbox mode")
	assert.NotContains(t, out, testSecret)
	assert.NotContains(t, out, "sandbox-token")
	assert.NotContains(t, out, "acme corp", "command text is not logged")
}

// TestSIGTERM builds the binary, serves in sandbox mode, and checks SIGTERM stops it
// cleanly with exit code 0.
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "gitscrum-slack")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	cmd := exec.Command(bin, "--sandbox", "--addr", "127.0.0.1:0", "--drain-timeout", "5s")
	cmd.Env = append(os.Environ(), "SLACK_SIGNING_SECRET="+testSecret)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	addrRe := regexp.MustCompile(`msg=listening addr=(\S+)`)
	var addr string
	var seen []string
	deadline := time.After(15 * time.Second)
	for addr == "" {
		select {
		case line, ok := <-lines:
			require.True(t, ok, "exited early: %s", strings.Join(seen, "\n"))
			seen = append(seen, line)
			if m := addrRe.FindStringSubmatch(line); m != nil {
				addr = m[1]
			}
		case <-deadline:
			require.FailNow(t, "not listening", strings.Join(seen, "\n"))
		}
	}
	resp, err := http.DefaultClient.Do(signed(t, addr, "list", "U0READER1"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() {
		for line := range lines {
			seen = append(seen, line)
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		require.NoError(t, err, "exit code 0 after SIGTERM")
	case <-time.After(10 * time.Second):
		require.FailNow(t, "did not stop after SIGTERM")
	}
	assert.Contains(t, strings.Join(seen, "\n"), "gitscrum-slack stopped")
}

// TestServeConfiguredCommand runs the binary with SLACK_COMMAND=/gs: a signed
// /gitscrum request is refused without running, and the log says why.
func TestServeConfiguredCommand(t *testing.T) {
	s := startServing(t, []string{"--sandbox", "--addr", "127.0.0.1:0", "--write-users", "U0WRITER1"},
		map[string]string{"SLACK_SIGNING_SECRET": testSecret, "SLACK_COMMAND": "/gs"})
	status, body := do(t, signed(t, s.addr, "show acme corp", "U0READER1"))
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Nothing was run")
	assert.NotContains(t, body, "billing@acme.co")
	s.stop(t)
	assert.Contains(t, s.logs.String(), "outcome=invalid")
	assert.Contains(t, s.logs.String(), `is not the configured /gs`)
}
