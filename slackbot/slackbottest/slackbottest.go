// Package slackbottest helps test the Slack adapter as Slack would use it: it signs
// requests exactly as Slack signs them and reads the texts of a Block Kit message.
// Tests, the soak test and the load benchmark share it.
package slackbottest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Signature returns Slack's v0 signature of body at the Unix timestamp ts (as sent in
// X-Slack-Request-Timestamp): "v0=" and the hex HMAC-SHA256 of "v0:<ts>:<body>"
// keyed with the signing secret.
func Signature(secret, ts, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SignRequest sets the headers Slack sends with a slash command whose form-encoded
// body is body, signed with secret at time at.
func SignRequest(req *http.Request, secret, body string, at time.Time) {
	ts := strconv.FormatInt(at.Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", Signature(secret, ts, body))
}

// Texts returns every "text" string in a JSON message (the fallback text and the
// text of every block and element), in no particular order between siblings.
func Texts(data []byte) ([]string, error) {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("slackbottest: %w", err)
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, vv := range x {
				if s, ok := vv.(string); ok && k == "text" {
					out = append(out, s)
				}
				walk(vv)
			}
		case []any:
			for _, vv := range x {
				walk(vv)
			}
		}
	}
	walk(doc)
	return out, nil
}
