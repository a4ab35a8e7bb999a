package slackbot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/syncbuf"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// botUser is the bot's own user id in the tests' events.
const botUser = "U0GITSCRUM"

// Where the tests' conversations happen.
const (
	testChannel = "C0CHANNEL1"
	testDM      = "D0DIRECT01"
)

// eventIDs numbers the tests' events.
var eventIDs atomic.Int64

// newEventID returns an event id never used before.
func newEventID() string { return fmt.Sprintf("Ev%08d", eventIDs.Add(1)) }

// eventEnv is a bot with a bot token, its Web API pointed at a fake.
type eventEnv struct {
	*env
	web *slackbottest.WebAPI
}

func newEventEnv(t *testing.T, mods ...func(*slackbot.Config)) *eventEnv {
	t.Helper()
	web := slackbottest.NewWebAPI(t)
	mods = append([]func(*slackbot.Config){func(c *slackbot.Config) {
		c.BotToken = testBotToken
		c.APIURL = web.URL
	}}, mods...)
	return &eventEnv{env: newEnv(t, mods...), web: web}
}

// eventBody is an event_callback payload as Slack posts it, around inner.
func eventBody(t *testing.T, eventID string, inner map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"token": "deprecated-verification-token", "team_id": "T0TEAM001", "api_app_id": "A0APP0001",
		"type": "event_callback", "event_id": eventID, "event_time": 1700000000, "event": inner,
		"authorizations":        []any{map[string]any{"team_id": "T0TEAM001", "user_id": botUser, "is_bot": true}},
		"is_ext_shared_channel": false, "event_context": "4-eyJldCI6ImFwcF9tZW50aW9uIn0",
	})
	require.NoError(t, err)
	return string(b)
}

// mentionEvent is "@GitScrum text" by user in the test channel, at ts.
func mentionEvent(user, text, ts string) map[string]any {
	return map[string]any{"type": "app_mention", "user": user, "text": "<@" + botUser + "> " + slackEscape(text),
		"ts": ts, "channel": testChannel, "event_ts": ts, "team": "T0TEAM001"}
}

// dmEvent is a DM of text from user to the bot, at ts.
func dmEvent(user, text, ts string) map[string]any {
	return map[string]any{"type": "message", "channel_type": "im", "user": user, "text": slackEscape(text),
		"ts": ts, "channel": testDM, "event_ts": ts, "team": "T0TEAM001"}
}

// eventRequest builds a request to the events endpoint, signed at at (unsigned
// when at is zero), with X-Slack-Retry-Num retry when set.
func (e *eventEnv) eventRequest(body string, at time.Time, retry int) *http.Request {
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+slackbot.EventsPath, strings.NewReader(body))
	require.NoError(e.t, err)
	if !at.IsZero() {
		slackbottest.SignRequest(req, testSecret, body, at)
	}
	req.Header.Set("Content-Type", "application/json")
	if retry > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	return req
}

// post sends body signed now and requires 200.
func (e *eventEnv) post(body string) {
	e.t.Helper()
	status, resp := e.do(e.eventRequest(body, time.Now(), 0))
	require.Equal(e.t, http.StatusOK, status, "body: %s", resp)
}

// drain closes the bot, which waits for every event being answered.
func (e *eventEnv) drain() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(e.t, e.bot.Close(ctx))
}

// writes returns the requests GitScrum received that could change something.
func writes(emu *emulator.Server) []emulator.Request {
	var out []emulator.Request
	for _, r := range emu.Requests() {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			out = append(out, r)
		}
	}
	return out
}

// postedReply is what a chat.postMessage call carried, for the golden files.
type postedReply struct {
	Channel  string          `json:"channel"`
	ThreadTS string          `json:"thread_ts,omitempty"`
	Text     string          `json:"text"`
	Blocks   json.RawMessage `json:"blocks"`
}

func replyOf(t *testing.T, call slackbottest.WebAPICall) postedReply {
	t.Helper()
	blocks := call.Arg("blocks")
	require.NotEmpty(t, blocks, "a reply has blocks")
	return postedReply{Channel: call.Arg("channel"), ThreadTS: call.Arg("thread_ts"), Text: call.Arg("text"), Blocks: json.RawMessage(blocks)}
}

