// Package mcpfix holds, in one place, the workarounds for what
// github.com/mark3labs/mcp-go v1.2.1 puts on the wire wrongly for this server:
//
//   - Read errors. mcp-go answers any error of a resources/read handler with
//     -32603 (internal error) and no data, and a URI that no resource or template
//     matches with no data. A handler here returns [NotFound] or [InvalidParams],
//     and the answer carries the code and data they name: a missing resource is
//     -32602 from protocol version 2026-07-28 on, -32002 before, with the URI in
//     its data; over HTTP a -32602 answer is a 400, as mcp-go maps its own.
//   - Refusals before dispatch. mcp-go answers every error of an
//     OnRequestInitialization hook -32600 (invalid request) without data. A hook
//     here returns [RefuseParams], and the answer is -32602 with the data it names.
//   - The listen acknowledgement. Over streamable HTTP mcp-go can drop the
//     notifications/subscriptions/acknowledged of a subscriptions/listen that it
//     answers at once; the answer is held back until the acknowledgement is out.
//
// A server takes them with [AddHooks] on the hooks it is built with, and then
// per transport: [Stdio] for the stdio server's output, [HTTP] around the
// streamable HTTP handler. Both rewrite mcp-go's output as it writes it: they
// rely on its writing each stdio message with one Write and each JSON answer
// over HTTP with one WriteHeader and one Write, after the request was handled.
//
// Each workaround has a test that runs a bare mcp-go server without it and
// fails once mcp-go no longer shows the bug; the workaround is deleted then.
package mcpfix
