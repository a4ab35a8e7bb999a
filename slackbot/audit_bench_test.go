package slackbot_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

// reportLatency reports the p50 and p99 of durations in milliseconds.
func reportLatency(b *testing.B, durations []time.Duration) {
	d := slices.Clone(durations)
	slices.Sort(d)
	at := func(q float64) float64 {
		return float64(d[min(len(d)-1, int(q*float64(len(d))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// newBenchBot returns a bot writable by writer on a demo emulator over HTTP.
func newBenchBot(b *testing.B, mod func(*slackbot.Config)) *slackbot.Bot {
	b.Helper()
	emuSrv := httptest.NewServer(emulator.New(emulator.WithDemoData()))
	b.Cleanup(emuSrv.Close)
	client, err := gitscrum.New(gitscrum.WithBaseURL(emuSrv.URL), gitscrum.WithToken(emulator.DefaultToken), gitscrum.WithRetryPolicy(gitscrum.NoRetries))
	require.NoError(b, err)
	cfg := slackbot.Config{Client: client, Workspace: emulator.DemoWorkspace, SigningSecret: testSecret, WriteUsers: []string{writer}}
	mod(&cfg)
	bot, err := slackbot.New(cfg)
	require.NoError(b, err)
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = bot.Close(ctx)
	})
	return bot
}

// BenchmarkCreateAudited: one /gitscrum create through the command core (Reply)
// against the emulator over HTTP (a new name each time, duplicate check included), without a store
// emulator (a new name each time, duplicate check included), without a store
// (the baseline) and with its audit row on SQLite and on PostgreSQL; p50 and p99
// per command. The added latency is the difference from the baseline of the same
// run.
func BenchmarkCreateAudited(b *testing.B) {
	cases := []struct {
		name string
		mod  func(b *testing.B) func(*slackbot.Config)
	}{
		{"none", func(*testing.B) func(*slackbot.Config) { return func(*slackbot.Config) {} }},
	}
	for _, be := range storetest.Backends() {
		cases = append(cases, struct {
			name string
			mod  func(b *testing.B) func(*slackbot.Config)
		}{be.Name, func(b *testing.B) func(*slackbot.Config) { return withStore(storetest.Open(b, be.NewURL(b))) }})
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			bot := newBenchBot(b, tc.mod(b))
			ctx := context.Background()
			var took []time.Duration
			i := 0
			for b.Loop() {
				i++
				start := time.Now()
				msg := bot.Reply(ctx, slack.SlashCommand{Command: "/gitscrum", Text: "create Bench Client " + strconv.Itoa(i),
					TeamID: "T0TEAM001", UserID: writer, ChannelID: "C0CHANNEL1"})
				took = append(took, time.Since(start))
				if msg == nil || !strings.Contains(msg.Text, "Bench Client") {
					b.Fatalf("not created: %+v", msg)
				}
			}
			reportLatency(b, took)
		})
	}
}
