package gitscrum

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// RetryPolicy says how reads (GET) and updates (PUT) are retried on 429, 502, 503,
// 504 and connection errors. Creates (POST) are retried only when the request
// certainly never left this process (the connection could not be opened): a duplicate
// client is worse than an error.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts in all, first included (at least 1).
	MaxAttempts int
	// BaseDelay is the backoff before the second attempt; it doubles each attempt,
	// with full jitter.
	BaseDelay time.Duration
	// MaxDelay caps one backoff.
	MaxDelay time.Duration
	// MaxRetryAfter caps how long a Retry-After is honoured; a longer one is not
	// waited for and the error is returned with its RetryAfter set.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy makes at most 3 attempts, backing off from 250 ms, and waits up
// to 10 s for a Retry-After.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:   3,
	BaseDelay:     250 * time.Millisecond,
	MaxDelay:      4 * time.Second,
	MaxRetryAfter: 10 * time.Second,
}

// NoRetries makes one attempt only.
var NoRetries = RetryPolicy{MaxAttempts: 1}

// retryableStatus reports the statuses worth another attempt.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// notSent reports whether a transport error proves the request never reached the
// server: the connection could not be opened.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

// backoff returns the wait before attempt n+1 (n counts from 1): full jitter over an
// exponential ceiling.
func (p RetryPolicy) backoff(n int) time.Duration {
	ceiling := p.BaseDelay << (n - 1)
	if ceiling <= 0 || (p.MaxDelay > 0 && ceiling > p.MaxDelay) {
		ceiling = p.MaxDelay
	}
	if ceiling <= 0 {
		return 0
	}
	return ceiling/2 + rand.N(ceiling/2+1)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// sleep waits d or until ctx is done. It refuses at once, returning false, when the
// wait would end past ctx's deadline.
func sleep(ctx context.Context, d time.Duration) bool {
	if dl, ok := ctx.Deadline(); ok && time.Now().Add(d).After(dl) {
		return false
	}
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
