package slackbot_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// rawPost sends head (request line and headers, without the blank line) then
// body over a new connection to the bot, and returns the answer read within 5 s.
// Errors writing the body are ignored: the bot may answer and close before it
// has all of it.
func rawPost(t *testing.T, e *env, head, body string) (*http.Response, map[string]string) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = fmt.Fprintf(c, "%s\r\n\r\n", head)
	require.NoError(t, err)
	_, _ = c.Write([]byte(body))
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err, "answered within 5 s")
	defer resp.Body.Close()
	var msg map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&msg)
	return resp, msg
}

// chunked encodes body as one chunk and the last chunk.
func chunked(body string) string { return fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(body), body) }

// TestNewEndpointsBodyTooLarge: the interactivity and events endpoints refuse a
// body over MaxBodyBytes with 413, as the command endpoint does: at once when its
// Content-Length says so (the body is never waited for), and after 64 KiB of a
// chunked one, signed or not; nothing runs.
func TestNewEndpointsBodyTooLarge(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("a", slackbot.MaxBodyBytes+1)
	for _, tc := range []struct {
		path, contentType, body string
	}{
		{slackbot.InteractivityPath, "application/x-www-form-urlencoded", "payload=" + big},
		{slackbot.EventsPath, "application/json", `{"type":"event_callback","event":{"type":"app_mention","text":"` + big + `"}}`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			e := newIEnv(t)
			t.Run("declared", func(t *testing.T) {
				head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d", tc.path, tc.contentType, 10<<20)
				resp, msg := rawPost(t, e.env, head, tc.body[:10]) // the rest never comes
				assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
				assert.Equal(t, "The request body is 10485760 bytes; this endpoint accepts at most 64 KiB (65536 bytes).", msg["message"])
			})
			t.Run("chunked, signed", func(t *testing.T) {
				req, err := http.NewRequest(http.MethodPost, e.srv.URL+tc.path, nil)
				require.NoError(t, err)
				slackbottest.SignRequest(req, testSecret, tc.body, time.Now())
				head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\nX-Slack-Request-Timestamp: %s\r\nX-Slack-Signature: %s",
					tc.path, tc.contentType, req.Header.Get("X-Slack-Request-Timestamp"), req.Header.Get("X-Slack-Signature"))
				resp, msg := rawPost(t, e.env, head, chunked(tc.body))
				assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
				assert.Equal(t, "The request body is over 64 KiB (65536 bytes), the most this endpoint accepts.", msg["message"])
			})
			assert.Empty(t, e.emu.Requests(), "nothing reached GitScrum")
			assert.Empty(t, e.web.Calls(""), "nothing reached Slack's Web API")
		})
	}
}
