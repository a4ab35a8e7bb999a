package receiver

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
)

// MaxBodyBytes is the largest request body accepted; a larger one gets 413, at
// once when its Content-Length says so, before any of it is read. Slack's own
// bodies are a few KiB.
const MaxBodyBytes = 64 << 10

// Receiver takes Slack's requests over HTTP and Socket Mode, verifies them and
// hands them to App. Its fields must be set before it serves.
type Receiver struct {
	// App answers the verified requests.
	App App
	// SigningSecret verifies HTTP requests; without it every one is refused.
	SigningSecret string
	// Store remembers accepted signatures and Socket Mode envelopes.
	Store ReplayStore
	// Log receives transport events and recovered panics.
	Log *slog.Logger
	// Ctx bounds the receiver's calls to Store for Socket Mode envelopes.
	Ctx context.Context
}

// Refusal is why a request was refused before the App saw it, and how to answer.
type Refusal struct {
	// Status is the HTTP status to answer with.
	Status int
	// Result is the outcome word.
	Result string
	// Err says why.
	Err error
	// RetryAfter is set for a 503 that may be retried after it.
	RetryAfter time.Duration
	answered   bool // the answer was written already (a 413 from Content-Length)
}

// BadRequest is the refusal of a request that cannot be read.
func BadRequest(err error) *Refusal {
	return &Refusal{Status: http.StatusBadRequest, Result: outcome.Invalid, Err: err}
}

// write answers the refusal: 413 with the body bound, a 503 with Retry-After, any
// other status with its text; nothing when it was answered already.
func (rf *Refusal) write(w http.ResponseWriter) {
	switch {
	case rf.answered:
		return
	case rf.Status == http.StatusRequestEntityTooLarge:
		httpserver.RefuseTooLarge(w, -1, MaxBodyBytes)
		return
	case rf.RetryAfter > 0:
		w.Header().Set("Retry-After", strconv.Itoa(int(rf.RetryAfter.Round(time.Second)/time.Second)+1))
	}
	http.Error(w, http.StatusText(rf.Status), rf.Status)
}

// Errors of refused requests.
var (
	errNoSigningSecret = errors.New("no signing secret configured")
	errReplayed        = errors.New("this signed request was already received: refused as a replay")
)

