package slackbottest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// WebAPICall is one call the fake Web API received.
type WebAPICall struct {
	// Method is the Web API method, such as "views.open" or "chat.postMessage".
	Method string
	// Token is the bearer token sent (from the Authorization header or the token
	// form field).
	Token string
	// Form holds the form fields of a form-encoded call.
	Form url.Values
	// JSON holds the body of a JSON call, decoded.
	JSON map[string]any
}

// Arg returns the argument name of the call, from its form or JSON body, as a
// string (JSON objects and arrays re-encoded), or "" when absent. slack-go sends
// blocks and views as JSON text in form fields, or as JSON values in JSON bodies:
// Arg hides the difference.
func (c WebAPICall) Arg(name string) string {
	if c.Form != nil {
		if v, ok := c.Form[name]; ok && len(v) > 0 {
			return v[0]
		}
	}
	v, ok := c.JSON[name]
	if !ok {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// WebAPI is a fake of Slack's Web API over real HTTP, for tests: point the bot's
// API URL (SLACK_API_URL) at URL. It records every call and answers ok with a
// plausible body for the methods the bot uses (views.open, views.update,
// views.publish, chat.postMessage, chat.postEphemeral, chat.update,
// conversations.open, auth.test); SetResponse overrides one method's answer.
type WebAPI struct {
	// URL is the base URL, ending in "/".
	URL string

	mu        sync.Mutex
	calls     []WebAPICall
	responses map[string]any
	changed   chan struct{}
}

// NewWebAPI starts a fake Web API that stops when the test ends.
func NewWebAPI(t testing.TB) *WebAPI {
	w := &WebAPI{responses: map[string]any{}, changed: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(w.serve))
	t.Cleanup(srv.Close)
	w.URL = srv.URL + "/"
	return w
}

// SetResponse makes method answer body (encoded as JSON) from now on.
func (w *WebAPI) SetResponse(method string, body any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.responses[method] = body
}

// Calls returns the calls received so far to method, or to every method when
// method is "".
func (w *WebAPI) Calls(method string) []WebAPICall {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []WebAPICall
	for _, c := range w.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Wait waits up to timeout for at least n calls to method and returns the calls
// to it; the test fails when they do not come.
func (w *WebAPI) Wait(t testing.TB, method string, n int, timeout time.Duration) []WebAPICall {
	t.Helper()
	deadline := time.After(timeout)
	for {
		w.mu.Lock()
		changed := w.changed
		w.mu.Unlock()
		if calls := w.Calls(method); len(calls) >= n {
			return calls
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("slackbottest: %d call(s) to %s expected within %s, got %d", n, method, timeout, len(w.Calls(method)))
			return nil
		}
	}
}

func (w *WebAPI) serve(rw http.ResponseWriter, r *http.Request) {
	call := WebAPICall{Method: strings.TrimPrefix(r.URL.Path, "/")}
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		call.Token = tok
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" {
		_ = json.Unmarshal(body, &call.JSON)
	} else {
		call.Form, _ = url.ParseQuery(string(body))
		if call.Token == "" {
			call.Token = call.Form.Get("token")
		}
	}
	w.mu.Lock()
	w.calls = append(w.calls, call)
	close(w.changed)
	w.changed = make(chan struct{})
	resp, ok := w.responses[call.Method]
	w.mu.Unlock()
	if !ok {
		resp = defaultResponse(call)
	}
	rw.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(rw).Encode(resp)
}

// defaultResponse is a successful answer to call.
func defaultResponse(call WebAPICall) map[string]any {
	switch call.Method {
	case "views.open", "views.update", "views.push", "views.publish":
		return map[string]any{"ok": true, "view": map[string]any{"id": "V0FAKEVIEW", "hash": "fakehash"}}
	case "chat.postMessage", "chat.update":
		return map[string]any{"ok": true, "channel": call.Arg("channel"), "ts": "1700000000.000100"}
	case "chat.postEphemeral":
		return map[string]any{"ok": true, "message_ts": "1700000000.000200"}
	case "conversations.open":
		return map[string]any{"ok": true, "channel": map[string]any{"id": "D0FAKEDM"}}
	case "auth.test":
		return map[string]any{"ok": true, "user_id": "U0FAKEBOT", "bot_id": "B0FAKEBOT", "team_id": "T0FAKE"}
	}
	return map[string]any{"ok": true}
}
