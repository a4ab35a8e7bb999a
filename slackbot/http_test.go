package slackbot_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// TestCommandsOverHTTP runs every subcommand as a real signed request against the
// emulator.
func TestCommandsOverHTTP(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		text     string
		user     string
		contains []string
		absent   []string
		// inChannel is the expected response type.
		inChannel bool
		check     func(t *testing.T, e *env, msg *slack.WebhookMessage)
	}{
		{name: "bare is help", text: "", contains: []string{"/gitscrum list [query]", "needs write access"}},
		{name: "help", text: "help", contains: []string{"GitScrum clients in Slack"}},
		{name: "help of one", text: "help create", contains: []string{"force=yes"}, absent: []string{"list [query]"}},
		{name: "list", text: "list", contains: []string{"12 clients", "Showing 1–10 of 12"}},
		{name: "clients alias", text: "clients initech", contains: []string{"Initech", "1 client"}},
		{name: "search alias by email", text: "search billing@acme.co", contains: []string{"Acme Corp"}},
		{name: "list no match", text: "list zzzz", contains: []string{"No client matches"}},
		{name: "list other workspace", text: "list workspace=empty", contains: []string{"not found"}},
		{name: "show by name", text: "show globex", contains: []string{"Globex Corporation", "contact@globex.com"}},
		{name: "show by uuid", text: "show " + emulator.DemoAcmeUUID, contains: []string{"Acme Corp", "125,000.00"}},
		{name: "get alias, curly quotes", text: "get “Smith & Sons”", contains: []string{"Smith &amp; Sons", "7,800.00"}},
		{name: "show share", text: "show initech share", contains: []string{"shared by <@" + reader + ">"}, inChannel: true},
		{name: "show accent-insensitive", text: "show zurich", contains: []string{"Zürich Versicherungen AG"}},
		{name: "bare find, one match", text: "initech", contains: []string{"Initech", "TPS reports"}},
		{name: "bare find, exact name among several", text: "acme corp", contains: []string{"Enterprise client since 2024"}},
		{name: "bare find, several", text: "acme", contains: []string{"“acme” matches 2 clients"}},
		{name: "bare find by uuid", text: emulator.DemoAcmeUUID, contains: []string{"Acme Corp"}},
		{name: "find subcommand", text: "find northwind", contains: []string{"Northwind Traders"}},
		{name: "bare find, shared", text: "globex share", contains: []string{"Globex Corporation", "shared by"}, inChannel: true},
		{name: "bare find, not found suggests", text: "globx", contains: []string{"Did you mean “Globex Corporation”"}},
		{name: "create", text: `create "Wonka Industries" email=candy@wonka.example phone="+1 555 0300" website=https://wonka.example address='1 Chocolate Way' notes="Golden tickets"`,
			user: writer, contains: []string{"Created by <@" + writer + ">", "Wonka Industries", "candy@wonka.example", "Golden tickets"},
			check: func(t *testing.T, e *env, _ *slack.WebhookMessage) {
				reqs := e.emu.Requests()
				last := reqs[len(reqs)-1]
				require.Equal(t, http.MethodPost, last.Method)
				var body map[string]any
				require.NoError(t, json.Unmarshal(last.Body, &body))
				assert.Equal(t, "Wonka Industries", body["name"])
				assert.Equal(t, "1 Chocolate Way", body["address"])
				assert.Equal(t, "+1 555 0300", body["phone"])
				assert.Equal(t, emulator.DemoWorkspace, body["company_slug"])
			}},
		{name: "create with name=", text: `create name="Hooli" email=hi@hooli.example`, user: writer, contains: []string{"Hooli"}},
		{name: "create duplicate refused", text: "create Globex Corporation", user: writer, contains: []string{"already exists", "force=yes"},
			check: func(t *testing.T, e *env, _ *slack.WebhookMessage) {
				for _, r := range e.emu.Requests() {
					assert.NotEqual(t, http.MethodPost, r.Method, "nothing may be created")
				}
			}},
		{name: "create duplicate forced", text: "create Globex Corporation force=yes", user: writer, contains: []string{"Created by"}},
		{name: "update", text: `update globex corporation phone=+1-555-0201 notes="Renewed for 2026"`, user: writer,
			contains: []string{"Updated “Globex Corporation”", "*Phone*", "+1-555-0200  →  +1-555-0201", "*Notes*", "(empty)  →  Renewed for 2026"},
			check: func(t *testing.T, e *env, _ *slack.WebhookMessage) {
				reqs := e.emu.Requests()
				last := reqs[len(reqs)-1]
				require.Equal(t, http.MethodPut, last.Method)
				var body map[string]any
				require.NoError(t, json.Unmarshal(last.Body, &body))
				assert.Equal(t, map[string]any{"company_slug": "demo", "phone": "+1-555-0201", "notes": "Renewed for 2026"}, body, "only the named fields are sent")
			}},
		{name: "update clears with empty field", text: "update " + emulator.DemoAcmeUUID + " website=", user: writer,
			contains: []string{"https://acme.co  →  (empty)"},
			check: func(t *testing.T, e *env, _ *slack.WebhookMessage) {
				reqs := e.emu.Requests()
				assert.JSONEq(t, `{"company_slug":"demo","website":null}`, string(reqs[len(reqs)-1].Body))
			}},
		{name: "update ambiguous", text: "update acme phone=1", user: writer, contains: []string{"matches 2 clients", "/gitscrum update"}},
		{name: "update invalid email sends nothing", text: "update initech email=nope", user: writer, contains: []string{"• email: must be a valid email"},
			check: func(t *testing.T, e *env, _ *slack.WebhookMessage) {
				assert.Empty(t, e.emu.Requests(), "invalid input never leaves the process")
			}},
		{name: "unknown field", text: "create Foo colour=red", user: writer, contains: []string{`Unknown field "colour"`, "Usage:"}},
		{name: "unbalanced quote", text: `update "acme phone=1`, user: writer, contains: []string{"Unbalanced quote", "/gitscrum update"}},
		{name: "slack escapes entities", text: "show Smith & Sons", contains: []string{"office@smithandsons.example"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			user := tc.user
			if user == "" {
				user = reader
			}
			msg := e.run(tc.text, user)
			require.NoError(t, blockkit.CheckLimits(msg))
			all := joined(t, msg)
			for _, s := range tc.contains {
				assert.Contains(t, all, s)
			}
			for _, s := range tc.absent {
				assert.NotContains(t, all, s)
			}
			want := slack.ResponseTypeEphemeral
			if tc.inChannel {
				want = slack.ResponseTypeInChannel
			}
			assert.Equal(t, want, msg.ResponseType)
			assert.NotEmpty(t, msg.Text, "a plain-text fallback is always set")
			if tc.check != nil {
				tc.check(t, e, msg)
			}
		})
	}
}