// ServeCommands answers one slash command request: ssl_check unsigned, anything
// else signed, not replayed, a form of at most MaxBodyBytes.
func (rc *Receiver) ServeCommands(w http.ResponseWriter, r *http.Request) {
	req := &Request{Kind: Command, Transport: HTTP, Gone: r.Context().Done()}
	body, rf := readBody(w, r, "application/x-www-form-urlencoded")
	if rf != nil {
		rc.refuse(w, req, rf)
		return
	}
	form, formErr := url.ParseQuery(string(body))
	if formErr == nil && form.Get("ssl_check") == "1" {
		// Slack checks the certificate with an unsigned request; it runs nothing.
		w.WriteHeader(http.StatusOK)
		return
	}
	if rf := rc.verify(r.Context(), r.Header, body); rf != nil {
		rc.refuse(w, req, rf)
		return
	}
	if formErr != nil {
		rc.refuse(w, req, BadRequest(fmt.Errorf("parse body: %w", formErr)))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sc, err := slack.SlashCommandParse(r)
	if err != nil {
		rc.refuse(w, req, BadRequest(fmt.Errorf("parse slash command: %w", err)))
		return
	}
	req.Command = sc
	rc.write(w, rc.serve(req))
}

// ServeInteractivity answers one interactivity request: signed like a command,
// bounded like a command's body, the JSON of its form field payload.
func (rc *Receiver) ServeInteractivity(w http.ResponseWriter, r *http.Request) {
	req := &Request{Kind: Interaction, Transport: HTTP, Gone: r.Context().Done()}
	body, rf := readBody(w, r, "application/x-www-form-urlencoded")
	if rf == nil {
		rf = rc.verify(r.Context(), r.Header, body)
	}
	if rf != nil {
		rc.refuse(w, req, rf)
		return
	}
	cb, err := decodeInteraction(body)
	if err != nil {
		rc.refuse(w, req, BadRequest(err))
		return
	}
	req.Interaction = cb
	rc.write(w, rc.serve(req))
}

// ServeEvents answers one Events API request, signed like a command, its JSON
// body handed to the App as it is.
func (rc *Receiver) ServeEvents(w http.ResponseWriter, r *http.Request) {
	req := &Request{Kind: Event, Transport: HTTP, Retry: r.Header.Get("X-Slack-Retry-Num"), Gone: r.Context().Done()}
	body, rf := readBody(w, r, "application/json")
	if rf == nil {
		rf = rc.verify(r.Context(), r.Header, body)
	}
	if rf != nil {
		rc.refuse(w, req, rf)
		return
	}
	req.Event = body
	rc.write(w, rc.serve(req))
}

// refuse tells the App of a refused request and answers it.
func (rc *Receiver) refuse(w http.ResponseWriter, req *Request, rf *Refusal) {
	rc.App.Refused(req, rf)
	rf.write(w)
}

// write answers resp over HTTP.
func (rc *Receiver) write(w http.ResponseWriter, resp Response) {
	switch {
	case resp.Status != 0 && resp.Status != http.StatusOK:
		if resp.Status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
		http.Error(w, http.StatusText(resp.Status), resp.Status)
	case resp.Payload == nil:
		w.WriteHeader(http.StatusOK)
	default:
		httpserver.WriteJSON(w, http.StatusOK, resp.Payload)
	}
}

// readBody reads the body of a request to one of the Slack endpoints: POST only
// (else 405), of media type mediaType (else 415), at most MaxBodyBytes (else
// 413, refused from its Content-Length before it is read when that says so).
func readBody(w http.ResponseWriter, r *http.Request, mediaType string) ([]byte, *Refusal) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return nil, &Refusal{Status: http.StatusMethodNotAllowed, Result: outcome.Invalid, Err: fmt.Errorf("method %s", r.Method)}
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != mediaType {
		return nil, &Refusal{Status: http.StatusUnsupportedMediaType, Result: outcome.Invalid, Err: fmt.Errorf("content type is not %s", mediaType)}
	}
	if !httpserver.LimitBody(w, r, MaxBodyBytes) {
		return nil, &Refusal{Status: http.StatusRequestEntityTooLarge, Result: outcome.Invalid, answered: true,
			Err: fmt.Errorf("declared body of %d bytes is over %d", r.ContentLength, MaxBodyBytes)}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &Refusal{Status: http.StatusRequestEntityTooLarge, Result: outcome.Invalid, Err: fmt.Errorf("body over %d bytes", MaxBodyBytes)}
		}
		return nil, BadRequest(fmt.Errorf("read body: %w", err))
	}
	return body, nil
}

// verify is the verification step of every signed endpoint: the signature over
// the body and timestamp, then that the same signature was not accepted before
// within its validity window (Store). A request it refuses must not run anything.
func (rc *Receiver) verify(ctx context.Context, h http.Header, body []byte) *Refusal {
	if err := checkSignature(rc.SigningSecret, h, body); err != nil {
		return &Refusal{Status: http.StatusUnauthorized, Result: outcome.Unauthorized, Err: err}
	}
	key, until, err := replayKey(h)
	if err != nil {
		return &Refusal{Status: http.StatusUnauthorized, Result: outcome.Unauthorized, Err: err}
	}
	first, err := rc.Store.Remember(ctx, key, until)
	switch {
	case err != nil:
		rf := &Refusal{Status: http.StatusServiceUnavailable, Result: outcome.Unavailable, Err: fmt.Errorf("replay check: %w", err)}
		if m, ok := rc.Store.(*MemoryReplayStore); ok {
			rf.RetryAfter = m.RetryAfter()
		}
		return rf
	case !first:
		return &Refusal{Status: http.StatusUnauthorized, Result: outcome.Replayed, Err: errReplayed}
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

// checkSignature checks Slack's signature of body with slack-go's verifier,
// which also refuses a timestamp more than 5 minutes away from now.
func checkSignature(secret string, h http.Header, body []byte) error {
	if secret == "" {
		return errNoSigningSecret
	}
	sv, err := slack.NewSecretsVerifier(h, secret)
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
	return DecodePayload([]byte(payload))
}

// DecodePayload reads the JSON of an interaction, as both transports get it.
func DecodePayload(payload []byte) (*slack.InteractionCallback, error) {
	var cb slack.InteractionCallback
	if err := json.Unmarshal(payload, &cb); err != nil {
		return nil, fmt.Errorf("decode interaction payload: %w", err)
	}
	if cb.Type == "" {
		return nil, errors.New("decode interaction payload: no type")
	}
	return &cb, nil
}
