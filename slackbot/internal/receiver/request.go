package receiver

import (
	"github.com/slack-go/slack"
)

// Kind is what a request from Slack is.
type Kind uint8

// The kinds of requests.
const (
	// Command is a slash command.
	Command Kind = iota + 1
	// Interaction is an interactivity payload: a block action, a view submission,
	// an options request.
	Interaction
	// Event is an Events API payload.
	Event
)

// Transports, as they appear in logs and outcomes.
const (
	HTTP   = "http"
	Socket = "socket"
)

// Request is one verified request from Slack, as the App sees it whatever the
// transport.
type Request struct {
	Kind Kind
	// Transport is HTTP or Socket.
	Transport string
	// Command is the slash command, for Kind Command.
	Command slack.SlashCommand
	// Interaction is the payload, for Kind Interaction.
	Interaction *slack.InteractionCallback
	// Event is the raw Events API payload, for Kind Event.
	Event []byte
	// Retry is Slack's retry number of an event (X-Slack-Retry-Num), for the log.
	Retry string
	// Gone closes when the transport can no longer answer inline (the HTTP client
	// went away); nil never closes.
	Gone <-chan struct{}
}

// Response is the App's acknowledgement of a request.
type Response struct {
	// Payload is the acknowledgement's body (HTTP) or payload (Socket Mode); nil
	// for an empty acknowledgement.
	Payload any
	// Status is 0 (or 200) for an acknowledgement. For an event, 503 asks Slack to
	// send it again (over Socket Mode: it is not acknowledged) and another status
	// refuses it (over Socket Mode: acknowledged, since it would fare no better).
	Status int
	// Fallback, when set, is the payload to acknowledge with instead when Socket
	// Mode cannot send Payload (Slack drops payloads of 20 KB or more).
	Fallback func(err error) any
}

// App is the application layer: it answers verified requests.
type App interface {
	// Serve answers req within Slack's 3-second budget (see [Ack]).
	Serve(req *Request) Response
	// Refused is told of a request refused before it reached Serve (req holds
	// what could be read of it) and returns the Socket Mode payload to
	// acknowledge with, or nil; over HTTP the refusal's status is the answer.
	Refused(req *Request, rf *Refusal) any
	// Panicked answers a request whose Serve panicked; the panic was logged.
	Panicked(req *Request, err error) Response
}
