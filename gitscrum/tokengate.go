package gitscrum

import (
	"container/list"
	"context"
	"net/http"
	"sync"
	"time"
)

// DefaultRejectedTokenTTL is how long a token that GitScrum rejected (401) is refused
// locally, without asking GitScrum again. See [WithRejectedTokenTTL].
const DefaultRejectedTokenTTL = 30 * time.Second

// knownGoodTokenTTL is how long a token that GitScrum accepted may have many requests
// in flight at once; every accepted request extends it.
const knownGoodTokenTTL = 5 * time.Minute

// maxTokenEntries caps the tokens the gate remembers as rejected or accepted (the
// oldest verdict goes first beyond it), and, apart from them, the tokens being probed
// (a request beyond that cap goes out unchecked). Each entry holds a 32-byte hash and
// a verdict, about 200 bytes in all, so the gate stays under 2 MiB.
const maxTokenEntries = 4096

// tokenGate remembers, by hash, which tokens GitScrum rejected or accepted moments
// ago, so that a flood of requests with a bad token costs GitScrum a handful of
// requests rather than one each:
//
//   - a token rejected (401) in the last rejectedTTL is refused locally;
//   - a token not known to be good sends one request at a time (the probe); the
//     others with the same token wait for the probe's answer, then fail at once if
//     GitScrum rejected it, or all go ahead if it accepted it;
//   - a token accepted in the last goodTTL sends as many requests as it likes.
//
// It is shared by a Client and its WithToken copies, and safe for concurrent use.
type tokenGate struct {
	rejectedTTL time.Duration
	goodTTL     time.Duration
	maxEntries  int
	now         func() time.Time

	mu     sync.Mutex
	known  map[tokenID]*list.Element // of *tokenVerdict
	order  list.List                 // verdicts, least recently given first
	probes map[tokenID]chan struct{} // closed when the probe is answered
}

// tokenVerdict is what GitScrum last said of a token.
type tokenVerdict struct {
	key      tokenID
	rejected bool
	code     string // GitScrum's error_code with a rejection, e.g. TOKEN_EXPIRED
	until    time.Time
}

// newTokenGate returns a gate that refuses a rejected token for rejectedTTL.
func newTokenGate(rejectedTTL time.Duration) *tokenGate {
	g := &tokenGate{
		rejectedTTL: rejectedTTL,
		goodTTL:     knownGoodTokenTTL,
		maxEntries:  maxTokenEntries,
		now:         time.Now,
		known:       make(map[tokenID]*list.Element),
		probes:      make(map[tokenID]chan struct{}),
	}
	return g
}

// admit waits until a request with the token of k may go out. It returns probe true
// when the request is the token's probe, which the caller must settle; rejected
// non-nil when GitScrum rejected the token moments ago and the request must not go
// out; or ctx's error when ctx ended while another request with the same token was
// being answered.
func (g *tokenGate) admit(ctx context.Context, k tokenID) (probe bool, rejected *tokenVerdict, err error) {
	for {
		g.mu.Lock()
		if el := g.known[k]; el != nil {
			if v := *el.Value.(*tokenVerdict); g.now().Before(v.until) {
				g.mu.Unlock()
				if v.rejected {
					return false, &v, nil
				}
				return false, nil, nil
			}
			g.forgetLocked(el)
		}
		if wait, ok := g.probes[k]; ok {
			g.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return false, nil, ctx.Err()
			}
		}
		if len(g.probes) >= g.maxEntries {
			g.mu.Unlock()
			return false, nil, nil
		}
		g.probes[k] = make(chan struct{})
		g.mu.Unlock()
		return true, nil, nil
	}
}

// settle records what GitScrum answered a request with the token of k: status (0 when
// no answer came) and its error_code. A 401 makes the token rejected; an answer that
// proves the token good makes it accepted; anything else (no answer, a 5xx, a 429)
// says nothing of the token. When the request was the probe, the requests waiting on
// it go on: refused, admitted, or one of them as the next probe.
func (g *tokenGate) settle(k tokenID, probe bool, status int, code string) {
	if !probe && status != http.StatusUnauthorized && !tokenAccepted(status) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case status == http.StatusUnauthorized:
		g.recordLocked(tokenVerdict{key: k, rejected: true, code: code, until: g.now().Add(g.rejectedTTL)})
	case tokenAccepted(status):
		g.recordLocked(tokenVerdict{key: k, until: g.now().Add(g.goodTTL)})
	}
	if probe {
		if wait, ok := g.probes[k]; ok {
			delete(g.probes, k)
			close(wait)
		}
	}
}

// tokenAccepted reports whether an answer proves GitScrum accepted the token: any
// answer but 401, a 408 or 429 (which may come before the token is looked at) and a
// 5xx.
func tokenAccepted(status int) bool {
	switch {
	case status < 200, status >= 500:
		return false
	case status == http.StatusUnauthorized, status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
		return false
	}
	return true
}

// recordLocked stores v as the latest verdict on its token, and forgets the oldest
// verdicts beyond the cap and expired ones at the front. g.mu must be held.
func (g *tokenGate) recordLocked(v tokenVerdict) {
	if el := g.known[v.key]; el != nil {
		*el.Value.(*tokenVerdict) = v
		g.order.MoveToBack(el)
	} else {
		g.known[v.key] = g.order.PushBack(&v)
	}
	now := g.now()
	for front := g.order.Front(); front != nil; front = g.order.Front() {
		if g.order.Len() <= g.maxEntries && now.Before(front.Value.(*tokenVerdict).until) {
			break
		}
		g.forgetLocked(front)
	}
}

// forgetLocked drops one verdict. g.mu must be held.
func (g *tokenGate) forgetLocked(el *list.Element) {
	delete(g.known, el.Value.(*tokenVerdict).key)
	g.order.Remove(el)
}

// FirstContact reports whether a request with c's token would be GitScrum's first
// word on the token in a while: no verdict on it is remembered, neither accepted in
// the last 5 minutes (each accepted answer extends that) nor rejected moments ago
// (see [WithRejectedTokenTTL]), and no request with it is being answered now (one
// that is, is the token's probe: the others wait for its answer rather than go
// out). A server that limits how fast tokens nobody vouched for reach GitScrum asks
// this first: a token GitScrum accepted recently is never first contact, nor is one
// it rejected moments ago, which is refused here without a request. A client
// without a token sends none, so it is not first contact either; with the memory
// turned off every token is.
func (c *Client) FirstContact() bool {
	if c.token == "" {
		return false
	}
	if c.tokens == nil {
		return true
	}
	return c.tokens.firstContact(c.tokenID)
}

// firstContact reports whether the token of k has no current verdict and no probe
// in flight.
func (g *tokenGate) firstContact(k tokenID) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, probing := g.probes[k]; probing {
		return false
	}
	el := g.known[k]
	return el == nil || !g.now().Before(el.Value.(*tokenVerdict).until)
}
