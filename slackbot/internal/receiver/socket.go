package receiver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/internal/socketmode"
)

// Refusals of Socket Mode envelopes.
var (
	errRedelivered = errors.New("this Socket Mode envelope was already received: acknowledged, not run again")
	errSlowDown    = errors.New("this person sends envelopes faster than the per-user rate over Socket Mode: refused, nothing run")
)

// serve hands req to the App, recovering a panic: it is logged and answered.
func (rc *Receiver) serve(req *Request) (resp Response) {
	defer func() {
		if p := recover(); p != nil {
			err := recovered(rc.Log, kindName(req.Kind), p)
			resp = rc.App.Panicked(req, err)
		}
	}()
	return rc.App.Serve(req)
}

// kindName names a kind of request, for the log.
func kindName(k Kind) string {
	switch k {
	case Command:
		return "command"
	case Interaction:
		return "interaction"
	}
	return "event"
}

// socketRun is the state of one RunSocketMode.
type socketRun struct {
	rc        *Receiver
	jobs      *Jobs
	envelopes *envelopeStore
	users     *userRates
}

// RunSocketMode answers the slash commands, interactivity and events arriving
// over client's Socket Mode connection until ctx is done, acknowledging each
// envelope with the App's answer. Each envelope is served as background work of
// jobs (so it counts in their bound); redelivered envelopes and a person over
// the rate of limits are refused. It returns nil when ctx ends it, or the error
// that ended the connection for good (an app token Slack keeps refusing).
func (rc *Receiver) RunSocketMode(ctx context.Context, client *socketmode.Client, jobs *Jobs, limits SocketLimits) error {
	limits = limits.withDefaults()
	run := &socketRun{rc: rc, jobs: jobs,
		envelopes: newEnvelopeStore(limits.EnvelopeWindow, limits.MaxEnvelopes),
		users:     newUserRates(limits.UserRate, limits.UserBurst, limits.MaxUsers),
	}
	if err := client.Run(ctx, run.envelope); err != nil {
		return fmt.Errorf("slackbot: %w", err)
	}
	return nil
}

// envelope takes one envelope, on the connection's reading goroutine: it reads
// and checks it, then serves it in the background.
func (s *socketRun) envelope(env *socketmode.Envelope) {
	rc := s.rc
	req, user, rf := decodeEnvelope(env)
	if req == nil {
		rc.Log.Debug("socket mode: envelope of an unknown type; acknowledged", "type", env.Type)
		s.ack(env, Response{})
		return
	}
	if rf == nil && !s.users.allow(user, time.Now()) {
		rf = &Refusal{Status: http.StatusTooManyRequests, Result: outcome.RateLimited, Err: errSlowDown}
	}
	if rf == nil && req.Kind != Event && !s.envelopes.remember(env.ID, time.Now()) {
		rf = &Refusal{Status: http.StatusUnauthorized, Result: outcome.Replayed, Err: errRedelivered}
	}
	if rf != nil {
		s.ack(env, Response{Payload: rc.App.Refused(req, rf)})
		return
	}
	if err := s.jobs.Spawn("socket mode "+kindName(req.Kind), func(context.Context) { s.ack(env, rc.serve(req)) }, nil); err != nil {
		rf := &Refusal{Status: http.StatusServiceUnavailable, Result: outcome.Unavailable, Err: err}
		payload := rc.App.Refused(req, rf)
		if req.Kind != Event { // an event left unacknowledged is sent again
			s.ack(env, Response{Payload: payload})
		}
	}
}

// decodeEnvelope reads an envelope into a request, and the person who sent it
// (team and user), or a refusal with what could be read of it. The request is
// nil for an envelope of another type.
func decodeEnvelope(env *socketmode.Envelope) (*Request, string, *Refusal) {
	var req *Request
	switch env.Type {
	case "slash_commands":
		req = &Request{Kind: Command, Transport: Socket}
	case "interactive":
		req = &Request{Kind: Interaction, Transport: Socket}
	case "events_api":
		req = &Request{Kind: Event, Transport: Socket, Retry: strconv.Itoa(env.RetryAttempt)}
	default:
		return nil, "", nil
	}
	if len(env.Payload) > MaxBodyBytes {
		return req, "", &Refusal{Status: http.StatusRequestEntityTooLarge, Result: outcome.Invalid,
			Err: fmt.Errorf("envelope payload of %d bytes is over %d", len(env.Payload), MaxBodyBytes)}
	}
	switch req.Kind {
	case Command:
		if err := json.Unmarshal(env.Payload, &req.Command); err != nil {
			return req, "", BadRequest(fmt.Errorf("decode slash command: %w", err))
		}
		return req, req.Command.TeamID + "/" + req.Command.UserID, nil
	case Interaction:
		cb, err := DecodePayload(env.Payload)
		if err != nil {
			return req, "", BadRequest(err)
		}
		req.Interaction = cb
		return req, cb.Team.ID + "/" + cb.User.ID, nil
	}
	req.Event = env.Payload
	var who struct {
		TeamID string `json:"team_id"`
		Event  struct {
			User string `json:"user"`
		} `json:"event"`
	}
	if json.Unmarshal(env.Payload, &who) != nil || who.Event.User == "" {
		return req, "", nil
	}
	return req, who.TeamID + "/" + who.Event.User, nil
}

// ack acknowledges an envelope with resp, unless resp asks Slack to send it
// again (503). A payload Slack cannot take is replaced by resp.Fallback's.
func (s *socketRun) ack(env *socketmode.Envelope, resp Response) {
	if resp.Status == http.StatusServiceUnavailable {
		return
	}
	err := env.Ack(resp.Payload)
	if errors.Is(err, socketmode.ErrAckTooLarge) && resp.Fallback != nil {
		s.rc.Log.Warn("socket mode: the answer does not fit the acknowledgement", "error", err)
		err = env.Ack(resp.Fallback(err))
	}
	if err != nil {
		s.rc.Log.Error("socket mode: cannot acknowledge", "envelope_type", env.Type, "error", err)
	}
}