// texts returns every text of a posted reply.
func (p postedReply) texts(t *testing.T) string {
	t.Helper()
	raw, err := json.Marshal(p)
	require.NoError(t, err)
	out, err := slackbottest.Texts(raw)
	require.NoError(t, err)
	return strings.Join(out, "\n")
}

// assertGoldenReply compares a posted reply with testdata/golden/<name>.json.
func assertGoldenReply(t *testing.T, name string, p postedReply) {
	t.Helper()
	var blocks any
	require.NoError(t, json.Unmarshal(p.Blocks, &blocks))
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(map[string]any{"channel": p.Channel, "thread_ts": p.ThreadTS, "text": p.Text, "blocks": blocks}))
	path := filepath.Join("testdata", "golden", name+".json")
	if updateSnapshots() {
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run the tests with UPDATE_SNAPSHOTS=1 to create it")
	assert.JSONEq(t, string(want), buf.String(), "reply %s differs from %s; UPDATE_SNAPSHOTS=1 refreshes it", name, path)
}

// TestEventsConversations drives signed mentions and DMs over real HTTP and checks
// the replies posted to the fake Web API: in a thread under a mention, in the DM
// for a DM, with the slash command's card, list and help.
func TestEventsConversations(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		event    map[string]any
		channel  string
		thread   string
		contains []string
	}{
		{name: "mention_card", event: mentionEvent(reader, "acme corp", "1700000001.000100"), channel: testChannel, thread: "1700000001.000100",
			contains: []string{"Acme Corp", "billing@acme.co"}},
		{name: "mention_list", event: mentionEvent(reader, "acme", "1700000002.000100"), channel: testChannel, thread: "1700000002.000100",
			contains: []string{"Acme Corp", "Acme Logistics", "2 clients"}},
		{name: "mention_help", event: mentionEvent(reader, "help", "1700000003.000100"), channel: testChannel, thread: "1700000003.000100",
			contains: []string{"/gitscrum list [query]"}},
		{name: "mention_hostile", event: mentionEvent(reader, "alerts", "1700000004.000100"), channel: testChannel, thread: "1700000004.000100",
			contains: []string{"&lt;!channel&gt; Alerts Ltd"}},
		{name: "mention_in_thread", event: func() map[string]any {
			ev := mentionEvent(reader, "initech", "1700000005.000200")
			ev["thread_ts"] = "1700000005.000100"
			return ev
		}(), channel: testChannel, thread: "1700000005.000100", contains: []string{"Initech"}},
		{name: "dm_card", event: dmEvent(reader, "globex", "1700000006.000100"), channel: testDM, contains: []string{"Globex Corporation"}},
		{name: "dm_help", event: dmEvent(reader, "help", "1700000007.000100"), channel: testDM, contains: []string{"/gitscrum list [query]"}},
		{name: "dm_list", event: dmEvent(reader, "list acme", "1700000008.000100"), channel: testDM, contains: []string{"Acme Corp", "Acme Logistics"}},
		{name: "dm_mailto", event: dmEvent(reader, "", "1700000009.000100"), channel: testDM, contains: []string{"Acme Corp"}},
		{name: "dm_not_found", event: dmEvent(reader, "globx", "1700000010.000100"), channel: testDM, contains: []string{"globx", "Globex Corporation"}},
	}
	cases[8].event["text"] = "<mailto:billing@acme.co|billing@acme.co>" // Slack links an email typed in a message
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEventEnv(t)
			e.post(eventBody(t, newEventID(), tc.event))
			calls := e.web.Wait(t, "chat.postMessage", 1, 10*time.Second)
			require.Len(t, calls, 1)
			assert.Equal(t, testBotToken, calls[0].Token)
			reply := replyOf(t, calls[0])
			assert.Equal(t, tc.channel, reply.Channel)
			assert.Equal(t, tc.thread, reply.ThreadTS)
			all := reply.texts(t)
			for _, s := range tc.contains {
				assert.Contains(t, all, s)
			}
			assertGoldenReply(t, tc.name, reply)
			e.drain()
			assert.Empty(t, writes(e.emu), "conversations read only")
		})
	}
}

