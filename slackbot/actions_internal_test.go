package slackbot

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestActionValue(t *testing.T) {
	v := actionValue{Workspace: "demo", ID: "c-1", Query: "a\"b", Page: 2}
	s, err := v.encode()
	require.NoError(t, err)
	got, err := decodeActionValue(s)
	require.NoError(t, err)
	assert.Equal(t, v, got)

	_, err = actionValue{Name: strings.Repeat("x", maxActionValue)}.encode()
	require.Error(t, err)
	for _, bad := range []string{"", "not json", `{"p":-1}`, strings.Repeat("[", maxActionValue*4+1)} {
		_, err := decodeActionValue(bad)
		assert.Error(t, err, bad)
	}
}

func FuzzDecodeActionValue(f *testing.F) {
	f.Add(`{"w":"demo","id":"x","p":3}`)
	f.Add(`{"w":1}`)
	f.Fuzz(func(t *testing.T, s string) {
		v, err := decodeActionValue(s)
		if err != nil {
			return
		}
		if enc, err := v.encode(); err == nil {
			back, err := decodeActionValue(enc)
			require.NoError(t, err)
			assert.Equal(t, v, back)
		}
	})
}
