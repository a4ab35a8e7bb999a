package slackbot

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
)

// HTTP endpoints of [Bot.Handler].
const (
	// CommandsPath is where Slack posts the slash command (the manifest's URL).
	CommandsPath = "/slack/commands"
	// HealthPath answers GET with 200 while the process runs.
	HealthPath = "/healthz"
	// MaxBodyBytes is the largest command body accepted; a larger one gets 413, at
	// once when its Content-Length says so, before any of it is read. Slack's own
	// bodies are a few KiB.
	MaxBodyBytes = 64 << 10
)

// errNoSigningSecret refuses every request of a Bot without a signing secret.
var errNoSigningSecret = errors.New("no signing secret configured")

// Handler returns the HTTP handler of the bot: POST CommandsPath for the slash
// command, POST InteractivityPath for buttons, menus and modals (signed and
// bounded the same way), POST EventsPath for the Events API (mentions and DMs,
// answered through the Web API with Config.BotToken) and GET HealthPath. Metrics
// or other routes belong here too.
//
// Every command must carry Slack's signature (v0, HMAC-SHA256 with
// Config.SigningSecret) and a timestamp within 5 minutes of now, either way, and
// must not have been received before: a signature already accepted within its
// window is a replay. Anything else gets 401 before GitScrum is called (503 with a
// Retry-After when Config.ReplayStore cannot record the request). Without a
// signing secret every command gets 401. Slack's unsigned ssl_check is answered 200. A body over
// MaxBodyBytes gets 413 (before it is read when its Content-Length says so),
// another method than POST 405, another content type 415.
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(CommandsPath, b.serveCommand)
	mux.HandleFunc(InteractivityPath, b.serveInteractivity)
	mux.HandleFunc(EventsPath, b.serveEvents)
	mux.HandleFunc(HealthPath, serveHealth)
	return mux
}

// serveCommand answers one slash command request.
func (b *Bot) serveCommand(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	refuse := func(rf *refusal) {
		b.record(Outcome{Transport: "http", Result: rf.result, Err: rf.err, Latency: time.Since(start)})
		rf.write(w)
	}
	body, rf := readBody(w, r, "application/x-www-form-urlencoded")
	if rf != nil {
		refuse(rf)
		return
	}
	form, formErr := url.ParseQuery(string(body))
	if formErr == nil && form.Get("ssl_check") == "1" {
		// Slack checks the certificate with an unsigned request; it runs nothing.
		w.WriteHeader(http.StatusOK)
		return
	}
	if rf := b.verifyRequest(r.Context(), r.Header, body); rf != nil {
		refuse(rf)
		return
	}
	if formErr != nil {
		refuse(badRequest(fmt.Errorf("parse body: %w", formErr)))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sc, err := slack.SlashCommandParse(r)
	if err != nil {
		refuse(badRequest(fmt.Errorf("parse slash command: %w", err)))
		return
	}
	msg := b.dispatch("http", sc, r.Context().Done())
	if msg == nil { // answered another way, such as a modal opened
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, http.StatusOK, msg)
}

// readBody reads the body of a request to one of the bot's Slack endpoints: POST
// only (else 405), of media type mediaType (else 415), at most MaxBodyBytes (else
// 413, refused from its Content-Length before it is read when that says so). It
// returns the body, or the refusal to answer with; nothing is verified yet.
func readBody(w http.ResponseWriter, r *http.Request, mediaType string) ([]byte, *refusal) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return nil, &refusal{status: http.StatusMethodNotAllowed, result: ResultInvalid, err: fmt.Errorf("method %s", r.Method)}
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != mediaType {
		return nil, &refusal{status: http.StatusUnsupportedMediaType, result: ResultInvalid, err: fmt.Errorf("content type is not %s", mediaType)}
	}
	if !httpserver.LimitBody(w, r, MaxBodyBytes) {
		return nil, &refusal{status: http.StatusRequestEntityTooLarge, result: ResultInvalid, answered: true,
			err: fmt.Errorf("declared body of %d bytes is over %d", r.ContentLength, MaxBodyBytes)}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &refusal{status: http.StatusRequestEntityTooLarge, result: ResultInvalid, err: fmt.Errorf("body over %d bytes", MaxBodyBytes)}
		}
		return nil, badRequest(fmt.Errorf("read body: %w", err))
	}
	return body, nil
}

