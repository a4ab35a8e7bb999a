package socketmode

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrAckTooLarge refuses an acknowledgement Slack would drop: MaxAckBytes or more.
var ErrAckTooLarge = errors.New("socket mode: acknowledgement too large")

// Envelope is one request from Slack over Socket Mode.
type Envelope struct {
	// ID is the envelope_id that acknowledges it.
	ID string
	// Type is slash_commands, interactive or events_api.
	Type string
	// Payload is the request itself, as Slack sent it.
	Payload json.RawMessage
	// AcceptsResponsePayload says whether the acknowledgement may carry an answer.
	AcceptsResponsePayload bool
	// RetryAttempt and RetryReason say how often and why Slack sent it again.
	RetryAttempt int
	RetryReason  string

	conn *conn
}

// ack is an acknowledgement on the wire.
type ack struct {
	EnvelopeID string `json:"envelope_id"`
	Payload    any    `json:"payload,omitempty"`
}

// Ack acknowledges the envelope on the connection it came on, with payload
// (nil for none). It fails with [ErrAckTooLarge], writing nothing, when the
// acknowledgement would be too large for Slack, and when the connection failed.
func (e *Envelope) Ack(payload any) error {
	data, err := json.Marshal(ack{EnvelopeID: e.ID, Payload: payload})
	if err != nil {
		return fmt.Errorf("socket mode: encode the acknowledgement: %w", err)
	}
	if len(data) >= MaxAckBytes {
		return fmt.Errorf("%w: %d bytes, Slack drops %d or more", ErrAckTooLarge, len(data), MaxAckBytes)
	}
	return e.conn.write(data)
}
