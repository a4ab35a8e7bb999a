package tools_test

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// getBody is a tools/call of get_client, which reaches GitScrum.
func getBody(id int) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_client","arguments":{"client":%q}}}`, id, emulator.DemoAcmeUUID)
}

// postAs posts body to the MCP endpoint with token and returns the status, the
// Retry-After header and the body.
func postAs(hc *http.Client, url, token, body string) (int, string, string, error) {
	req, err := http.NewRequest(http.MethodPost, url+tools.MCPPath, strings.NewReader(body))
	if err != nil {
		return 0, "", "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(b), err
}

// upstreamExcept counts the emulator's requests with a token other than good.
func upstreamExcept(emu *emulator.Server, good string) int {
	n := 0
	for _, tok := range tokensSeen(emu) {
		if tok != good {
			n++
		}
	}
	return n
}

// TestNewTokenFlood: 1,000 requests from one address, each with a token of its own
// that GitScrum never saw, reach GitScrum at most as often as the bucket allows
// (its size, plus its refill over the flood), and the rest are answered 429 with
// Retry-After, nothing sent upstream; a token GitScrum accepted keeps working all
// along, and requests that cannot reach GitScrum are never limited.
func TestNewTokenFlood(t *testing.T) {
	const good = "good-token-flood-0001"
	for _, tc := range []struct {
		name   string
		limits tools.NewTokenLimits
		bucket int
		words  string
	}{
		{"per address", tools.NewTokenLimits{PerAddr: 5, Total: 10_000}, 5, "at most 5 a minute from your address"},
		{"total", tools.NewTokenLimits{PerAddr: 10_000, Total: 3}, 3, "at most 3 a minute from all addresses together"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, url := httpEnv(t, tools.HTTPOptions{Loopback: false, NewTokens: tc.limits})
			e.emu.AddToken(good)
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 10 * time.Second}
			t.Cleanup(hc.CloseIdleConnections)
			status, _, body, err := postAs(hc, url, good, getBody(1))
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, status, body)
			require.Contains(t, body, "Acme Corp", "the good token is known good from now on")

			start := time.Now()
			const flood, workers = 1000, 32
			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				statuses = map[int]int{}
				problems []string
				goodOK   int
			)
			next := make(chan int)
			for range workers {
				wg.Go(func() {
					for i := range next {
						st, retry, b, err := postAs(hc, url, fmt.Sprintf("random-token-%06d", i), getBody(i))
						mu.Lock()
						statuses[st]++
						switch {
						case err != nil:
							problems = append(problems, err.Error())
						case st == http.StatusTooManyRequests && (retry == "" || !strings.Contains(b, tc.words) || !strings.Contains(b, "Nothing was sent to GitScrum")):
							problems = append(problems, "429 without Retry-After or its words: "+retry+" "+b)
						}
						mu.Unlock()
					}
				})
			}
			wg.Go(func() { // the good token, meanwhile
				for i := range 50 {
					st, _, b, err := postAs(hc, url, good, getBody(i))
					mu.Lock()
					if err == nil && st == http.StatusOK && strings.Contains(b, "Acme Corp") {
						goodOK++
					} else {
						problems = append(problems, fmt.Sprintf("good token: %d %v %s", st, err, b))
					}
					mu.Unlock()
				}
			})
			for i := range flood {
				next <- i
			}
			close(next)
			wg.Wait()
			elapsed := time.Since(start)

			assert.Empty(t, problems)
			assert.Equal(t, 50, goodOK, "every call of the good token was answered")
			// The bucket refills at bucket a minute: over the flood, this many more.
			allowed := tc.bucket + int(elapsed.Minutes()*float64(tc.bucket)) + 1
			// The good token's first call took one from the bucket too.
			upstream := upstreamExcept(e.emu, good) + 1
			assert.LessOrEqual(t, upstream, allowed, "GitScrum saw at most the bucket's worth of new tokens (%s)", elapsed)
			assert.GreaterOrEqual(t, upstream, tc.bucket, "the bucket itself is served")
			assert.GreaterOrEqual(t, statuses[http.StatusTooManyRequests], flood-allowed, "the rest are refused: %v", statuses)

			// A request that cannot reach GitScrum is never limited.
			st, _, b, err := postAs(hc, url, "random-token-list", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, st, b)
			// And a new token that may is refused, with a Retry-After in seconds.
			st, retry, _, err := postAs(hc, url, "random-token-late", getBody(1))
			require.NoError(t, err)
			assert.Equal(t, http.StatusTooManyRequests, st)
			secs, err := strconv.Atoi(retry)
			require.NoError(t, err, retry)
			assert.Positive(t, secs)
		})
	}
}
