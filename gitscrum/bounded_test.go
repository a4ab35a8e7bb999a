package gitscrum_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// refAtCap is a reference of exactly MaxReferenceLength letters that matches no
// generated client.
func refAtCap() string {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for range gitscrum.MaxReferenceLength {
		b.WriteByte(byte('a' + rng.IntN(26)))
	}
	return b.String()
}

// nearNames returns n distinct names of MaxNameLength characters, each a few edits
// from ref: the worst case for suggestions, where every name must be compared.
func nearNames(ref string, n int) []gitscrum.ClientCompany {
	rng := rand.New(rand.NewPCG(3, 4))
	out := make([]gitscrum.ClientCompany, n)
	for i := range out {
		b := []byte(ref)
		for range 1 + rng.IntN(6) {
			b[rng.IntN(len(b))] = byte('a' + rng.IntN(26))
		}
		out[i] = gitscrum.ClientCompany{UUID: "u", Name: string(b)}
	}
	return out
}

// countdown is a context whose Err turns to context.Canceled after a set number of
// calls: it ends in the middle of a loop, at a known point, without timing.
type countdown struct {
	context.Context
	left atomic.Int64
}

func newCountdown(calls int64) *countdown {
	c := &countdown{Context: context.Background()}
	c.left.Store(calls)
	return c
}

func (c *countdown) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestWorkAtCapEndsWithContext runs every loop over 100,000 clients with a
// reference at the cap: each finishes, and each stops with the context's error when
// the context has ended, before it starts or in the middle.
func TestWorkAtCapEndsWithContext(t *testing.T) {
	clients := emulator.GenerateClients(100_000)
	ref := refAtCap()
	ix := gitscrum.NewIndex(clients)
	calls := map[string]func(ctx context.Context) error{
		"Suggest": func(ctx context.Context) error {
			got, err := gitscrum.Suggest(ctx, clients, ref, 3)
			assert.Empty(t, got)
			return err
		},
		"ResolveIn": func(ctx context.Context) error {
			_, err := gitscrum.ResolveIn(ctx, clients, ref)
			return err
		},
		"ResolveExactIn": func(ctx context.Context) error {
			_, err := gitscrum.ResolveExactIn(ctx, clients, ref)
			return err
		},
		"Index.Search": func(ctx context.Context) error {
			_, err := ix.Search(ctx, "e") // matches nearly every client: the longest scan
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call(context.Background())
			if strings.HasPrefix(name, "Resolve") {
				assert.ErrorIs(t, err, gitscrum.ErrNotFound)
			} else {
				assert.NoError(t, err)
			}

			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			assert.ErrorIs(t, call(ctx), context.Canceled, "an ended context stops the work at once")

			assert.ErrorIs(t, call(newCountdown(3)), context.Canceled, "the work looks at its context as it goes")
		})
	}
}

// TestSuggestWorstCaseEndsWithContext gives Suggest names that all need a full
// comparison, and ends its context in the middle.
func TestSuggestWorstCaseEndsWithContext(t *testing.T) {
	ref := refAtCap()
	clients := nearNames(ref, 2_000)
	got, err := gitscrum.Suggest(context.Background(), clients, ref, 3)
	require.NoError(t, err)
	assert.Len(t, got, 3)
	_, err = gitscrum.Suggest(newCountdown(4), clients, ref, 3)
	assert.ErrorIs(t, err, context.Canceled)
}

// BenchmarkSuggestAtCap times Suggest for a reference at the cap: against 100,000
// generated clients (names far shorter than the reference: the length bound skips
// them), and against names of the same length a few edits away (every name is
// compared, in a band of the table).
func BenchmarkSuggestAtCap(b *testing.B) {
	ref := refAtCap()
	for _, set := range []struct {
		name    string
		clients []gitscrum.ClientCompany
	}{
		{"generated-100k", emulator.GenerateClients(100_000)},
		{"near-10k", nearNames(ref, 10_000)},
	} {
		b.Run(set.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := gitscrum.Suggest(b.Context(), set.clients, ref, 3); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(set.clients)), "ns/client")
		})
	}
}
