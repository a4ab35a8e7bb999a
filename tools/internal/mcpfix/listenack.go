package mcpfix

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// mcp-go v1.2.1 can lose the acknowledgement of a subscriptions/listen over
// streamable HTTP: the handler queues notifications/subscriptions/acknowledged
// and, on a server that offers nothing to subscribe to, returns at once; the
// goroutine that forwards queued notifications to the response may take the
// acknowledgement off the queue and then find the request finished, and drops
// it. So over HTTP the answer to a subscriptions/listen waits (in the
// after-hook, before mcp-go writes the result) until something was written to
// the response, which can only be the acknowledgement, for at most
// listenAckWait. A request that does not accept an event stream gets no
// acknowledgement from mcp-go at all, and does not wait.

// listenAckWait bounds that wait.
const listenAckWait = 2 * time.Second

// firstWrite is closed when a response gets its first bytes.
type firstWrite struct {
	streams bool // the request accepts text/event-stream
	once    sync.Once
	ch      chan struct{}
}

func (f *firstWrite) done() { f.once.Do(func() { close(f.ch) }) }

// firstWriteKey is the context key of a request's *firstWrite.
type firstWriteKey struct{}

// watchFirstWrite returns r's context carrying a new firstWrite, and the
// firstWrite.
func watchFirstWrite(r *http.Request) (context.Context, *firstWrite) {
	fw := &firstWrite{ch: make(chan struct{}), streams: strings.Contains(r.Header.Get("Accept"), "text/event-stream")}
	return context.WithValue(r.Context(), firstWriteKey{}, fw), fw
}

// awaitListenAck is the after-hook of subscriptions/listen: over HTTP it waits
// until the acknowledgement was written (see above); elsewhere it returns at once.
func awaitListenAck(ctx context.Context, _ any, _ *mcp.SubscriptionsListenRequest, _ *mcp.SubscriptionsListenResult) {
	fw, ok := ctx.Value(firstWriteKey{}).(*firstWrite)
	if !ok || !fw.streams {
		return
	}
	t := time.NewTimer(listenAckWait)
	defer t.Stop()
	select {
	case <-fw.ch:
	case <-ctx.Done():
	case <-t.C:
	}
}
