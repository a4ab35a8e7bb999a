package socketmode

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"
)

// stormAfter is how many short-lived connections (or failed opens) in a row
// make a storm, logged once as a warning; those before it are logged one line
// each, those after it at debug level.
const stormAfter = 3

// authErrors are Slack's answers to apps.connections.open that mean the app
// token is refused.
var authErrors = map[string]bool{
	"invalid_auth": true, "not_authed": true, "account_inactive": true, "token_revoked": true,
	"token_expired": true, "not_allowed_token_type": true, "missing_scope": true,
}

// Client keeps a Socket Mode connection to Slack open. Its zero value is not
// usable: see [New].
type Client struct {
	api  *slack.Client
	opts Options
	log  *slog.Logger
}

// New returns a Client that opens connections with api (which holds the
// app-level token) within opts, logging to log.
func New(api *slack.Client, log *slog.Logger, opts Options) *Client {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{api: api, opts: opts.withDefaults(), log: log}
}

// Run keeps a connection open until ctx is done, handing every envelope to
// handle on the connection's reading goroutine: handle must return quickly. It
// returns nil when ctx ends it, or an error when Slack refused the app token
// MaxAuthFailures times in a row.
func (c *Client) Run(ctx context.Context, handle func(*Envelope)) error {
	bo := newBackoff(c.opts.MinBackoff, c.opts.MaxBackoff)
	var (
		authFailures int
		short        int  // connections (or opens) in a row that did not last
		stormLogged  bool // the storm was logged
	)
	for ctx.Err() == nil {
		up, err := c.connect(ctx, handle)
		if ctx.Err() != nil {
			return nil
		}
		var se slack.SlackErrorResponse
		if errors.As(err, &se) && authErrors[se.Err] {
			authFailures++
			if authFailures >= c.opts.MaxAuthFailures {
				return fmt.Errorf("socket mode: Slack refused the app token %d times in a row: %w", authFailures, err)
			}
		} else {
			authFailures = 0
		}
		if up >= c.opts.StableAfter {
			bo.reset()
			if stormLogged {
				c.log.Info("socket mode: a connection stayed up again", "after_reconnects", short)
			}
			short, stormLogged = 0, false
		}
		short++
		wait := bo.wait()
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			wait = max(wait, rl.RetryAfter)
		}
		switch {
		case authFailures > 0:
			c.log.Warn("socket mode: Slack refused the app token; trying again", "refusals", authFailures, "of", c.opts.MaxAuthFailures, "error", err, "wait", wait)
		case short < stormAfter:
			c.log.Info("socket mode: connection ended; connecting again", "up", up.Round(time.Millisecond), "reason", err, "wait", wait)
		case !stormLogged:
			stormLogged = true
			c.log.Warn("socket mode: Slack keeps ending connections soon after they open; reconnecting with a rising backoff (logged once until a connection stays up)",
				"in_a_row", short, "reason", err, "wait", wait, "stable_after", c.opts.StableAfter)
		default:
			c.log.Debug("socket mode: connection ended; connecting again", "in_a_row", short, "reason", err, "wait", wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
	return nil
}

// connect opens one connection and serves it until it ends: it returns how
// long it stayed open (0 when it never opened) and why it ended.
func (c *Client) connect(ctx context.Context, handle func(*Envelope)) (time.Duration, error) {
	octx, cancel := context.WithTimeout(ctx, c.opts.OpenTimeout)
	defer cancel()
	_, url, err := c.api.StartSocketModeContext(octx)
	if err != nil {
		return 0, fmt.Errorf("apps.connections.open: %w", err)
	}
	ws, resp, err := c.opts.Dialer.DialContext(octx, url, nil)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return 0, fmt.Errorf("dial the Socket Mode URL: %w", err)
	}
	start := time.Now()
	cn := newConn(ws, &c.opts, c.log)
	stop := context.AfterFunc(ctx, cn.stop)
	defer stop()
	pinged := make(chan struct{})
	go func() {
		defer close(pinged)
		cn.ping()
	}()
	err = cn.read(handle)
	cn.fail(err)
	<-pinged
	return time.Since(start), cn.cause()
}
