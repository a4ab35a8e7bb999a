package slackbot_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/syncbuf"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// logBuffer collects output that is written while the test reads it.
type logBuffer = syncbuf.Buffer

// TestResponseURLNotAllowedByDefault: with the default prefixes
// (https://hooks.slack.com/), a response_url on plain http to a loopback address
// gets no post; the refusal is logged with the URL's scheme and host only, the
// outcome says the reply was lost, and the acknowledgement tells the user.
func TestResponseURLNotAllowedByDefault(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	outs := newOutcomes()
	e := newEnv(t, func(c *slackbot.Config) {
		c.ResponseURLPrefixes = nil // the default
		c.InlineBudget = 50 * time.Millisecond
		c.OnOutcome = outs.add
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	e.emu.SetLatency(200 * time.Millisecond)

	ack := e.run("update initech phone=+1-555-0111", writer)
	assert.Contains(t, joined(t, ack), slackbot.EnvResponseURLPrefixes, "the acknowledgement says the answer cannot follow")
	out := outs.next(t, 5*time.Second)
	assert.Equal(t, slackbot.ResultReplyLost, out.Result)
	assert.Equal(t, slackbot.ResultOK, out.CommandResult, "the update itself was applied")
	require.Error(t, out.DeliveryErr)
	assert.Empty(t, e.hooks.received(), "nothing is posted to a URL outside the prefixes")

	origin := e.hooks.srv.URL // http://127.0.0.1:port
	log := logs.String()
	assert.Contains(t, log, origin, "the refused URL's scheme and host are logged")
	assert.Contains(t, log, "outcome=reply_lost")
	assert.Contains(t, log, "command_outcome=ok")
	assert.NotContains(t, log, "/commands/T0TEAM001", "never the path: it is a credential")
	assert.NotContains(t, log, "secret-part")
}

// TestResponseURLRedirectNotFollowed: a response_url that answers 307 (which would
// make Go repeat the POST at the new location) gets one post, and the location
// none.
func TestResponseURLRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	var redirected atomic.Int32
	outs := newOutcomes()
	var e *env
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirected.Add(1)
		http.Redirect(w, r, e.hooks.url(), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirector.Close)
	e = newEnv(t, func(c *slackbot.Config) {
		c.ResponseURLPrefixes = append(c.ResponseURLPrefixes, redirector.URL+"/")
		c.InlineBudget = 50 * time.Millisecond
		c.OnOutcome = outs.add
	})
	e.emu.SetLatency(200 * time.Millisecond)
	form := e.commandForm("show initech", reader)
	form.Set("response_url", redirector.URL+"/commands/T0TEAM001/1/x")
	status, _ := e.do(e.signedRequest(form.Encode(), time.Now()))
	require.Equal(t, http.StatusOK, status)

	out := outs.next(t, 5*time.Second)
	require.Error(t, out.DeliveryErr)
	assert.Contains(t, out.DeliveryErr.Error(), "redirects are not followed")
	assert.Equal(t, slackbot.ResultReplyLost, out.Result)
	assert.Equal(t, int32(1), redirected.Load(), "one post, not retried")
	assert.Empty(t, e.hooks.received(), "the redirect's target gets nothing")
}

// TestResponseURLPrefixesParse checks the list form of the environment variable.
func TestResponseURLPrefixesParse(t *testing.T) {
	t.Parallel()
	got, err := slackbot.ParseResponseURLPrefixes(" https://hooks.slack.com/, https://HOOKS.slack-gov.com ,,http://127.0.0.1:8080/hooks/")
	require.NoError(t, err)
	assert.Equal(t, []string{"https://hooks.slack.com/", "https://hooks.slack-gov.com/", "http://127.0.0.1:8080/hooks/"}, got)
	none, err := slackbot.ParseResponseURLPrefixes("")
	require.NoError(t, err)
	assert.Empty(t, none)
	for _, bad := range []string{"hooks.slack.com", "ftp://hooks.slack.com/", "https://user@hooks.slack.com/", "https://hooks.slack.com/?x=1", "https:///", "https://hooks.slack.com/a/../b/"} {
		_, err := slackbot.ParseResponseURLPrefixes(bad)
		require.Error(t, err, bad)
		assert.True(t, strings.Contains(err.Error(), slackbot.EnvResponseURLPrefixes), err.Error())
	}
}

// TestResponseURLSlowAnswerNotReposted: a response_url that takes the post and
// answers after the post timeout got the same answer several times, because a
// timeout counted as a failure and was retried. A post sent whose answer never
// came has an unknown outcome: it is made once, and the delivery is reported
// lost. A post that never left (the connection refused) is still retried.
func TestResponseURLSlowAnswerNotReposted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		handler   func(posts *atomic.Int32, release <-chan struct{}) http.HandlerFunc
		wantPosts int32
	}{
		{name: "answers after the post timeout", wantPosts: 1,
			handler: func(posts *atomic.Int32, release <-chan struct{}) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					posts.Add(1)
					select { // answer 200, late
					case <-release:
					case <-time.After(10 * time.Second):
					}
					w.WriteHeader(http.StatusOK)
				}
			}},
		{name: "drops the connection after reading the post", wantPosts: 1,
			handler: func(posts *atomic.Int32, _ <-chan struct{}) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					posts.Add(1)
					conn, _, err := http.NewResponseController(w).Hijack()
					if err == nil {
						_ = conn.Close()
					}
				}
			}},
		{name: "answers 500: the post failed, retried", wantPosts: 2,
			handler: func(posts *atomic.Int32, _ <-chan struct{}) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					posts.Add(1)
					w.WriteHeader(http.StatusInternalServerError)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var posts atomic.Int32
			release := make(chan struct{})
			hook := httptest.NewServer(tc.handler(&posts, release))
			t.Cleanup(func() { close(release); hook.Close() })
			outs := newOutcomes()
			e := newEnv(t, func(c *slackbot.Config) {
				c.ResponseURLPrefixes = append(c.ResponseURLPrefixes, hook.URL+"/")
				c.InlineBudget = 50 * time.Millisecond
				c.PostTimeout = 200 * time.Millisecond
				c.DeliveryTimeout = 2 * time.Second
				c.OnOutcome = outs.add
			})
			e.emu.SetLatency(200 * time.Millisecond)
			form := e.commandForm("show initech", reader)
			form.Set("response_url", hook.URL+"/commands/T0TEAM001/1/x")
			status, _ := e.do(e.signedRequest(form.Encode(), time.Now()))
			require.Equal(t, http.StatusOK, status)

			if tc.wantPosts > 1 {
				require.Eventually(t, func() bool { return posts.Load() >= tc.wantPosts }, 10*time.Second, 10*time.Millisecond,
					"a post that failed is retried")
				return
			}
			out := outs.next(t, 20*time.Second)
			require.Error(t, out.DeliveryErr)
			assert.ErrorContains(t, out.DeliveryErr, "not repeated")
			assert.Equal(t, slackbot.ResultReplyLost, out.Result)
			assert.Equal(t, tc.wantPosts, posts.Load(), "posts made")
			assert.NotContains(t, out.DeliveryErr.Error(), "/commands/T0TEAM001", "never the path: it is a credential")
		})
	}
}
