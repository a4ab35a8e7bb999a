package settings

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
)

// Environment variables of the queue of an HTTP listener, read by [FromEnv].
const (
	EnvMaxQueue  = "GITSCRUM_MAX_QUEUE"
	EnvQueueWait = "GITSCRUM_QUEUE_WAIT"
)

// maxQueueWait bounds --queue-wait: a request that waits longer has been given
// up on by whoever sent it.
const maxQueueWait = 5 * time.Minute

// Queue bounds the requests an HTTP listener keeps waiting for a slot when all
// --max-in-flight are taken.
type Queue struct {
	// MaxQueue is how many requests wait at once (default
	// [httpserver.DefaultMaxQueue]); more are refused with 503 at once.
	MaxQueue int
	// QueueWait is how long a request waits before it is refused with 503
	// (default [httpserver.DefaultQueueWait]; a binary may set its own before
	// it registers the flags).
	QueueWait time.Duration
}

// queueFromEnv reads GITSCRUM_MAX_QUEUE and GITSCRUM_QUEUE_WAIT, with defaults.
func queueFromEnv(getenv func(string) string) (Queue, error) {
	q := Queue{MaxQueue: httpserver.DefaultMaxQueue, QueueWait: httpserver.DefaultQueueWait}
	if err := FromEnvVar(getenv, EnvMaxQueue, &q.MaxQueue, ParseBound); err != nil {
		return q, err
	}
	if err := FromEnvVar(getenv, EnvQueueWait, &q.QueueWait, ParseQueueWait); err != nil {
		return q, err
	}
	return q, nil
}

// registerFlags adds --max-queue and --queue-wait to fs, with the current
// values as defaults.
func (q *Queue) registerFlags(fs *flag.FlagSet) {
	BoundVar(fs, &q.MaxQueue, "max-queue",
		"HTTP: when every --max-in-flight slot is taken, keep at most `n` requests waiting for one; more get 503 with Retry-After at once (env "+EnvMaxQueue+")")
	fs.Var(&durationValue{p: &q.QueueWait, parse: ParseQueueWait}, "queue-wait",
		"HTTP: how long a request waits for a slot, a `duration` such as 10s, before it gets 503 with Retry-After (env "+EnvQueueWait+")")
}

// ParseQueueWait reads a queue wait: a Go duration from 1ms to 5m.
func ParseQueueWait(v string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < time.Millisecond || d > maxQueueWait {
		return 0, fmt.Errorf("want a duration from 1ms to %s, such as 10s", maxQueueWait)
	}
	return d, nil
}