// TestVerification checks that requests not signed by Slack as Slack signs them are
// refused with 401 before GitScrum is called.
func TestVerification(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := e.commandForm("list", reader).Encode()
	now := time.Now()
	ts := func(at time.Time) string { return strconv.FormatInt(at.Unix(), 10) }
	cases := []struct {
		name string
		req  func() *http.Request
	}{
		{name: "forged signature", req: func() *http.Request {
			r := e.signedRequest(body, now)
			r.Header.Set("X-Slack-Signature", slackbottest.Signature("not-the-secret", ts(now), body))
			return r
		}},
		{name: "stale timestamp", req: func() *http.Request { return e.signedRequest(body, now.Add(-6*time.Minute)) }},
		{name: "future timestamp", req: func() *http.Request { return e.signedRequest(body, now.Add(6*time.Minute)) }},
		{name: "tampered body", req: func() *http.Request {
			r := e.signedRequest(body, now)
			tampered := strings.Replace(body, "text=list", "text=create+Evil", 1)
			r.Body = http.NoBody
			r2, _ := http.NewRequest(http.MethodPost, r.URL.String(), strings.NewReader(tampered))
			r2.Header = r.Header.Clone()
			return r2
		}},
		{name: "tampered timestamp", req: func() *http.Request {
			r := e.signedRequest(body, now)
			r.Header.Set("X-Slack-Request-Timestamp", ts(now.Add(time.Second)))
			return r
		}},
		{name: "missing signature", req: func() *http.Request {
			r := e.signedRequest(body, now)
			r.Header.Del("X-Slack-Signature")
			return r
		}},
		{name: "missing timestamp", req: func() *http.Request {
			r := e.signedRequest(body, now)
			r.Header.Del("X-Slack-Request-Timestamp")
			return r
		}},
		{name: "signature without v0", req: func() *http.Request {
			r := e.signedRequest(body, now)
			r.Header.Set("X-Slack-Signature", strings.TrimPrefix(r.Header.Get("X-Slack-Signature"), "v0="))
			return r
		}},
		{name: "garbage signature", req: func() *http.Request {
			r := e.signedRequest(body, now)
			r.Header.Set("X-Slack-Signature", "v0=zz")
			return r
		}},
		{name: "non-numeric timestamp", req: func() *http.Request {
			r := e.signedRequest(body, now)
			r.Header.Set("X-Slack-Request-Timestamp", "soon")
			r.Header.Set("X-Slack-Signature", slackbottest.Signature(testSecret, "soon", body))
			return r
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _ := e.do(tc.req())
			assert.Equal(t, http.StatusUnauthorized, status)
		})
	}
	assert.Empty(t, e.emu.Requests(), "GitScrum is never called for a refused request")

	t.Run("within the window both ways", func(t *testing.T) {
		for _, skew := range []time.Duration{-4 * time.Minute, 4 * time.Minute} {
			status, _ := e.do(e.signedRequest(body, now.Add(skew)))
			assert.Equal(t, http.StatusOK, status, "skew %s", skew)
		}
	})
}

