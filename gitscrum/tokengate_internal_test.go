package gitscrum

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testIDs makes the tokenIDs the gate tests use.
var testIDs = newTokenIDKey()

// fakeClock is a settable clock for the token gate.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestGate(ttl time.Duration, maxEntries int) (*tokenGate, *fakeClock) {
	clock := &fakeClock{t: time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)}
	g := newTokenGate(ttl)
	g.now = clock.now
	g.maxEntries = maxEntries
	return g, clock
}

// admitWaited is the message of an admit that waited past its bound for another
// request's probe, which was never settled.
const admitWaited = "admit waited for a probe that was never settled"

// probeWith admits a request with token and settles it with status; it fails the
// test unless the request was the token's probe.
func probeWith(t *testing.T, g *tokenGate, token string, status int, code string) {
	t.Helper()
	k := testIDs.id(token)
	probe, rejected, err := g.admit(BoundedContext(t), k)
	require.NoError(t, err, admitWaited)
	require.Nil(t, rejected)
	require.True(t, probe)
	g.settle(k, true, status, code)
}

// TestTokenGateVerdictsExpire checks a rejection lasts its TTL and an acceptance the
// known-good TTL, each extended by a newer answer, on a fake clock.
func TestTokenGateVerdictsExpire(t *testing.T) {
	g, clock := newTestGate(30*time.Second, 100)
	ctx := BoundedContext(t) // admit fails, rather than hangs, on a probe never settled
	bad, good := testIDs.id("bad-token-1234"), testIDs.id("good-token-5678")

	probeWith(t, g, "bad-token-1234", http.StatusUnauthorized, ErrorCodeTokenExpired)
	clock.advance(29 * time.Second)
	probe, rejected, err := g.admit(ctx, bad)
	require.NoError(t, err, admitWaited)
	assert.False(t, probe)
	require.NotNil(t, rejected)
	assert.Equal(t, ErrorCodeTokenExpired, rejected.code)
	clock.advance(time.Second)
	probe, rejected, err = g.admit(ctx, bad)
	require.NoError(t, err, admitWaited)
	assert.Nil(t, rejected, "tried again once the TTL is up")
	assert.True(t, probe)
	g.settle(bad, true, http.StatusOK, "")

	probeWith(t, g, "good-token-5678", http.StatusNotFound, "CLIENT_NOT_FOUND")
	for range 3 {
		clock.advance(knownGoodTokenTTL - time.Second)
		probe, rejected, err = g.admit(ctx, good)
		require.NoError(t, err, admitWaited)
		assert.Nil(t, rejected)
		assert.False(t, probe, "an accepted token needs no probe")
		g.settle(good, false, http.StatusOK, "")
	}
	clock.advance(knownGoodTokenTTL)
	probe, _, err = g.admit(ctx, good)
	require.NoError(t, err, admitWaited)
	assert.True(t, probe, "idle past the known-good TTL, the token is probed again")
	g.settle(good, true, http.StatusServiceUnavailable, "")
	probe, _, err = g.admit(ctx, good)
	require.NoError(t, err, admitWaited)
	assert.True(t, probe, "a 503 says nothing of the token")
	g.settle(good, true, 0, "")

	// A token known good that GitScrum then rejects is refused from then on.
	probeWith(t, g, "revoked-token-0000", http.StatusOK, "")
	g.settle(testIDs.id("revoked-token-0000"), false, http.StatusUnauthorized, "")
	_, rejected, err = g.admit(ctx, testIDs.id("revoked-token-0000"))
	require.NoError(t, err, admitWaited)
	assert.NotNil(t, rejected)
}

// TestTokenGateBounded checks the gate never remembers more verdicts than its cap,
// dropping the oldest first and expired ones on the way, and lets requests through
// unchecked rather than track more probes than the cap.
func TestTokenGateBounded(t *testing.T) {
	const maxEntries = 50
	g, clock := newTestGate(30*time.Second, maxEntries)
	ctx := BoundedContext(t) // admit fails, rather than hangs, on a probe never settled
	for i := range 10 * maxEntries {
		probeWith(t, g, fmt.Sprintf("token-%04d", i), http.StatusUnauthorized, "")
		assert.LessOrEqual(t, len(g.known), maxEntries)
		assert.Equal(t, len(g.known), g.order.Len())
	}
	_, rejected, err := g.admit(ctx, testIDs.id(fmt.Sprintf("token-%04d", 10*maxEntries-1)))
	require.NoError(t, err, admitWaited)
	assert.NotNil(t, rejected, "the newest verdict is kept")
	probe, rejected, err := g.admit(ctx, testIDs.id("token-0000"))
	require.NoError(t, err, admitWaited)
	assert.Nil(t, rejected, "the oldest verdict went first")
	g.settle(testIDs.id("token-0000"), probe, 0, "")

	clock.advance(time.Minute)
	probeWith(t, g, "fresh-token", http.StatusUnauthorized, "")
	assert.Len(t, g.known, 1, "expired verdicts are dropped as new ones come")

	for i := range maxEntries {
		probe, _, err := g.admit(ctx, testIDs.id(fmt.Sprintf("probe-%d", i)))
		require.NoError(t, err, admitWaited)
		require.True(t, probe)
	}
	probe, rejected, err = g.admit(ctx, testIDs.id("one-more"))
	require.NoError(t, err, admitWaited)
	assert.False(t, probe, "beyond the cap of probes, a request goes out unchecked")
	assert.Nil(t, rejected)
	assert.Len(t, g.probes, maxEntries)
}

