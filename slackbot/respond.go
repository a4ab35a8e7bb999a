package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/slack-go/slack"
)

// Backoff between posts to a response_url that failed without a Retry-After.
const (
	postBackoff    = 500 * time.Millisecond
	postMaxBackoff = 8 * time.Second
)

// deliver posts msg to a command's response_url. It makes at most
// MaxResponsePosts posts, each bounded by Config.PostTimeout and all by
// Config.DeliveryTimeout. A 429 waits its Retry-After; a 5xx or a network error
// backs off; any other refusal ends it, a redirect included (redirects are not
// followed), and so does a post sent whose answer never came (errPostUnknown:
// Slack may have posted it). A URL outside Config.ResponseURLPrefixes gets no
// post at all. The URL's path is never part of the error: it is a credential for posting.
func (b *Bot) deliver(responseURL string, msg *slack.WebhookMessage) error {
	if err := b.responseURLs.check(responseURL); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.DeliveryTimeout)
	defer cancel()
	// A shutdown that stopped waiting (Close's context ended) does not cut the
	// delivery at once: the answer may be that of a write GitScrum applied. The
	// post under way, or the first one, still has ShutdownPostTimeout; no retry
	// waits after it.
	stop := context.AfterFunc(b.ctx, func() {
		t := time.AfterFunc(ShutdownPostTimeout, cancel)
		context.AfterFunc(ctx, func() { t.Stop() })
	})
	defer stop()
	backoff := postBackoff
	for attempt := 1; ; attempt++ {
		pctx, pcancel := context.WithTimeout(ctx, b.cfg.PostTimeout)
		err := postResponse(pctx, b.cfg.HTTPClient, responseURL, msg)
		pcancel()
		if err == nil {
			return nil
		}
		err = redactURL(err)
		var sc slack.StatusCodeError
		if errors.As(err, &sc) && sc.Code >= 300 && sc.Code < 400 {
			return fmt.Errorf("post to response_url: it answered %d; redirects are not followed", sc.Code)
		}
		wait, retry := retryWait(err, backoff)
		if !retry || attempt >= MaxResponsePosts {
			return fmt.Errorf("post to response_url (attempt %d of at most %d): %w", attempt, MaxResponsePosts, err)
		}
		if b.ctx.Err() != nil {
			return fmt.Errorf("post to response_url: not retried while shutting down: %w", err)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return fmt.Errorf("post to response_url: waiting %s more would pass the delivery timeout: %w", wait, err)
		}
		b.log.Debug("post to response_url failed; retrying", "attempt", attempt, "wait", wait, "error", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("post to response_url: %w (after %w)", ctx.Err(), err)
		case <-b.ctx.Done():
			t.Stop()
			return fmt.Errorf("post to response_url: not retried while shutting down: %w", err)
		case <-t.C:
		}
		backoff = min(backoff*2, postMaxBackoff)
	}
}

// retryWait says whether a failed post may be repeated, and after how long.
func retryWait(err error, backoff time.Duration) (time.Duration, bool) {
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &rl):
		if rl.RetryAfter > 0 {
			return rl.RetryAfter, true
		}
		return backoff, true
	case errors.As(err, &sc):
		return backoff, sc.Retryable()
	case errors.Is(err, context.Canceled), errors.Is(err, errPostUnknown):
		return 0, false
	}
	return backoff, true // network errors and timeouts
}

// redactURL drops the URL from a transport error: url.Error prints it.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s response_url: %w", ue.Op, ue.Err)
	}
	return err
}

// noRedirects makes an http.Client return a redirect as the answer instead of
// following it: a response_url that redirects (a 307 would even repeat the POST)
// is a failed post.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
