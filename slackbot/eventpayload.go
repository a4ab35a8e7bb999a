package slackbot

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"unicode/utf8"
)

// Types of the Events API's outer payload.
const (
	eventURLVerification = "url_verification"
	eventCallback        = "event_callback"
	eventAppRateLimited  = "app_rate_limited"
)

// Bounds of a decoded event. Slack's own values are far shorter; anything longer
// is refused before it reaches a listener.
const (
	// maxEventText is the most characters of a message's text: Slack's limit for a
	// message.
	maxEventText = 40_000
	// maxEventID bounds ids, timestamps and types.
	maxEventID = 255
)

// eventEnvelope is what Slack posts to the Events API (and sends over Socket Mode
// in an events_api envelope): a url_verification challenge, or an event_callback
// wrapping one event.
type eventEnvelope struct {
	// Type is url_verification, event_callback or app_rate_limited.
	Type string `json:"type"`
	// Challenge is the string to answer a url_verification with.
	Challenge string `json:"challenge"`
	// TeamID is the workspace the event happened in.
	TeamID string `json:"team_id"`
	// EventID identifies the event: Slack's retries of it carry the same id.
	EventID string `json:"event_id"`
	// Authorizations name the installations the event is for; its user_id is the
	// bot's own user.
	Authorizations []eventAuthorization `json:"authorizations"`
	// Raw is the inner event, decoded by [decodeEvent] into Event.
	Raw json.RawMessage `json:"event"`
	// Event is the inner event.
	Event slackEvent `json:"-"`
}

// eventAuthorization is one installation an event is delivered for.
type eventAuthorization struct {
	UserID string `json:"user_id"`
	IsBot  bool   `json:"is_bot"`
}

// slackEvent is the inner event, with the fields the listeners read. Other events
// (whose fields may have other shapes) keep only their Type.
type slackEvent struct {
	// Type routes the event: app_mention, message, app_home_opened, …
	Type string `json:"type"`
	// Subtype marks a message that is not a plain one from a person: bot_message,
	// message_changed, message_deleted, channel_join, …
	Subtype string `json:"subtype"`
	// User is the author; BotID is set for messages of bots (this one included).
	User  string `json:"user"`
	BotID string `json:"bot_id"`
	// Text is the message, escaped as Slack escapes it (&amp;, &lt;, &gt;), with
	// mentions and links in angle brackets.
	Text string `json:"text"`
	// Channel is where the message was posted; ChannelType is "im" for a DM.
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	// TS is the message's timestamp; ThreadTS that of its thread's parent.
	TS       string `json:"ts"`
	ThreadTS string `json:"thread_ts"`
	// Edited is set on an edited message.
	Edited json.RawMessage `json:"edited"`
	// Tab is the tab of the App Home an app_home_opened is about: "home" or
	// "messages".
	Tab string `json:"tab"`
}

// eventTypeOnly reads the type of an inner event whose other fields are not read.
type eventTypeOnly struct {
	Type string `json:"type"`
}

// idPattern is the form of Slack's ids and timestamps.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9._-]*$`)

// decodeEvent reads an Events API payload: the envelope, then the inner event
// when its type is one the bot listens to (listens says). It refuses what Slack never sends:
// invalid JSON, ids that are not ids, text over Slack's limit.
func decodeEvent(body []byte, listens func(eventType string) bool) (*eventEnvelope, error) {
	var env eventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("decode event payload: %w", err)
	}
	if env.Type == "" {
		return nil, errors.New("decode event payload: no type")
	}
	for name, v := range map[string]string{"type": env.Type, "team_id": env.TeamID, "event_id": env.EventID} {
		if len(v) > maxEventID || !idPattern.MatchString(v) {
			return nil, fmt.Errorf("decode event payload: malformed %s", name)
		}
	}
	if len(env.Challenge) > maxEventID {
		return nil, errors.New("decode event payload: challenge too long")
	}
	if env.Type != eventCallback {
		return &env, nil
	}
	if env.EventID == "" {
		return nil, errors.New("decode event payload: event_callback without event_id")
	}
	var head eventTypeOnly
	if err := json.Unmarshal(env.Raw, &head); err != nil {
		return nil, fmt.Errorf("decode event payload: event: %w", err)
	}
	if head.Type == "" || len(head.Type) > maxEventID || !idPattern.MatchString(head.Type) {
		return nil, errors.New("decode event payload: event without a type")
	}
	if !listens(head.Type) {
		env.Event = slackEvent{Type: head.Type}
		return &env, nil
	}
	if err := json.Unmarshal(env.Raw, &env.Event); err != nil {
		return nil, fmt.Errorf("decode event payload: %s event: %w", head.Type, err)
	}
	ev := &env.Event
	for name, v := range map[string]string{"subtype": ev.Subtype, "user": ev.User, "bot_id": ev.BotID,
		"channel": ev.Channel, "channel_type": ev.ChannelType, "ts": ev.TS, "thread_ts": ev.ThreadTS, "tab": ev.Tab} {
		if len(v) > maxEventID || !idPattern.MatchString(v) {
			return nil, fmt.Errorf("decode event payload: malformed %s", name)
		}
	}
	if !utf8.ValidString(ev.Text) || utf8.RuneCountInString(ev.Text) > maxEventText {
		return nil, fmt.Errorf("decode event payload: text is not valid UTF-8 of at most %d characters", maxEventText)
	}
	return &env, nil
}

// botUserID returns the bot's own user id, from the event's authorizations, or "".
func (env *eventEnvelope) botUserID() string {
	for _, a := range env.Authorizations {
		if a.IsBot {
			return a.UserID
		}
	}
	return ""
}
