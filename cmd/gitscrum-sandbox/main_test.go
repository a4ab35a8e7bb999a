package main

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/syncbuf"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/version"
)

var apiURL = regexp.MustCompile(`GITSCRUM_API_URL=(http://\S+)`)

// syncBuffer collects output that is written while the test reads it.
type syncBuffer = syncbuf.Buffer

// waitForURL waits until out shows the API URL.
func waitForURL(t *testing.T, out *syncBuffer) string {
	t.Helper()
	var url string
	require.Eventually(t, func() bool {
		m := apiURL.FindStringSubmatch(out.String())
		if m != nil {
			url = m[1]
		}
		return m != nil
	}, 5*time.Second, 10*time.Millisecond, "no GITSCRUM_API_URL in %q", out.String())
	return url
}

// listDemo lists the demo clients with token and returns how many came.
func listDemo(t *testing.T, url, token string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+"/contact-companies/clients?company_slug="+emulator.DemoWorkspace, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var body struct {
		Data []json.RawMessage `json:"data"`
		Meta *struct {
			Total int `json:"total"`
		} `json:"meta"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	if body.Meta != nil {
		return body.Meta.Total
	}
	return len(body.Data)
}

func TestBinaryServesAndStopsOnSIGTERM(t *testing.T) {
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go tool builds the binary under test")
	bin := filepath.Join(t.TempDir(), "gitscrum-sandbox")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	out, err = exec.Command(bin, "--version").Output()
	require.NoError(t, err)
	bi, err := buildinfo.ReadFile(bin)
	require.NoError(t, err)
	assert.Equal(t, version.From(bi).Line("gitscrum-sandbox")+"\n", string(out), "--version is the binary's own build information")

	var stderr syncBuffer
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0")
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-done
		}
	})

	url := waitForURL(t, &stderr)
	assert.Contains(t, stderr.String(), "GITSCRUM_TOKEN="+emulator.DefaultToken)
	assert.Contains(t, stderr.String(), "GITSCRUM_COMPANY_SLUG="+emulator.DemoWorkspace)
	assert.NotContains(t, url, ":0\n")
	assert.GreaterOrEqual(t, listDemo(t, url, emulator.DefaultToken), 12)

	res, err := http.Get(url + "/healthz")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-done:
		require.NoError(t, err, "exit status; stderr:\n%s", stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("the sandbox did not stop on SIGTERM")
	}
	assert.Equal(t, 0, cmd.ProcessState.ExitCode())
	assert.Equal(t, 1, strings.Count(stderr.String(), emulator.DefaultToken),
		"the token is shown once, in the export line:\n%s", stderr.String())
}

func TestRunWithOptions(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"--addr", "127.0.0.1:0", "--token", "t0k3n-secret", "--page-size", "5", "--latency", "1ms"}, io.Discard, &stderr)
	}()
	url := waitForURL(t, &stderr)
	assert.GreaterOrEqual(t, listDemo(t, url, "t0k3n-secret"), 12, "total from meta")

	req, err := http.NewRequest(http.MethodGet, url+"/contact-companies/clients?company_slug=demo", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "--token replaces the default token")

	cancel()
	select {
	case c := <-code:
		assert.Equal(t, 0, c)
	case <-time.After(6 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
	assert.Equal(t, 1, strings.Count(stderr.String(), "t0k3n-secret"), "%s", stderr.String())
	assert.Contains(t, stderr.String(), "status=401")
}

func TestRunRefusesBadUsage(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"empty token", []string{"--token", ""}, 2, "--token must not be empty"},
		{"negative page size", []string{"--page-size", "-1"}, 2, `invalid value "-1" for flag -page-size: want a whole number from 0`},
		{"bad latency", []string{"--latency", "soon"}, 2, "invalid value"},
		{"negative latency", []string{"--latency=-1ms"}, 2, `invalid value "-1ms" for flag -latency: want a duration from 0`},
		{"latency over a day", []string{"--latency=25h"}, 2, `invalid value "25h" for flag -latency`},
		{"version maybe", []string{"--version=maybe"}, 2, `invalid boolean value "maybe" for -version: want 1 or 0`},
		{"version yes", []string{"--version=yes"}, 0, ""},
		{"unknown flag", []string{"--nope"}, 2, "not defined"},
		{"extra argument", []string{"serve"}, 2, "unexpected argument"},
		{"help", []string{"-h"}, 0, "-page-size"},
		{"address in use", []string{"--addr", busy.Addr().String()}, 1, "cannot listen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), tt.args, io.Discard, &stderr)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, stderr.String(), tt.want)
		})
	}
}

func TestHealthzNeedsNoToken(t *testing.T) {
	emu := emulator.New()
	var logs bytes.Buffer
	h := handler(emu, slog.New(slog.NewTextHandler(&logs, nil)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"status":"ok"}`, rec.Body.String())
	assert.Empty(t, emu.Requests(), "health checks are not API requests")
	assert.Empty(t, logs.String())
}

func TestRunVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 0, run(context.Background(), []string{"--version"}, &stdout, &stderr))
	assert.Equal(t, version.Line("gitscrum-sandbox", version.Current())+"\n", stdout.String())
	assert.Regexp(t, `^gitscrum-sandbox \S+ \(.*go1\.`, stdout.String())
	assert.Empty(t, stderr.String(), "no server starts")
}
