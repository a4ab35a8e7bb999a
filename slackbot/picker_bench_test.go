package slackbot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// pickerRig is the bot over loopback HTTP against an emulator holding one large
// workspace, its list cached, and a response_url that counts the answers.
type pickerRig struct {
	srv     *httptest.Server
	hookURL string
	posts   chan struct{}
	n       atomic.Int64
}

const benchWorkspace = "big"

func newPickerRig(b *testing.B, clients int) *pickerRig {
	b.Helper()
	emu := emulator.New()
	emu.SetLogLimit(1)
	emu.AddClients(benchWorkspace, emulator.GenerateClients(clients)...)
	emuSrv := httptest.NewServer(emu)
	b.Cleanup(emuSrv.Close)
	r := &pickerRig{posts: make(chan struct{}, 1024)}
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		r.posts <- struct{}{}
	}))
	b.Cleanup(hooks.Close)
	r.hookURL = hooks.URL + "/commands/T0TEAM001/1/x"
	client, err := gitscrum.New(gitscrum.WithBaseURL(emuSrv.URL), gitscrum.WithToken(emulator.DefaultToken))
	if err != nil {
		b.Fatal(err)
	}
	bot, err := slackbot.New(slackbot.Config{Client: client, Workspace: benchWorkspace, SigningSecret: testSecret,
		ResponseURLPrefixes: []string{hooks.URL + "/commands/"}})
	if err != nil {
		b.Fatal(err)
	}
	r.srv = httptest.NewServer(bot.Handler())
	b.Cleanup(func() {
		r.srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = bot.Close(ctx)
	})
	if _, err := client.Clients(context.Background(), benchWorkspace); err != nil {
		b.Fatal(err)
	}
	return r
}

// interact posts payload, signed, and returns the body of the answer.
func (r *pickerRig) interact(b *testing.B, payload map[string]any) []byte {
	raw, err := json.Marshal(payload)
	if err != nil {
		b.Fatal(err)
	}
	body := url.Values{"payload": {string(raw)}}.Encode()
	req, err := http.NewRequest(http.MethodPost, r.srv.URL+slackbot.InteractivityPath, strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	slackbottest.SignRequest(req, testSecret, body, time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("status %d: %s", resp.StatusCode, out)
	}
	return out
}

// picker is the options request of the picker before anything is typed.
func (r *pickerRig) picker() map[string]any {
	blockID := fmt.Sprintf(`{"w":%q}`, benchWorkspace)
	return map[string]any{
		"type": "block_suggestion", "user": map[string]any{"id": reader}, "team": map[string]any{"id": "T0TEAM001"},
		"action_id": slackbot.ActionPicker, "block_id": blockID, "value": "", "api_app_id": "A0APP0001",
		"container": map[string]any{"type": "message"}, "action_ts": strconv.FormatInt(r.n.Add(1), 10),
	}
}

// next is a click on Next of the unfiltered list, to page p.
func (r *pickerRig) next(p int) map[string]any {
	value := fmt.Sprintf(`{"w":%q,"p":%d,"k":"list"}`, benchWorkspace, p)
	return map[string]any{
		"type": "block_actions", "user": map[string]any{"id": reader}, "team": map[string]any{"id": "T0TEAM001"},
		"channel": map[string]any{"id": "C0CHANNEL1"}, "trigger_id": fmt.Sprintf("1.2.%d", r.n.Add(1)),
		"response_url": r.hookURL, "api_app_id": "A0APP0001",
		"container": map[string]any{"type": "message", "is_ephemeral": true},
		"actions": []any{map[string]any{"type": "button", "action_id": slackbot.ActionNext, "block_id": "gitscrum_pager",
			"value": value, "action_ts": "1.1"}},
	}
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rssBytes is this process's resident set size, from /proc (0 elsewhere).
func rssBytes() float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkEmptyPicker opens the client picker with nothing typed (a signed
// block_suggestion over loopback) in a cached workspace of 1,000 and of 100,000
// clients. cpu-ms/op is the CPU of the whole process (bot, client and emulator)
// per request; the 1,000 row is the baseline.
func BenchmarkEmptyPicker(b *testing.B) {
	for _, n := range []int{1000, 100_000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			r := newPickerRig(b, n)
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if body := r.interact(b, r.picker()); !strings.Contains(string(body), `"options"`) {
					b.Fatalf("no options: %s", body)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkNextClick clicks Next on the unfiltered list (a signed block_actions,
// answered on its response_url, awaited) in a cached workspace of 1,000 and of
// 100,000 clients; run it with -benchtime=100x for "100 clicks". rss-growth-MB is
// the resident set after the clicks less before them (after one click and a
// release of free memory to the system).
func BenchmarkNextClick(b *testing.B) {
	for _, n := range []int{1000, 100_000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			r := newPickerRig(b, n)
			r.interact(b, r.next(1))
			<-r.posts
			debug.FreeOSMemory()
			rss0 := rssBytes()
			b.ReportAllocs()
			cpu0 := cpuTime()
			i := 0
			for b.Loop() {
				i++
				r.interact(b, r.next(1+i%50))
				select {
				case <-r.posts:
				case <-time.After(30 * time.Second):
					b.Fatal("no answer on the response_url within 30 s")
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
			b.ReportMetric((rssBytes()-rss0)/(1<<20), "rss-growth-MB")
			b.ReportMetric(rssBytes()/(1<<20), "rss-MB")
		})
	}
}
