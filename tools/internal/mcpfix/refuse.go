package mcpfix

import (
	"context"
	"errors"

	"github.com/mark3labs/mcp-go/mcp"
)

// RefuseParams returns the error an OnRequestInitialization hook returns to refuse
// request id before mcp-go handles it, for its parameters: answered -32602
// (invalid params) with message msg and data (nil for none). mcp-go answers every
// such refusal -32600 (invalid request) without data; [Stdio] and [HTTP] rewrite
// the answer to carry what is named here. Its HTTP status stays mcp-go's, 400 on
// 2026-07-28 and 200 before, which is what mcp-go gives a -32602 of its own.
func RefuseParams(ctx context.Context, id any, msg string, data any) error {
	if n, _ := ctx.Value(notesKey{}).(*notes); n != nil {
		n.put(id, note{code: mcp.INVALID_PARAMS, data: data})
	}
	return errors.New(msg)
}
