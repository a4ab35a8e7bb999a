package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// TestNewTokenDefaults: without a flag or variable, the new-token limits are the
// documented defaults, and a flag sets each.
func TestNewTokenDefaults(t *testing.T) {
	_, o, err := parse(nil, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, tools.NewTokenLimits{PerAddr: 30, Total: 600}, o.newTokens)
	_, o, err = parse([]string{"--new-tokens-per-addr=5", "--new-tokens-total=50"}, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, tools.NewTokenLimits{PerAddr: 5, Total: 50}, o.newTokens)
}
