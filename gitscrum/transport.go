package gitscrum

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// call is one API operation: what to send, and how to name it.
type call struct {
	op     string // operation name for observers: "list_clients", …
	method string
	path   string // escaped path, e.g. "/contact-companies/abc"
	query  url.Values
	body   any // encoded as JSON when non-nil
}

// do runs a call with retries and decodes a 2xx body into out.
func (c *Client) do(ctx context.Context, cl call, out any) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	var payload []byte
	if cl.body != nil {
		var err error
		if payload, err = json.Marshal(cl.body); err != nil {
			return fmt.Errorf("gitscrum: encode %s body: %w", cl.op, err)
		}
	}
	target, err := c.target(cl)
	if err != nil {
		return err
	}

	policy := c.retry
	unknown := false // an earlier attempt may have been applied
	for attempt := 1; ; attempt++ {
		probe, gateErr := c.admit(ctx, cl)
		if gateErr != nil {
			gateErr.earlierUnknown = unknown
			return gateErr
		}
		start := time.Now()
		var status int
		if probe && cl.method == http.MethodGet {
			status, err = c.probe(ctx, cl, target, out)
		} else {
			status, err = c.attempt(ctx, cl, target, payload, out)
		}
		if c.observer != nil {
			c.observer.ObserveAttempt(cl.op, status, time.Since(start), attempt > 1)
		}
		var e *Error
		if err != nil && !errors.As(err, &e) {
			if !probe || cl.method != http.MethodGet {
				c.settleToken(probe, 0, nil)
			}
			return err
		}
		if !probe || cl.method != http.MethodGet {
			c.settleToken(probe, status, e)
		}
		if err == nil {
			return nil
		}
		e.earlierUnknown = unknown
		unknown = unknown || attemptMayHaveChanged(e)
		if attempt >= policy.MaxAttempts || !c.retryable(cl.method, e) {
			return err
		}
		wait := policy.backoff(attempt)
		if e.RetryAfter > 0 {
			if policy.MaxRetryAfter > 0 && e.RetryAfter > policy.MaxRetryAfter {
				return err
			}
			wait = max(wait, e.RetryAfter)
		}
		if !sleep(ctx, wait) {
			return err
		}
	}
}

// probe sends a GET that probes its token (see [Client.admit]) so that the gate
// learns GitScrum's verdict even when the caller stops waiting: the request is
// detached from ctx (it is bounded by the client's own timeout instead), settles the
// gate when answered, and the caller gets ctx's error at once when ctx ends first.
// At most one probe per token is in flight. Without
// this, a flood whose requests disconnect early would cost GitScrum one request per
// disconnect rather than one per token.
func (c *Client) probe(ctx context.Context, cl call, target string, out any) (int, error) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
	type answer struct {
		status int
		raw    json.RawMessage
		err    error
	}
	done := make(chan answer, 1)
	go func() {
		defer cancel()
		var a answer
		var into any
		if out != nil {
			into = &a.raw
		}
		a.status, a.err = c.attempt(actx, cl, target, nil, into)
		var e *Error
		if a.err != nil && !errors.As(a.err, &e) {
			c.settleToken(true, 0, nil)
		} else {
			c.settleToken(true, a.status, e)
		}
		done <- a
	}()
	select {
	case a := <-done:
		if a.err != nil || out == nil {
			return a.status, a.err
		}
		if err := json.Unmarshal(a.raw, out); err != nil {
			return a.status, &Error{Method: cl.method, Path: cl.path, StatusCode: a.status, Sent: true,
				Message: "GitScrum answered with JSON that is not the expected shape", Err: err, class: ErrUnavailable}
		}
		return a.status, nil
	case <-ctx.Done():
		return 0, c.transportError(ctx, cl, ctx.Err())
	}
}

// admit waits until the token gate lets an attempt of cl go out (see
// [WithRejectedTokenTTL]) and reports whether the attempt is its token's probe. It
// returns an *Error, with nothing sent, when GitScrum rejected the token moments ago or
// ctx ended while waiting.
func (c *Client) admit(ctx context.Context, cl call) (bool, *Error) {
	if c.tokens == nil || c.token == "" {
		return false, nil
	}
	probe, rejected, err := c.tokens.admit(ctx, c.tokenID)
	switch {
	case err != nil:
		e := c.transportError(ctx, cl, err)
		e.Sent = false
		return false, e
	case rejected != nil:
		if o, ok := c.observer.(RejectedTokenObserver); ok {
			o.ObserveRejectedToken(cl.op)
		}
		return false, &Error{Method: cl.method, Path: cl.path, StatusCode: http.StatusUnauthorized, Code: rejected.code,
			Message: fmt.Sprintf("GitScrum rejected this token moments ago, so it was not sent again "+
				"(a rejected token is refused here for %s)", c.tokens.rejectedTTL), class: ErrUnauthorized}
	}
	return probe, nil
}

// settleToken tells the token gate how GitScrum answered an attempt: its status (0
// when no answer came) and the *Error it failed with, if any.
func (c *Client) settleToken(probe bool, status int, e *Error) {
	if c.tokens == nil || c.token == "" {
		return
	}
	code := ""
	if e != nil {
		code = e.Code
	}
	c.tokens.settle(c.tokenID, probe, status, code)
}

