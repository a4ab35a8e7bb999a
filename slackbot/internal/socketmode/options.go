package socketmode

import (
	"time"

	"github.com/gorilla/websocket"
)

// Defaults of [Options].
const (
	// DefaultReadLimit bounds one message from Slack. Slack's envelopes are a few
	// KiB; a larger message closes the connection.
	DefaultReadLimit = 1 << 20
	// DefaultWriteTimeout bounds one write (an acknowledgement, a ping, a pong).
	DefaultWriteTimeout = 5 * time.Second
	// DefaultPingInterval is how often the connection pings Slack.
	DefaultPingInterval = 10 * time.Second
	// DefaultPongTimeout is how long the connection stays open without a pong or
	// any other frame from Slack.
	DefaultPongTimeout = 30 * time.Second
	// DefaultMessageTimeout bounds the reading of one message once its first
	// frame arrived.
	DefaultMessageTimeout = 10 * time.Second
	// DefaultMinBackoff is the first wait before connecting again.
	DefaultMinBackoff = time.Second
	// DefaultMaxBackoff is the longest wait before connecting again.
	DefaultMaxBackoff = time.Minute
	// DefaultStableAfter is how long a connection must stay up for the backoff
	// to start again from its first step.
	DefaultStableAfter = 30 * time.Second
	// DefaultMaxAuthFailures is how many refusals of the app token in a row end
	// [Client.Run].
	DefaultMaxAuthFailures = 3
	// DefaultOpenTimeout bounds one apps.connections.open call and one WebSocket
	// handshake.
	DefaultOpenTimeout = 10 * time.Second
	// MaxAckBytes is the largest acknowledgement Slack takes: it silently drops
	// one of 20 KB or more.
	MaxAckBytes = 20 * 1024
)

// Options bound a [Client]; a zero field takes its default.
type Options struct {
	// ReadLimit bounds one message, in bytes (DefaultReadLimit).
	ReadLimit int64
	// WriteTimeout bounds one write (DefaultWriteTimeout).
	WriteTimeout time.Duration
	// PingInterval is how often Slack is pinged (DefaultPingInterval).
	PingInterval time.Duration
	// PongTimeout closes a connection that sent no pong, and no frame at all,
	// for this long (DefaultPongTimeout).
	PongTimeout time.Duration
	// MessageTimeout bounds a message's reading once begun (DefaultMessageTimeout).
	MessageTimeout time.Duration
	// MinBackoff and MaxBackoff bound the wait before connecting again
	// (DefaultMinBackoff, DefaultMaxBackoff).
	MinBackoff, MaxBackoff time.Duration
	// StableAfter is how long a connection must last to reset the backoff
	// (DefaultStableAfter).
	StableAfter time.Duration
	// MaxAuthFailures is how many refusals of the app token in a row end Run
	// (DefaultMaxAuthFailures).
	MaxAuthFailures int
	// OpenTimeout bounds apps.connections.open and the handshake (DefaultOpenTimeout).
	OpenTimeout time.Duration
	// Dialer dials the WebSocket; nil is one with the proxy from the environment.
	Dialer *websocket.Dialer
}

// withDefaults returns o with its zero fields set to their defaults.
func (o Options) withDefaults() Options {
	set := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	if o.ReadLimit <= 0 {
		o.ReadLimit = DefaultReadLimit
	}
	set(&o.WriteTimeout, DefaultWriteTimeout)
	set(&o.PingInterval, DefaultPingInterval)
	set(&o.PongTimeout, DefaultPongTimeout)
	set(&o.MessageTimeout, DefaultMessageTimeout)
	set(&o.MinBackoff, DefaultMinBackoff)
	set(&o.MaxBackoff, DefaultMaxBackoff)
	o.MaxBackoff = max(o.MaxBackoff, o.MinBackoff)
	set(&o.StableAfter, DefaultStableAfter)
	set(&o.OpenTimeout, DefaultOpenTimeout)
	if o.MaxAuthFailures <= 0 {
		o.MaxAuthFailures = DefaultMaxAuthFailures
	}
	if o.Dialer == nil {
		d := *websocket.DefaultDialer
		o.Dialer = &d
	}
	return o
}
