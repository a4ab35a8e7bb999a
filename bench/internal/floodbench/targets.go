package floodbench

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// FloodToken is the bearer token of the MCP flood: garbage that GitScrum refuses.
// Every flood request carries the same one, as a flood from one attacker would.
const FloodToken = "flood-garbage-token-0123456789"

// RandomTokenPrefix starts each token of the [AttackRandomTokens] flood.
const RandomTokenPrefix = "flood-random-token-"

// longURIFiller is the reference of the [AttackLongURI] flood's URI, 200 KB long.
var longURIFiller = strings.Repeat("z", 200<<10)

// SigningSecret is the Slack signing secret gitscrum-slack is given; the flood's
// signatures are made with another.
const SigningSecret = "floodbench-signing-secret-0123456789"

// floodWorkspace is the workspace the Slack flood's commands name, so requests it
// caused at GitScrum (none are expected) are told apart from the valid ones.
const floodWorkspace = "flood-ws"

// Build builds cmd/gitscrum-mcp and cmd/gitscrum-slack with -trimpath into dir and
// returns their paths. The go command's output goes to stderr.
func Build(dir string) (mcpBin, slackBin string, err error) {
	for _, b := range []struct {
		name string
		dst  *string
	}{{"gitscrum-mcp", &mcpBin}, {"gitscrum-slack", &slackBin}} {
		*b.dst = filepath.Join(dir, b.name)
		cmd := exec.Command("go", "build", "-trimpath", "-o", *b.dst, "github.com/gitscrum-bridge/gitscrum-bridge/cmd/"+b.name)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return "", "", fmt.Errorf("build %s: %w", b.name, err)
		}
	}
	return mcpBin, slackBin, nil
}

// padded returns body grown to n bytes by a JSON string or form field named pad
// (n ≤ len(body) returns body).
func padded(body string, n int, json bool) []byte {
	if n <= len(body) {
		return []byte(body)
	}
	if json {
		head := strings.TrimSuffix(body, "}") + `,"pad":"`
		return []byte(head + strings.Repeat("x", max(n-len(head)-2, 0)) + `"}`)
	}
	head := body + "&pad="
	return []byte(head + strings.Repeat("x", max(n-len(head), 0)))
}

// MCP floods gitscrum-mcp --http on loopback, without a GITSCRUM_TOKEN of its own:
// the flood calls list_clients with [FloodToken], which GitScrum refuses; the
// valid request is get_client of one client by UUID with a token GitScrum
// accepts. Both are plain JSON-RPC POSTs to /mcp (the server is stateless).
func MCP(bin string) Target {
	const listCall = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_clients","arguments":{}}}`
	var randomTokens atomic.Int64
	post := func(base string, body io.Reader, size int64, token string) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, base+"/mcp", body)
		if err != nil {
			return nil, err
		}
		req.ContentLength = size
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer "+token)
		return req, nil
	}
	return Target{
		Name: "gitscrum-mcp",
		bin:  bin,
		args: func(addr string) []string { return []string{"--http", addr} },
		env: func(upstreamURL string) []string {
			return []string{"GITSCRUM_API_URL=" + upstreamURL, "GITSCRUM_COMPANY_SLUG=" + emulator.DemoWorkspace}
		},
		floodBody: func(v Variant) []byte {
			switch v.Attack {
			case AttackLongURI:
				return []byte(`{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"gitscrum://` +
					emulator.DemoWorkspace + `/clients/` + longURIFiller + `"}}`)
			case AttackRandomTokens:
				return []byte(listCall)
			}
			return padded(listCall, v.BodyBytes, true)
		},
		flood: func(base string, v Variant, body io.Reader, size int64) (*http.Request, error) {
			switch v.Attack {
			case AttackLongURI:
				return post(base, body, size, emulator.DefaultToken)
			case AttackRandomTokens:
				return post(base, body, size, fmt.Sprintf("%s%010d", RandomTokenPrefix, randomTokens.Add(1)))
			}
			return post(base, body, size, FloodToken)
		},
		probe: func(base string, i int) (*http.Request, error) {
			body := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_client","arguments":{"client":%q}}}`,
				i+1, emulator.DemoAcmeUUID)
			return post(base, strings.NewReader(body), int64(len(body)), emulator.DefaultToken)
		},
		probeOK: func(status int, body []byte) bool {
			return status == http.StatusOK && bytes.Contains(body, []byte(emulator.DemoAcmeUUID)) &&
				!bytes.Contains(body, []byte(`"isError":true`))
		},
		toolError: func(body []byte) bool { return bytes.Contains(body, []byte(`"isError":true`)) },
		fromFlood: func(r *http.Request) bool {
			auth := r.Header.Get("Authorization")
			return auth == "Bearer "+FloodToken || strings.HasPrefix(auth, "Bearer "+RandomTokenPrefix) ||
				strings.Contains(r.URL.String(), longURIFiller[:64])
		},
	}
}

// Slack floods gitscrum-slack in HTTP mode: the flood posts /gitscrum commands
// signed with a wrong secret; the valid request is a correctly signed
// `show <UUID>`, each one different so none is a replay.
func Slack(bin string) Target {
	form := func(text string, i int) string {
		return url.Values{
			"command": {"/gitscrum"}, "text": {text}, "user_id": {"U0FLOOD01"}, "team_id": {"T0FLOOD01"},
			"channel_id": {"C0FLOOD01"}, "response_url": {"https://hooks.slack.com/commands/T0FLOOD01/1/x"},
			"trigger_id": {strconv.Itoa(i)},
		}.Encode()
	}
	post := func(base string, body io.Reader, size int64) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, base+"/slack/commands", body)
		if err != nil {
			return nil, err
		}
		req.ContentLength = size
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req, nil
	}
	return Target{
		Name: "gitscrum-slack",
		bin:  bin,
		args: func(addr string) []string { return []string{"--addr", addr} },
		env: func(upstreamURL string) []string {
			return []string{"GITSCRUM_API_URL=" + upstreamURL, "GITSCRUM_TOKEN=" + emulator.DefaultToken,
				"GITSCRUM_COMPANY_SLUG=" + emulator.DemoWorkspace, "SLACK_SIGNING_SECRET=" + SigningSecret}
		},
		floodBody: func(v Variant) []byte { return padded(form("list workspace="+floodWorkspace, 0), v.BodyBytes, false) },
		flood: func(base string, _ Variant, body io.Reader, size int64) (*http.Request, error) {
			req, err := post(base, body, size)
			if err != nil {
				return nil, err
			}
			// Signed with another secret (over an empty body): refused as forged.
			slackbottest.SignRequest(req, "not-the-"+SigningSecret, "", time.Now())
			return req, nil
		},
		probe: func(base string, i int) (*http.Request, error) {
			body := form("show "+emulator.DemoAcmeUUID, i)
			req, err := post(base, strings.NewReader(body), int64(len(body)))
			if err != nil {
				return nil, err
			}
			slackbottest.SignRequest(req, SigningSecret, body, time.Now())
			return req, nil
		},
		probeOK: func(status int, body []byte) bool {
			return status == http.StatusOK && bytes.Contains(body, []byte("billing@acme.co"))
		},
		fromFlood: func(r *http.Request) bool { return r.URL.Query().Get("company_slug") == floodWorkspace },
	}
}
