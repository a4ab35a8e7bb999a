package receiver

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzReplayKey: whatever the headers, replayKey does not panic, and a signature
// spelt in upper or lower case gives the same key.
func FuzzReplayKey(f *testing.F) {
	f.Add("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", "1531420618")
	f.Add("v0=zz", "soon")
	f.Add("", "")
	f.Add("v0=ABCDEF", "+1531420618")
	f.Fuzz(func(t *testing.T, sig, ts string) {
		h := http.Header{}
		h.Set("X-Slack-Signature", sig)
		h.Set("X-Slack-Request-Timestamp", ts)
		key, until, err := replayKey(h)
		if err != nil {
			return
		}
		assert.Equal(t, strings.ToLower(key), key, "the key is canonical")
		assert.False(t, until.IsZero())
		h.Set("X-Slack-Signature", "v0="+strings.ToUpper(strings.TrimPrefix(sig, "v0=")))
		upper, _, err := replayKey(h)
		require.NoError(t, err)
		assert.Equal(t, key, upper)
	})
}
