package gitscrum

import "context"

// DefaultMaxUpstream is how many requests a [Client] and its [Client.WithToken]
// copies have in flight to GitScrum at once by default. See [WithMaxUpstream].
const DefaultMaxUpstream = 64

// WithMaxUpstream sets how many requests the client and the copies
// [Client.WithToken] makes of it (one process's calls, whoever they are for)
// have in flight to GitScrum at once. A request beyond it waits for one to end,
// for as long as its call's context allows; one that waits past that fails as
// GitScrum not answering in time, with nothing sent. So a burst of callers (a
// flood of clicks, many tool calls at once) costs GitScrum at most n connections
// and this process n requests' memory, however many arrive. Zero or less keeps
// [DefaultMaxUpstream].
func WithMaxUpstream(n int) Option {
	return func(c *Client) error {
		if n <= 0 {
			n = DefaultMaxUpstream
		}
		c.upstream = make(upstreamSlots, n)
		return nil
	}
}

// upstreamSlots holds one token per request in flight to GitScrum.
type upstreamSlots chan struct{}

// acquire waits for a place for one request, until ctx ends. It returns the
// release of the place, or ctx's error.
func (s upstreamSlots) acquire(ctx context.Context) (func(), error) {
	select {
	case s <- struct{}{}:
		return func() { <-s }, nil
	default:
	}
	select {
	case s <- struct{}{}:
		return func() { <-s }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// waitUpstream takes a place for one request of cl among the requests in flight
// to GitScrum (see [WithMaxUpstream]). It returns its release, or an *Error with
// nothing sent when ctx ended while waiting.
func (c *Client) waitUpstream(ctx context.Context, cl call) (func(), error) {
	release, err := c.upstream.acquire(ctx)
	if err != nil {
		e := c.transportError(ctx, cl, err)
		e.Sent = false
		if e.class != ErrCanceled {
			e.Message = "GitScrum did not answer in time: every connection to it was busy while this call waited"
		}
		return nil, e
	}
	return release, nil
}

// MaxUpstream returns how many requests the client has in flight to GitScrum at
// most (see [WithMaxUpstream]).
func (c *Client) MaxUpstream() int { return cap(c.upstream) }

// UpstreamInFlight returns how many requests the client and its copies have in
// flight to GitScrum now.
func (c *Client) UpstreamInFlight() int { return len(c.upstream) }