// TestEventsURLVerification answers Slack's challenge, only when signed.
func TestEventsURLVerification(t *testing.T) {
	t.Parallel()
	e := newEventEnv(t)
	body := `{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`
	status, resp := e.do(e.eventRequest(body, time.Now(), 0))
	require.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}`, string(resp))
	status, resp = e.do(e.eventRequest(body, time.Time{}, 0))
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.NotContains(t, string(resp), "3eZbrw1a", "an unsigned challenge is not answered")
}

// TestEventsRefused: unsigned, forged, stale and replayed requests get 401 and run
// nothing; other methods, types and sizes are refused too.
func TestEventsRefused(t *testing.T) {
	t.Parallel()
	e := newEventEnv(t)
	body := eventBody(t, newEventID(), mentionEvent(reader, "acme corp", "1700000100.000100"))
	forged := e.eventRequest(body, time.Now(), 0)
	forged.Header.Set("X-Slack-Signature", slackbottest.Signature("another-secret", forged.Header.Get("X-Slack-Request-Timestamp"), body))
	tampered := e.eventRequest(body, time.Now(), 0)
	tampered.Body, tampered.ContentLength = nopCloser(strings.Replace(body, "acme corp", "globex", 1)), -1
	signed := e.eventRequest(body, time.Now(), 0)
	replay := signed.Clone(context.Background())
	replay.Body = nopCloser(body)
	get, err := http.NewRequest(http.MethodGet, e.srv.URL+slackbot.EventsPath, nil)
	require.NoError(t, err)
	form := e.eventRequest(body, time.Now(), 0)
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	big := strings.Replace(body, "acme corp", strings.Repeat("a", slackbot.MaxBodyBytes), 1)

	for _, tc := range []struct {
		name   string
		req    *http.Request
		status int
	}{
		{name: "unsigned", req: e.eventRequest(body, time.Time{}, 0), status: http.StatusUnauthorized},
		{name: "forged", req: forged, status: http.StatusUnauthorized},
		{name: "tampered", req: tampered, status: http.StatusUnauthorized},
		{name: "stale", req: e.eventRequest(body, time.Now().Add(-6*time.Minute), 0), status: http.StatusUnauthorized},
		{name: "future", req: e.eventRequest(body, time.Now().Add(6*time.Minute), 0), status: http.StatusUnauthorized},
		{name: "method", req: get, status: http.StatusMethodNotAllowed},
		{name: "content type", req: form, status: http.StatusUnsupportedMediaType},
		{name: "too large", req: e.eventRequest(big, time.Now(), 0), status: http.StatusRequestEntityTooLarge},
		{name: "not json", req: e.eventRequest(`{"type":`, time.Now(), 0), status: http.StatusBadRequest},
	} {
		status, _ := e.do(tc.req)
		assert.Equal(t, tc.status, status, tc.name)
	}
	// The genuine request is answered once; the same signed request again is a replay.
	status, _ := e.do(signed)
	require.Equal(t, http.StatusOK, status)
	status, _ = e.do(replay)
	assert.Equal(t, http.StatusUnauthorized, status, "replayed")
	e.drain()
	assert.Len(t, e.web.Calls("chat.postMessage"), 1, "only the genuine request was answered")
}

// nopCloser is a request body of s.
func nopCloser(s string) *readCloser { return &readCloser{Reader: strings.NewReader(s)} }

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

// TestEventsRetriesAnsweredOnce: Slack's retries of an event carry a new signature
// and timestamp, X-Slack-Retry-Num, and the same event_id: each event is answered
// once.
func TestEventsRetriesAnsweredOnce(t *testing.T) {
	t.Parallel()
	e := newEventEnv(t)
	id := newEventID()
	e.post(eventBody(t, id, mentionEvent(reader, "acme corp", "1700000200.000100")))
	for retry := 1; retry <= 3; retry++ {
		status, _ := e.do(e.eventRequest(eventBody(t, id, mentionEvent(reader, "acme corp", "1700000200.000100")), time.Now().Add(time.Duration(retry)*time.Second), retry))
		require.Equal(t, http.StatusOK, status, "a retry is acknowledged")
	}
	e.post(eventBody(t, newEventID(), mentionEvent(reader, "acme corp", "1700000200.000100")))
	e.drain()
	assert.Len(t, e.web.Calls("chat.postMessage"), 2, "the event once, and the other event")
}

// TestEventsIgnored: the bot's own messages, other bots', edits, deletions, joins,
// any subtype and messages outside a DM are not answered, nor looked up.
func TestEventsIgnored(t *testing.T) {
	t.Parallel()
	e := newEventEnv(t)
	with := func(ev map[string]any, kv ...any) map[string]any {
		for i := 0; i < len(kv); i += 2 {
			ev[kv[i].(string)] = kv[i+1]
		}
		return ev
	}
	ts := "1700000300.000100"
	for name, ev := range map[string]map[string]any{
		"own message":      dmEvent(botUser, "acme corp", ts),
		"own bot_id":       with(dmEvent(botUser, "acme corp", ts), "bot_id", "B0GITSCRUM"),
		"other bot":        with(dmEvent("U0OTHERBOT", "acme corp", ts), "bot_id", "B0OTHER01"),
		"bot_message":      with(dmEvent("", "acme corp", ts), "subtype", "bot_message", "bot_id", "B0OTHER01"),
		"message_changed":  with(dmEvent("", "", ts), "subtype", "message_changed", "message", map[string]any{"user": reader, "text": "acme corp"}),
		"message_deleted":  with(dmEvent("", "", ts), "subtype", "message_deleted", "deleted_ts", ts),
		"channel_join":     with(dmEvent(reader, "<@U0READER1> has joined the channel", ts), "subtype", "channel_join"),
		"edited":           with(dmEvent(reader, "acme corp", ts), "edited", map[string]any{"user": reader, "ts": ts}),
		"edited mention":   with(mentionEvent(reader, "acme corp", ts), "edited", map[string]any{"user": reader, "ts": ts}),
		"bot mention":      with(mentionEvent("U0OTHERBOT", "acme corp", ts), "bot_id", "B0OTHER01"),
		"channel message":  with(dmEvent(reader, "acme corp", ts), "channel_type", "channel", "channel", testChannel),
		"unknown event":    {"type": "reaction_added", "user": map[string]any{"odd": "shape"}},
		"no author":        dmEvent("", "acme corp", ts),
		"thread_broadcast": with(dmEvent(reader, "acme corp", ts), "subtype", "thread_broadcast"),
	} {
		status, body := e.do(e.eventRequest(eventBody(t, newEventID(), ev), time.Now(), 0))
		assert.Equal(t, http.StatusOK, status, "%s acknowledged: %s", name, body)
	}
	e.drain()
	assert.Empty(t, e.web.Calls(""), "nothing answered")
	assert.Empty(t, e.emu.Requests(), "nothing looked up")
}

// TestEventsWritesOffered: a conversation asking for a write is answered with a
// button opening the right modal, to users allowed to write only, and writes
// nothing.
func TestEventsWritesOffered(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, user, text string
		action           string
		value            map[string]any
		contains         []string
	}{
		{name: "offer_create", user: writer, text: `create "Stark Industries" address="10880 Malibu Point, CA"`, action: slackbot.ActionCreate,
			value: map[string]any{"w": emulator.DemoWorkspace, "n": "Stark Industries"}, contains: []string{"“Stark Industries”", "New client"}},
		{name: "offer_add", user: writer, text: "add Wonka Industries", action: slackbot.ActionCreate,
			value: map[string]any{"w": emulator.DemoWorkspace, "n": "Wonka Industries"}},
		{name: "offer_create_no_name", user: writer, text: "create", action: slackbot.ActionCreate,
			value: map[string]any{"w": emulator.DemoWorkspace}, contains: []string{"a new client"}},
		{name: "offer_edit", user: writer, text: "update Acme Corp phone=+1-555-0101", action: slackbot.ActionEdit,
			value: map[string]any{"w": emulator.DemoWorkspace, "id": emulator.DemoAcmeUUID}, contains: []string{"“Acme Corp”", "Edit"}},
		{name: "offer_edit_hostile", user: writer, text: "edit alerts", action: slackbot.ActionEdit,
			value: map[string]any{"w": emulator.DemoWorkspace, "id": "a1b3c5d7-e9f0-4a2b-9c4d-5e6f7a8b9c99"}, contains: []string{"“&lt;!channel&gt; Alerts Ltd”"}},
		{name: "offer_edit_ambiguous", user: writer, text: "update acme phone=1", contains: []string{"Acme Corp", "Acme Logistics"}},
		{name: "offer_refused", user: reader, text: "create Wonka", contains: []string{"You may not create or update clients"}},
		{name: "offer_refused_edit", user: reader, text: "edit acme corp", contains: []string{"You may not create or update clients"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEventEnv(t)
			e.post(eventBody(t, newEventID(), mentionEvent(tc.user, tc.text, "1700000400.000100")))
			calls := e.web.Wait(t, "chat.postMessage", 1, 10*time.Second)
			reply := replyOf(t, calls[0])
			var blocks []struct {
				Type     string `json:"type"`
				Elements []struct {
					Type     string `json:"type"`
					ActionID string `json:"action_id"`
					Value    string `json:"value"`
				} `json:"elements"`
			}
			require.NoError(t, json.Unmarshal(reply.Blocks, &blocks))
			var actions []string
			for _, b := range blocks {
				if b.Type != "actions" {
					continue
				}
				for _, el := range b.Elements {
					actions = append(actions, el.ActionID)
					if el.ActionID == tc.action {
						var v map[string]any
						require.NoError(t, json.Unmarshal([]byte(el.Value), &v))
						assert.Equal(t, tc.value, v)
					}
				}
			}
			if tc.action != "" {
				assert.Equal(t, []string{tc.action}, actions)
			} else {
				assert.NotContains(t, actions, slackbot.ActionEdit, "no write button")
				assert.NotContains(t, actions, slackbot.ActionCreate, "no write button")
			}
			all := reply.texts(t)
			for _, s := range tc.contains {
				assert.Contains(t, all, s)
			}
			assertGoldenReply(t, tc.name, reply)
			e.drain()
			assert.Empty(t, writes(e.emu), "nothing written to GitScrum")
		})
	}
}

// syncBuffer collects output that is written while the test reads it.
type syncBuffer = syncbuf.Buffer

// TestEventsWithoutBotToken: without SLACK_BOT_TOKEN events are acknowledged, the
// log says what is missing, GitScrum is not called and nothing crashes.
func TestEventsWithoutBotToken(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	e := newEventEnv(t, func(c *slackbot.Config) {
		c.BotToken = ""
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	e.post(eventBody(t, newEventID(), mentionEvent(reader, "acme corp", "1700000500.000100")))
	e.post(eventBody(t, newEventID(), dmEvent(reader, "help", "1700000500.000200")))
	e.drain()
	assert.Empty(t, e.web.Calls(""))
	assert.Empty(t, e.emu.Requests())
	assert.Equal(t, 2, strings.Count(logs.String(), "SLACK_BOT_TOKEN is not set"), logs.String())
}

// TestEventsBounded: events beyond MaxEventJobs, and events during shutdown, get
// 503 so that Slack sends them again; a refused event is answered when it comes
// back.
func TestEventsBounded(t *testing.T) {
	t.Parallel()
	e := newEventEnv(t, func(c *slackbot.Config) { c.MaxEventJobs = 1 })
	e.emu.SetLatency(500 * time.Millisecond)
	e.post(eventBody(t, newEventID(), mentionEvent(reader, "acme corp", "1700000600.000100")))
	id := newEventID()
	body := eventBody(t, id, mentionEvent(reader, "globex", "1700000600.000200"))
	status, _ := e.do(e.eventRequest(body, time.Now(), 0))
	require.Equal(t, http.StatusServiceUnavailable, status, "the one slot is taken")
	e.web.Wait(t, "chat.postMessage", 1, 10*time.Second)
	require.Eventually(t, func() bool {
		status, _ := e.do(e.eventRequest(body, time.Now(), 1))
		return status == http.StatusOK
	}, 10*time.Second, 50*time.Millisecond, "Slack's retry is taken once the slot is free")
	calls := e.web.Wait(t, "chat.postMessage", 2, 10*time.Second)
	assert.Contains(t, replyOf(t, calls[1]).texts(t), "Globex Corporation")
	e.drain()
	status, _ = e.do(e.eventRequest(eventBody(t, newEventID(), mentionEvent(reader, "acme corp", "1700000600.000300")), time.Now(), 0))
	assert.Equal(t, http.StatusServiceUnavailable, status, "closed")
}

// sendEvent sends an events_api envelope of payload over the fake Socket Mode
// connection and returns its acknowledgement, or fails when none comes.
func (s *socketSlack) sendEvent(envelopeID, payload string, retry int) socketAck {
	s.t.Helper()
	return s.envelope(envelopeID, "events_api", false, retry, json.RawMessage(payload))
}

// TestSocketModeEvents drives mentions and DMs through Socket Mode's dispatcher,
// over a real connection: the same listeners as over HTTP answer them, each once.
func TestSocketModeEvents(t *testing.T) {
	t.Parallel()
	e := newEventEnv(t, func(c *slackbot.Config) { c.SigningSecret = "" })
	fake := newSocketSlack(t)
	client, err := slackbot.NewSocketClient(testAppToken, testBotToken, nil, slack.OptionAPIURL(fake.apiURL()))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.bot.RunSocketMode(ctx, client) }()

	mention := eventBody(t, newEventID(), mentionEvent(reader, "acme corp", "1700000001.000100"))
	fake.sendEvent("env-mention", mention, 0)
	calls := e.web.Wait(t, "chat.postMessage", 1, 10*time.Second)
	reply := replyOf(t, calls[0])
	assert.Equal(t, testChannel, reply.Channel)
	assert.Equal(t, "1700000001.000100", reply.ThreadTS)
	assertGoldenReply(t, "mention_card", reply)

	// Redelivered envelope, and Slack's retry of the event in a new envelope:
	// acknowledged, not answered again.
	fake.sendEvent("env-mention", mention, 1)
	fake.sendEvent("env-mention-retry", mention, 2)

	fake.sendEvent("env-dm", eventBody(t, newEventID(), dmEvent(reader, "list acme", "1700000700.000200")), 0)
	fake.sendEvent("env-own", eventBody(t, newEventID(), dmEvent(botUser, "acme corp", "1700000700.000300")), 0)
	fake.sendEvent("env-offer", eventBody(t, newEventID(), mentionEvent(writer, "update acme corp phone=1", "1700000700.000400")), 0)
	fake.sendEvent("env-malformed", `{"type":"event_callback","event_id":"not an id!","event":{"type":"app_mention","user":"U0READER1","text":"acme","channel":"C0CHANNEL1","ts":"1.2"}}`, 0)
	e.web.Wait(t, "chat.postMessage", 3, 10*time.Second)

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		require.FailNow(t, "RunSocketMode did not return")
	}
	e.drain()
	calls = e.web.Calls("chat.postMessage")
	require.Len(t, calls, 3, "the mention once, the DM, the offer; not the bot's own message")
	byChannel := map[string][]postedReply{}
	for _, c := range calls {
		r := replyOf(t, c)
		byChannel[r.Channel] = append(byChannel[r.Channel], r)
	}
	require.Len(t, byChannel[testDM], 1)
	assert.Contains(t, byChannel[testDM][0].texts(t), "Acme Logistics")
	require.Len(t, byChannel[testChannel], 2)
	assert.Empty(t, writes(e.emu), "the offer wrote nothing")
}
