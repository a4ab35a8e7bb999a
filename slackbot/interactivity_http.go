package slackbot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
)

// InteractivityPath is where Slack posts buttons, menus, modal submissions and
// options loads (the manifest's interactivity request URL and options load URL).
const InteractivityPath = "/slack/interactivity"

// serveInteractivity answers one interactivity payload: signed like a command
// (401 otherwise, nothing run), bounded like a command's body, the JSON of its
// form field payload dispatched by [Bot.interact].
func (b *Bot) serveInteractivity(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	refuse := func(status int, result string, err error) {
		b.record(Outcome{Transport: "http", Subcommand: "interactivity", Result: result, Err: err, Latency: time.Since(start)})
		http.Error(w, http.StatusText(status), status)
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		refuse(http.StatusMethodNotAllowed, ResultInvalid, fmt.Errorf("method %s", r.Method))
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		refuse(http.StatusUnsupportedMediaType, ResultInvalid, errors.New("content type is not a form"))
		return
	}
	if !httpserver.LimitBody(w, r, MaxBodyBytes) {
		b.record(Outcome{Transport: "http", Subcommand: "interactivity", Result: ResultInvalid, Latency: time.Since(start),
			Err: fmt.Errorf("declared body of %d bytes is over %d", r.ContentLength, MaxBodyBytes)})
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			b.record(Outcome{Transport: "http", Subcommand: "interactivity", Result: ResultInvalid, Err: fmt.Errorf("body over %d bytes", MaxBodyBytes), Latency: time.Since(start)})
			httpserver.RefuseTooLarge(w, -1, MaxBodyBytes)
			return
		}
		refuse(http.StatusBadRequest, ResultInvalid, fmt.Errorf("read body: %w", err))
		return
	}
	if rf := b.verifyRequest(r.Context(), r.Header, body); rf != nil {
		if rf.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(rf.retryAfter.Round(time.Second)/time.Second)+1))
		}
		refuse(rf.status, rf.result, rf.err)
		return
	}
	cb, err := decodeInteraction(body)
	if err != nil {
		refuse(http.StatusBadRequest, ResultInvalid, err)
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
