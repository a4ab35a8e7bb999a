package slackbot

import (
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/internal/receiver"
)

// Replay protection lives in the receiver layer; these names keep it part of the
// package's API.
const (
	// SignatureWindow is how far a request's timestamp may be from now, either way,
	// for its signature to be accepted (Slack's rule, enforced by slack-go).
	SignatureWindow = receiver.SignatureWindow
	// DefaultReplayCapacity is how many accepted signatures [NewMemoryReplayStore]
	// remembers by default.
	DefaultReplayCapacity = receiver.DefaultReplayCapacity
)

// ErrReplayStoreFull is returned by [MemoryReplayStore.Remember] when it holds as
// many unexpired entries as it may; the bot then refuses the request (503 with a
// Retry-After) rather than forget an entry that could then be replayed.
var ErrReplayStoreFull = receiver.ErrReplayStoreFull

// ReplayStore remembers the requests a Bot accepted, to refuse them a second
// time; replicas behind one load balancer must share it. See
// [receiver.ReplayStore].
type ReplayStore = receiver.ReplayStore

// MemoryReplayStore is a [ReplayStore] in the process's memory, bounded in
// entries. It is safe for concurrent use.
type MemoryReplayStore = receiver.MemoryReplayStore

// NewMemoryReplayStore returns a store of at most max unexpired entries;
// max <= 0 means [DefaultReplayCapacity].
func NewMemoryReplayStore(max int) *MemoryReplayStore { return receiver.NewMemoryReplayStore(max) }