// target returns the URL of a call: the base URL joined with the call's path. The
// call's path is escaped already (see clientPath) and goes out as it is: u.RawPath
// holds it and u.Path its decoded form, so net/url keeps the escaping rather than
// escaping the '%' signs a second time ("ü" goes out as %C3%BC, never %25C3%25BC), and
// an escaped '/' stays inside one path segment.
func (c *Client) target(cl call) (string, error) {
	decoded, err := url.PathUnescape(cl.path)
	if err != nil {
		return "", fmt.Errorf("gitscrum: %s path %q is not validly escaped: %w", cl.op, cl.path, err)
	}
	u := *c.baseURL
	u.RawPath = strings.TrimRight(u.EscapedPath(), "/") + cl.path
	u.Path = strings.TrimRight(u.Path, "/") + decoded
	u.RawQuery = cl.query.Encode()
	return u.String(), nil
}

// retryable reports whether a failed attempt may be repeated.
func (c *Client) retryable(method string, e *Error) bool {
	if method == http.MethodPost && e.Sent {
		return false
	}
	if e.StatusCode == 0 {
		// Transport failure; the caller's own cancellation is final.
		return e.Err != nil && !errors.Is(e.Err, context.Canceled) && !errors.Is(e.Err, context.DeadlineExceeded)
	}
	return retryableStatus(e.StatusCode)
}

// attempt sends one request and returns the HTTP status (0 when none came).
func (c *Client) attempt(ctx context.Context, cl call, target string, payload []byte, out any) (int, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, target, body)
	if err != nil {
		return 0, fmt.Errorf("gitscrum: build %s request: %w", cl.op, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	release, err := c.waitUpstream(ctx, cl)
	if err != nil {
		return 0, err
	}
	defer release() // after the body is drained and closed, deferred below
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return 0, c.transportError(ctx, cl, err)
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
	}()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, c.responseError(cl, resp)
	}
	if out == nil {
		return resp.StatusCode, nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil {
		return resp.StatusCode, c.transportError(ctx, cl, err)
	}
	if len(data) > maxResponseBody {
		return resp.StatusCode, &Error{Method: cl.method, Path: cl.path, StatusCode: resp.StatusCode, Sent: true,
			Message: fmt.Sprintf("response larger than %d MiB", maxResponseBody>>20), class: ErrUnavailable}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return resp.StatusCode, &Error{Method: cl.method, Path: cl.path, StatusCode: resp.StatusCode, Sent: true,
			Message: "GitScrum answered with a body that is not the expected JSON (" + describeBody(resp.Header, data) + ")",
			Err:     err, class: ErrUnavailable}
	}
	return resp.StatusCode, nil
}

// transportError wraps a failure to get a response.
func (c *Client) transportError(ctx context.Context, cl call, err error) *Error {
	e := &Error{Method: cl.method, Path: cl.path, Sent: !notSent(err), Err: redactErr{err, c.token}, class: ErrUnavailable}
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		e.Message = "request canceled"
		e.class = ErrCanceled
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		e.Message = "GitScrum did not answer in time"
	case !e.Sent:
		e.Message = "could not connect to GitScrum"
	default:
		e.Message = "connection to GitScrum failed"
	}
	return e
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// errorBody is the JSON error shape GitScrum and Laravel send.
type errorBody struct {
	Message    string                     `json:"message"`
	Error      string                     `json:"error"`
	ErrorCode  string                     `json:"error_code"`
	Errors     map[string]json.RawMessage `json:"errors"`
	RetryAfter json.Number                `json:"retry_after"`
}

// responseError turns a non-2xx response into an *Error, reading at most
// maxErrorBody bytes of its body.
func (c *Client) responseError(cl call, resp *http.Response) *Error {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &Error{
		Method:     cl.method,
		Path:       cl.path,
		StatusCode: resp.StatusCode,
		Sent:       true,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
	var eb errorBody
	if json.Unmarshal(data, &eb) == nil {
		e.Code = eb.ErrorCode
		e.Message = firstNonEmpty(eb.Message, eb.Error)
		if len(eb.Errors) > 0 {
			e.Fields = decodeFieldErrors(eb.Errors)
		}
		if e.RetryAfter == 0 && eb.RetryAfter != "" {
			if secs, err := eb.RetryAfter.Float64(); err == nil && secs > 0 {
				e.RetryAfter = time.Duration(secs * float64(time.Second))
			}
		}
	} else if len(bytes.TrimSpace(data)) > 0 {
		e.Message = "GitScrum answered with a non-JSON body (" + describeBody(resp.Header, data) + ")"
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	e.Message = redact(truncate(e.Message, 300), c.token)
	e.class = classify(resp.StatusCode, e.Code)
	return e
}

// decodeFieldErrors accepts {"field": ["msg", …]} and {"field": "msg"}.
func decodeFieldErrors(raw map[string]json.RawMessage) map[string][]string {
	out := make(map[string][]string, len(raw))
	for k, v := range raw {
		var list []string
		if json.Unmarshal(v, &list) == nil {
			out[k] = list
			continue
		}
		var one string
		if json.Unmarshal(v, &one) == nil {
			out[k] = []string{one}
		}
	}
	return out
}

// describeBody summarises a body that is not the JSON we expected, without echoing it.
func describeBody(h http.Header, data []byte) string {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return fmt.Sprintf("%s, %d bytes; a proxy or gateway may be in the way", strings.TrimSpace(ct), len(data))
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// minRedactLen is the shortest token redact looks for; shorter strings would match
// ordinary words and are no real token.
const minRedactLen = 8

// redact removes the token from a string; servers have been known to echo headers.
func redact(s, token string) string {
	if len(token) < minRedactLen || !strings.Contains(s, token) {
		return s
	}
	return strings.ReplaceAll(s, token, "[redacted]")
}

// redactErr is an error whose text never holds the token.
type redactErr struct {
	err   error
	token string
}

func (r redactErr) Error() string { return redact(r.err.Error(), r.token) }
func (r redactErr) Unwrap() error { return r.err }