// TestTokenGateHoldsNoToken checks the gate's memory holds hashes only: keyed with a
// random key of the client's own, so not even the plain SHA-256 of the token.
func TestTokenGateHoldsNoToken(t *testing.T) {
	const token = "tok-SECRET-9f8e7d6c5b4a"
	var hits atomic.Int32
	ts := newCountingServer(t, &hits, http.StatusUnauthorized)
	c, err := New(WithBaseURL(ts), WithToken(token), WithRetryPolicy(NoRetries))
	require.NoError(t, err)
	_, err = c.ListClients(context.Background(), "acme")
	require.Error(t, err)
	_, err = c.ListClients(context.Background(), "acme")
	require.Error(t, err)
	assert.Equal(t, int32(1), hits.Load())

	g := c.tokens
	require.Len(t, g.known, 1)
	plain := sha256.Sum256([]byte(token))
	for k, el := range g.known {
		v := el.Value.(*tokenVerdict)
		dump := fmt.Sprintf("%#v %#v %q", k, *v, k[:])
		assert.NotContains(t, dump, token)
		assert.NotEqual(t, tokenID(plain), k)
		assert.NotContains(t, string(k[:]), token)
	}
	other, err := New(WithToken(token))
	require.NoError(t, err)
	assert.NotEqual(t, other.tokenID, c.tokenID, "each client hashes with its own key")
	assert.Equal(t, c.tokenID, c.WithToken(" "+token+" ").tokenID, "copies share the gate and its key")
	assert.False(t, strings.Contains(fmt.Sprintf("%v", g.probes), token))
}

// newCountingServer answers every request with status and counts them in hits.
func newCountingServer(t *testing.T, hits *atomic.Int32, status int) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"message":"Unauthenticated."}`))
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestOneTokenIdentity: the token gate and the list cache know a token by the same
// keyed ID, which is not its plain SHA-256, and a WithToken copy with another token
// has another ID under the same key.
func TestOneTokenIdentity(t *testing.T) {
	const token = "tok-SECRET-1a2b3c4d5e6f"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":[{"uuid":"9b2f4c1e-5d3a-4e8b-9c7d-1a2b3c4d5e6f","name":"Acme Corp"}]}`))
	}))
	t.Cleanup(ts.Close)
	c, err := New(WithBaseURL(ts.URL), WithToken(token), WithRetryPolicy(NoRetries))
	require.NoError(t, err)
	_, err = c.Clients(context.Background(), "acme")
	require.NoError(t, err)

	require.Len(t, c.tokens.known, 1, "the gate knows the token as good")
	for k := range c.tokens.known {
		assert.Equal(t, c.tokenID, k)
	}
	c.cache.mu.Lock()
	require.Len(t, c.cache.entries, 1, "the list is cached")
	for k := range c.cache.entries {
		assert.Equal(t, listKey{slug: "acme", token: c.tokenID}, k)
	}
	c.cache.mu.Unlock()
	assert.NotEqual(t, tokenID(sha256.Sum256([]byte(token))), c.tokenID, "the ID is keyed")
	other := c.WithToken("another-token-0123456789")
	assert.Same(t, c.idKey, other.idKey)
	assert.Equal(t, c.idKey.id("another-token-0123456789"), other.tokenID)
	assert.NotEqual(t, c.tokenID, other.tokenID)
}

// TestGateFirstContact: a token is first contact while it has no current verdict
// and no probe in flight.
func TestGateFirstContact(t *testing.T) {
	g, clock := newTestGate(30*time.Second, 16)
	good, bad, fresh, never := testIDs.id("good"), testIDs.id("bad"), testIDs.id("fresh"), testIDs.id("never")
	probeWith(t, g, "good", http.StatusOK, "")
	probeWith(t, g, "bad", http.StatusUnauthorized, "")
	probe, _, err := g.admit(BoundedContext(t), fresh)
	require.NoError(t, err, admitWaited)
	require.True(t, probe)

	assert.False(t, g.firstContact(good), "accepted")
	assert.False(t, g.firstContact(bad), "rejected moments ago")
	assert.False(t, g.firstContact(fresh), "its probe is in flight: the others wait for it")
	assert.True(t, g.firstContact(never))
	g.settle(fresh, true, 0, "") // no answer: nothing known
	assert.True(t, g.firstContact(fresh), "the probe got no answer")

	clock.advance(31 * time.Second)
	assert.True(t, g.firstContact(bad), "the rejection is over")
	assert.False(t, g.firstContact(good), "acceptance lasts longer")
	clock.advance(knownGoodTokenTTL)
	assert.True(t, g.firstContact(good), "the acceptance is over")
}
