package tools

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestToolPanicIsInternalError: a tool handler that panics is recovered: the model
// gets an isError result saying so, the call is counted and logged with the outcome
// internal_error, and the stack is in the log.
func TestToolPanicIsInternalError(t *testing.T) {
	var logs bytes.Buffer
	var calls []Call
	h := &handler{log: slog.New(slog.NewTextHandler(&logs, nil)), observe: func(c Call) { calls = append(calls, c) }}
	sp := spec{def: mcp.NewTool("boom"), parse: func(args) (work, error) { panic("kaboom") }}

	res, err := h.wrap(sp)(context.Background(), mcp.CallToolRequest{})
	require.NoError(t, err)
	require.True(t, res.IsError)
	require.Len(t, res.Content, 1)
	assert.Equal(t, internalErrorText, res.Content[0].(mcp.TextContent).Text)
	require.Len(t, calls, 1)
	assert.Equal(t, "internal_error", calls[0].Outcome)
	assert.Contains(t, logs.String(), "tool call panicked")
	assert.Contains(t, logs.String(), "outcome=internal_error")
	assert.Contains(t, logs.String(), "kaboom")
	assert.Contains(t, logs.String(), "panic_internal_test.go", "the stack is logged")
}