// TestNoSigningSecret checks that a bot without a signing secret refuses every
// command.
func TestNoSigningSecret(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *slackbot.Config) { c.SigningSecret = "" })
	status, _ := e.do(e.signedRequest(e.commandForm("list", reader).Encode(), time.Now()))
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Empty(t, e.emu.Requests())
}

// TestHTTPEdges covers the answers that are not commands: health, methods, sizes,
// content types, ssl_check.
func TestHTTPEdges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	post := func(contentType, body string) *http.Request {
		r, err := http.NewRequest(http.MethodPost, e.srv.URL+slackbot.CommandsPath, strings.NewReader(body))
		require.NoError(t, err)
		r.Header.Set("Content-Type", contentType)
		return r
	}
	get := func(path string) *http.Request {
		r, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
		require.NoError(t, err)
		return r
	}
	big := e.commandForm("list", reader)
	big.Set("text", strings.Repeat("a", slackbot.MaxBodyBytes))
	cases := []struct {
		name   string
		req    func() *http.Request
		status int
		allow  string
	}{
		{name: "healthz", req: func() *http.Request { return get(slackbot.HealthPath) }, status: http.StatusOK},
		{name: "healthz post", req: func() *http.Request {
			r := get(slackbot.HealthPath)
			r.Method = http.MethodPost
			return r
		}, status: http.StatusMethodNotAllowed, allow: "GET, HEAD"},
		{name: "text body", req: func() *http.Request { return post("text/plain", "text=list") }, status: http.StatusUnsupportedMediaType},
		{name: "get commands", req: func() *http.Request { return get(slackbot.CommandsPath) }, status: http.StatusMethodNotAllowed, allow: "POST"},
		{name: "put commands", req: func() *http.Request {
			r := post("application/x-www-form-urlencoded", "")
			r.Method = http.MethodPut
			return r
		}, status: http.StatusMethodNotAllowed, allow: "POST"},
		{name: "too large, even signed", req: func() *http.Request { return e.signedRequest(big.Encode(), time.Now()) }, status: http.StatusRequestEntityTooLarge},
		{name: "json body", req: func() *http.Request { return post("application/json", "{}") }, status: http.StatusUnsupportedMediaType},
		{name: "ssl_check unsigned", req: func() *http.Request {
			return post("application/x-www-form-urlencoded", url.Values{"ssl_check": {"1"}, "token": {"x"}}.Encode())
		}, status: http.StatusOK},
		{name: "ssl_check runs nothing", req: func() *http.Request {
			v := e.commandForm("create Evil", writer)
			v.Set("ssl_check", "1")
			return post("application/x-www-form-urlencoded", v.Encode())
		}, status: http.StatusOK},
		{name: "unsigned command", req: func() *http.Request {
			return post("application/x-www-form-urlencoded", e.commandForm("list", reader).Encode())
		}, status: http.StatusUnauthorized},
		{name: "unknown path", req: func() *http.Request { return get("/nope") }, status: http.StatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.DefaultClient.Do(tc.req())
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
			if tc.allow != "" {
				assert.Equal(t, tc.allow, resp.Header.Get("Allow"))
			}
		})
	}
	assert.Empty(t, e.emu.Requests(), "none of these calls GitScrum")
}

// TestDeclaredBodyTooLarge: a Content-Length over MaxBodyBytes is answered 413,
// with a message saying the bound, as soon as the headers arrive: the body is
// never waited for nor read.
func TestDeclaredBodyTooLarge(t *testing.T) {
	e := newEnv(t)
	c, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	require.NoError(t, err)
	defer c.Close()
	_, err = fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\ncommand=",
		slackbot.CommandsPath, 10<<20)
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err, "answered before the body was sent")
	defer resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	var body map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	assert.Equal(t, "The request body is 10485760 bytes; this endpoint accepts at most 64 KiB (65536 bytes).", body["message"])
	assert.Empty(t, e.emu.Requests())
}
