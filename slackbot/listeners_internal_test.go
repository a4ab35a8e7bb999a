package slackbot

import (
	"context"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// listBot is a bot whose workspace holds n generated clients, its list cached.
func listBot(t *testing.T, n int) *Bot {
	t.Helper()
	emu := emulator.New()
	emu.AddClients("big", emulator.GenerateClients(n)...)
	emu.SetLogLimit(1)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client, err := gitscrum.New(gitscrum.WithBaseURL(srv.URL), gitscrum.WithToken(emulator.DefaultToken))
	require.NoError(t, err)
	b, err := New(Config{Client: client, Workspace: "big", SigningSecret: "e3b0c44298fc1c149afbf4c8996fb924"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close(context.Background()) })
	_, err = client.Clients(context.Background(), "big")
	require.NoError(t, err)
	return b
}

// emptyPicker is the options request of the picker of workspace ws before anything
// is typed.
func emptyPicker(t *testing.T, ws string) *interaction {
	blockID, err := pickerBlockID(ws)
	require.NoError(t, err)
	return &interaction{cb: &slack.InteractionCallback{Type: slack.InteractionTypeBlockSuggestion, User: slack.User{ID: "U0READER1"}},
		action: &slack.BlockAction{ActionID: ActionPicker, BlockID: blockID}}
}

// bytesPerRun returns the bytes f allocates per call, on average over runs calls.
func bytesPerRun(runs int, f func()) float64 {
	f()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return float64(after.TotalAlloc-before.TotalAlloc) / float64(runs)
}

// TestUnfilteredListCostsAPage: the picker before anything is typed, and a page of
// /gitscrum list (what Next renders), cost the same allocations with 200 clients and
// with 20,000: neither copies nor sorts the workspace.
func TestUnfilteredListCostsAPage(t *testing.T) {
	ctx := context.Background()
	type cost struct{ allocs, bytes float64 }
	measure := func(n int) (picker, page cost) {
		b := listBot(t, n)
		ia := emptyPicker(t, "big")
		pick := func() {
			resp, err := b.pickerOptions(ctx, ia)
			require.NoError(t, err)
			require.Len(t, resp.Options, maxOptions)
		}
		v := rendering{slash: "/gitscrum", workspace: "big", buttons: true}
		next := func() {
			clients, _, err := b.matching(ctx, &actor{client: b.cfg.Client}, "big", "")
			require.NoError(t, err)
			msg := listPage(v, listTitle("big", "", clients.Len()), clients, "", 7, &actionValue{Workspace: "big", Kind: kindList, Page: 7}, false)
			require.NotEmpty(t, msg.Blocks.BlockSet)
		}
		return cost{testing.AllocsPerRun(20, pick), bytesPerRun(20, pick)},
			cost{testing.AllocsPerRun(20, next), bytesPerRun(20, next)}
	}
	smallPicker, smallPage := measure(200)
	largePicker, largePage := measure(20_000)
	for _, tt := range []struct {
		name         string
		small, large cost
	}{
		{"empty-query picker", smallPicker, largePicker},
		{"page of the unfiltered list", smallPage, largePage},
	} {
		// A little slack: under the race detector sync.Pool drops items at random.
		assert.LessOrEqual(t, tt.large.allocs, tt.small.allocs*1.1+5, "%s: allocations at 20,000 clients against 200", tt.name)
		// A copy of 20,000 records alone would be about 3 MB.
		assert.Less(t, tt.large.bytes, 2*tt.small.bytes+16<<10, "%s: bytes at 20,000 clients (%.0f) against 200 (%.0f)",
			tt.name, tt.large.bytes, tt.small.bytes)
	}
}

// TestUnfilteredListHonoursContext: the picker and the list stop when their
// context has ended, rather than reading the whole workspace.
func TestUnfilteredListHonoursContext(t *testing.T) {
	b := listBot(t, 2000)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := b.pickerOptions(done, emptyPicker(t, "big"))
	require.ErrorIs(t, err, context.Canceled)
	_, _, err = b.matching(done, &actor{client: b.cfg.Client}, "big", "")
	require.ErrorIs(t, err, context.Canceled)
	_, _, err = b.matching(done, &actor{client: b.cfg.Client}, "big", "a")
	require.ErrorIs(t, err, context.Canceled)
}
