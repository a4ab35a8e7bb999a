package slackbot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConversationText: the leading mention of the bot goes, Slack's links go
// back to what was typed, and the text stays escaped as a slash command's.
func TestConversationText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{in: "<@U0GITSCRUM> acme corp", want: "acme corp"},
		{in: "<@U0GITSCRUM|gitscrum>: help", want: "help"},
		{in: "  <@W0GITSCRUM>,  list acme ", want: "list acme"},
		{in: "<@U0GITSCRUM>", want: ""},
		{in: "globex", want: "globex"},
		{in: "<@U0GITSCRUM> <mailto:billing@acme.co|billing@acme.co>", want: "billing@acme.co"},
		{in: "<@U0GITSCRUM> <https://acme.co|acme.co>", want: "acme.co"},
		{in: "<@U0GITSCRUM> <https://acme.co/about>", want: "https://acme.co/about"},
		{in: "<@U0GITSCRUM> Smith &amp; Sons", want: "Smith &amp; Sons"},
		{in: "acme <@U0OTHER01>", want: "acme <@U0OTHER01>"},
		{in: "<@U0GITSCRUM> <@U0GITSCRUM> help", want: "<@U0GITSCRUM> help"},
	} {
		assert.Equal(t, tc.want, conversationText(tc.in), tc.in)
	}
}

// FuzzDecodeEvent: the Events API decoder never panics, and what it accepts is
// within its bounds: a type, an event_id for every event_callback, ids of Slack's
// form and text of valid UTF-8 within Slack's limit.
func FuzzDecodeEvent(f *testing.F) {
	for _, seed := range []string{
		`{"type":"url_verification","challenge":"abc","token":"x"}`,
		`{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"app_mention","user":"U1","text":"<@U2> acme","ts":"1.2","channel":"C1"},"authorizations":[{"user_id":"U2","is_bot":true}]}`,
		`{"type":"event_callback","event_id":"Ev2","event":{"type":"message","channel_type":"im","user":"U1","text":"help","ts":"1.2","channel":"D1","edited":{"ts":"1.3"}}}`,
		`{"type":"event_callback","event_id":"Ev3","event":{"type":"message","subtype":"message_changed","message":{"text":"x"}}}`,
		`{"type":"event_callback","event_id":"Ev4","event":{"type":"user_change","user":{"id":"U1"}}}`,
		`{"type":"app_rate_limited","minute_rate_limited":1518467820}`,
		`{"type":"event_callback","event":{"type":"app_mention"}}`,
		`{"type":"event_callback","event_id":"Ev5","event":{"type":"app_mention","user":["x"]}}`,
		`{}`, `null`, `[]`, `{"type":"event_callback","event_id":"Ev6","event":null}`,
	} {
		f.Add([]byte(seed))
	}
	listens := newRouter(&Bot{}).listens
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := decodeEvent(body, listens)
		if err != nil {
			require.Nil(t, env)
			return
		}
		require.NotEmpty(t, env.Type)
		if env.Type == eventCallback {
			require.NotEmpty(t, env.EventID)
			require.NotEmpty(t, env.Event.Type)
		}
		ev := env.Event
		for _, id := range []string{env.TeamID, env.EventID, ev.Type, ev.Subtype, ev.User, ev.BotID, ev.Channel, ev.ChannelType, ev.TS, ev.ThreadTS} {
			require.LessOrEqual(t, len(id), maxEventID)
			require.True(t, idPattern.MatchString(id), id)
		}
		require.True(t, utf8.ValidString(ev.Text))
		require.LessOrEqual(t, utf8.RuneCountInString(ev.Text), maxEventText)
		text := conversationText(ev.Text)
		require.Equal(t, strings.TrimSpace(text), text)
		require.LessOrEqual(t, len(text), len(ev.Text))
	})
}
