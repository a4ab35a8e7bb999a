package slackbot

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/slack-go/slack"
)

// InteractivityPath is where Slack posts buttons, menus, modal submissions and
// options loads (the manifest's interactivity request URL and options load URL).
const InteractivityPath = "/slack/interactivity"

// serveInteractivity answers one interactivity payload: signed like a command
// (401 otherwise, nothing run), bounded like a command's body, the JSON of its
// form field payload dispatched by [Bot.interact].
func (b *Bot) serveInteractivity(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	refuse := func(rf *refusal) {
		b.record(Outcome{Transport: "http", Subcommand: "interactivity", Result: rf.result, Err: rf.err, Latency: time.Since(start)})
		rf.write(w)
	}
	body, rf := readBody(w, r, "application/x-www-form-urlencoded")
	if rf == nil {
		rf = b.verifyRequest(r.Context(), r.Header, body)
	}
	if rf != nil {
		refuse(rf)
		return
	}
	cb, err := decodeInteraction(body)
	if err != nil {
		refuse(badRequest(err))
		return
	}
	ack := b.interact("http", cb)
	if ack == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, http.StatusOK, ack)
}

// decodeInteraction reads the form body of an interactivity request: its field
// payload, the JSON of an interaction.
func decodeInteraction(body []byte) (*slack.InteractionCallback, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("parse body: %w", err)
	}
	payload := form.Get("payload")
	if payload == "" {
		return nil, errors.New("interactivity request without a payload")
	}
	return decodePayload([]byte(payload))
}

// decodePayload reads the JSON of an interaction, as both transports get it.
func decodePayload(payload []byte) (*slack.InteractionCallback, error) {
	var cb slack.InteractionCallback
	if err := json.Unmarshal(payload, &cb); err != nil {
		return nil, fmt.Errorf("decode interaction payload: %w", err)
	}
	if cb.Type == "" {
		return nil, errors.New("decode interaction payload: no type")
	}
	return &cb, nil
}
