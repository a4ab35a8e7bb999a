package slackbot

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/store/storetest"
)

// BenchmarkResolvePerson: what a Slack request adds to find who acts and in
// which workspace ([Bot.resolve]), warm: with linking off (the baseline), for
// a linked person (their cached client, the channel's default read from the
// store) and for one who gave workspace= (no store read). p50 and p99 in µs.
func BenchmarkResolvePerson(b *testing.B) {
	ctx := context.Background()
	emu := emulator.New(emulator.WithDemoData())
	emu.AddMemberToken("bench-token", emulator.DemoWorkspace)
	srv := httptest.NewServer(emu)
	b.Cleanup(srv.Close)
	client, err := gitscrum.New(gitscrum.WithBaseURL(srv.URL), gitscrum.WithToken(emulator.DefaultToken))
	require.NoError(b, err)
	st := storetest.Open(b, store.MemoryURL)
	acc, err := accounts.New(st, accounts.NewEphemeralKeyring(), client, accounts.Options{})
	require.NoError(b, err)
	id := accounts.Identity{TeamID: "T0BENCH", UserID: "U0BENCH"}
	secret, _, err := acc.NewLink(ctx, id, accounts.LinkRequest{})
	require.NoError(b, err)
	_, _, err = acc.CompleteLink(ctx, secret, "bench-token", emulator.DemoWorkspace)
	require.NoError(b, err)

	for _, tc := range []struct {
		name      string
		cfg       Config
		workspace string
	}{
		{"linking off", Config{Client: client, Workspace: emulator.DemoWorkspace}, ""},
		{"linked, channel default read", Config{Client: client, Workspace: emulator.DemoWorkspace, Store: st, Accounts: acc, ConnectURL: func(s string) string { return s }}, ""},
		{"linked, workspace given", Config{Client: client, Workspace: emulator.DemoWorkspace, Store: st, Accounts: acc, ConnectURL: func(s string) string { return s }}, emulator.DemoWorkspace},
	} {
		b.Run(tc.name, func(b *testing.B) {
			bot, err := New(tc.cfg)
			require.NoError(b, err)
			inv := &invocation{cmd: lookupCommand("list"), userID: id.UserID, teamID: id.TeamID, channelID: "C0BENCH", workspace: tc.workspace}
			durations := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				run, refused := bot.resolve(ctx, inv)
				durations = append(durations, time.Since(start))
				if refused != nil || run.workspace != emulator.DemoWorkspace {
					b.Fatalf("resolve: %+v", refused)
				}
			}
			b.StopTimer()
			slices.Sort(durations)
			at := func(q float64) float64 {
				return float64(durations[min(len(durations)-1, int(q*float64(len(durations))))].Nanoseconds()) / 1000
			}
			b.ReportMetric(at(0.50), "p50-µs")
			b.ReportMetric(at(0.99), "p99-µs")
		})
	}
}
