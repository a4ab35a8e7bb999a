package syncbuf_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/syncbuf"
)

// TestConcurrentWrites: writers and readers at once (run with -race); every write
// lands whole, and Bytes is a copy.
func TestConcurrentWrites(t *testing.T) {
	var b syncbuf.Buffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				_, _ = b.Write([]byte("ab\n"))
				_ = b.String()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, strings.Repeat("ab\n", 800), b.String())
	c := b.Bytes()
	c[0] = 'x'
	assert.Equal(t, byte('a'), b.Bytes()[0])
}