// badRequest is the refusal of a request that cannot be read.
func badRequest(err error) *refusal {
	return &refusal{status: http.StatusBadRequest, result: ResultInvalid, err: err}
}

// write answers the refusal: 413 with the body bound, a 503 with Retry-After, any
// other status with its text; nothing when it was answered already.
func (rf *refusal) write(w http.ResponseWriter) {
	switch {
	case rf.answered:
		return
	case rf.status == http.StatusRequestEntityTooLarge:
		httpserver.RefuseTooLarge(w, -1, MaxBodyBytes)
		return
	case rf.retryAfter > 0:
		w.Header().Set("Retry-After", strconv.Itoa(int(rf.retryAfter.Round(time.Second)/time.Second)+1))
	}
	http.Error(w, http.StatusText(rf.status), rf.status)
}

// refusal is why a signed request was refused, and how to answer it.
type refusal struct {
	status     int
	result     string
	err        error
	retryAfter time.Duration // for a 503
	answered   bool          // the answer was written already (a 413 from Content-Length)
}

// errReplayed refuses a signed request whose signature was accepted before.
var errReplayed = errors.New("this signed request was already received: refused as a replay")

// verifyRequest is the verification step of every signed endpoint: the signature
// over the body and timestamp ([Bot.verify]), then that the same signature was not
// accepted before within its validity window (Config.ReplayStore). A request it
// refuses must not run anything.
func (b *Bot) verifyRequest(ctx context.Context, h http.Header, body []byte) *refusal {
	if err := b.verify(h, body); err != nil {
		return &refusal{status: http.StatusUnauthorized, result: ResultUnauthorized, err: err}
	}
	key, until, err := replayKey(h)
	if err != nil {
		return &refusal{status: http.StatusUnauthorized, result: ResultUnauthorized, err: err}
	}
	first, err := b.cfg.ReplayStore.Remember(ctx, key, until)
	switch {
	case err != nil:
		rf := &refusal{status: http.StatusServiceUnavailable, result: ResultUnavailable, err: fmt.Errorf("replay check: %w", err)}
		if m, ok := b.cfg.ReplayStore.(*MemoryReplayStore); ok {
			rf.retryAfter = m.RetryAfter()
		}
		return rf
	case !first:
		return &refusal{status: http.StatusUnauthorized, result: ResultReplayed, err: errReplayed}
	}
	return nil
}

// replayKey returns the key under which a verified request is remembered, and
// until when. The key is the signature in canonical form (lower-case hex, which
// slack-go's check does not require), so the same request with its signature
// spelt in upper case is the same key; the signature covers the timestamp and the
// body. It is remembered until its timestamp leaves the window, plus a second.
func replayKey(h http.Header) (string, time.Time, error) {
	hexSig, ok := strings.CutPrefix(h.Get("X-Slack-Signature"), "v0=")
	sig, err := hex.DecodeString(hexSig)
	if !ok || err != nil {
		return "", time.Time{}, errors.New("verify signature: malformed X-Slack-Signature")
	}
	ts, err := strconv.ParseInt(h.Get("X-Slack-Request-Timestamp"), 10, 64)
	if err != nil {
		return "", time.Time{}, errors.New("verify signature: malformed X-Slack-Request-Timestamp")
	}
	return "slack-signature:v0=" + hex.EncodeToString(sig), time.Unix(ts, 0).Add(SignatureWindow + time.Second), nil
}

// verify checks Slack's signature of body with slack-go's verifier, which also
// refuses a timestamp more than 5 minutes away from now in either direction.
func (b *Bot) verify(h http.Header, body []byte) error {
	if b.cfg.SigningSecret == "" {
		return errNoSigningSecret
	}
	sv, err := slack.NewSecretsVerifier(h, b.cfg.SigningSecret)
	if err != nil {
		return fmt.Errorf("verify signature: %w", err)
	}
	if _, err := sv.Write(body); err != nil {
		return fmt.Errorf("verify signature: %w", err)
	}
	if err := sv.Ensure(); err != nil {
		return fmt.Errorf("verify signature: %w", err)
	}
	return nil
}

// serveHealth answers GET and HEAD with 200.
func serveHealth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "cannot encode the answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
