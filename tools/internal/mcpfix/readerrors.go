package mcpfix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// readError is an error of a resources/read handler with the JSON-RPC code and
// data its answer must carry. A code of 0 is the missing-resource code of the
// request's protocol version (see notFoundCode).
type readError struct {
	code int
	msg  string
	data any
}

func (e *readError) Error() string { return e.msg }

// NotFound returns the error a resources/read handler returns for a resource
// that does not exist: answered -32602 from protocol version 2026-07-28 on, -32002
// before, with message msg and the URI in its data.
func NotFound(uri, msg string) error {
	return &readError{msg: msg, data: map[string]string{"uri": uri}}
}

// InvalidParams returns the error a resources/read handler returns for a request
// it cannot answer as asked (for example a name that matches several resources):
// answered -32602 with message msg and data, which must encode to JSON (nil for
// none).
func InvalidParams(msg string, data any) error {
	return &readError{code: mcp.INVALID_PARAMS, msg: msg, data: data}
}

// modern reports whether the request speaks protocol version 2026-07-28 or later.
func modern(ctx context.Context) bool {
	return mcp.IsModernProtocol(server.RequestProtocolVersion(ctx))
}

// notFoundCode is the JSON-RPC code of a missing resource for the request's
// protocol version: -32602 from 2026-07-28 on, -32002 before.
func notFoundCode(ctx context.Context) int {
	if modern(ctx) {
		return mcp.INVALID_PARAMS
	}
	return mcp.RESOURCE_NOT_FOUND
}

// note is what the rewrite of one answer needs: its code and data, and whether
// the request is a 2026-07-28 one (whose HTTP status follows the code).
type note struct {
	code   int
	data   any
	modern bool
}

// httpStatus is the HTTP status of the rewritten answer, given mcp-go's: a
// 2026-07-28 -32602 is a 400, as mcp-go maps its own.
func (nt note) httpStatus(status int) int {
	if nt.modern && nt.code == mcp.INVALID_PARAMS {
		return http.StatusBadRequest
	}
	return status
}

// notes are the failed reads of one stream (the stdio session, or one HTTP
// request) whose answers are rewritten, by request id.
type notes struct {
	mu sync.Mutex
	m  map[string]note
}

// notesKey is the context key of a stream's notes.
type notesKey struct{}

// withNotes returns ctx carrying a new, empty notes.
func withNotes(ctx context.Context) (context.Context, *notes) {
	n := &notes{}
	return context.WithValue(ctx, notesKey{}, n), n
}

// idKey is the canonical JSON of a request id, the same from the hook's decoded
// id and from the answer's raw one.
func idKey(id any) (string, bool) {
	if raw, ok := id.(json.RawMessage); ok {
		if err := json.Unmarshal(raw, &id); err != nil {
			return "", false
		}
	}
	b, err := json.Marshal(id)
	return string(b), err == nil && id != nil
}

func (n *notes) put(id any, nt note) {
	key, ok := idKey(id)
	if !ok {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.m == nil {
		n.m = map[string]note{}
	}
	n.m[key] = nt
}

func (n *notes) empty() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.m) == 0
}

func (n *notes) take(id json.RawMessage) (note, bool) {
	key, ok := idKey(id)
	if !ok {
		return note{}, false
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	nt, found := n.m[key]
	delete(n.m, key)
	return nt, found
}

// noteReadError is the OnError hook that notes a failed read whose answer the
// transport rewrites: one of this package's errors, or a URI nothing matches.
func noteReadError(ctx context.Context, id any, method mcp.MCPMethod, message any, err error) {
	if method != mcp.MethodResourcesRead {
		return
	}
	n, _ := ctx.Value(notesKey{}).(*notes)
	if n == nil {
		return
	}
	var re *readError
	switch {
	case errors.As(err, &re):
		code := re.code
		if code == 0 {
			code = notFoundCode(ctx)
		}
		n.put(id, note{code: code, data: re.data, modern: modern(ctx)})
	case errors.Is(err, server.ErrResourceNotFound):
		if req, ok := message.(*mcp.ReadResourceRequest); ok {
			n.put(id, note{code: notFoundCode(ctx), data: map[string]string{"uri": req.Params.URI}, modern: modern(ctx)})
		}
	}
}

// rewrite returns msg with the code and data of a noted read, and the note; msg
// unchanged and false when it answers no noted read. The message stays mcp-go's
// (the handler's own words).
func (n *notes) rewrite(msg []byte) ([]byte, note, bool) {
	if n.empty() || !bytes.Contains(msg, []byte(`"error"`)) {
		return msg, note{}, false
	}
	var answer struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(msg, &answer) != nil || answer.Error == nil {
		return msg, note{}, false
	}
	nt, ok := n.take(answer.ID)
	if !ok {
		return msg, note{}, false
	}
	errObj := map[string]any{"code": nt.code, "message": answer.Error.Message}
	if nt.data != nil {
		errObj["data"] = nt.data
	}
	// Written as it reads: a message's "<" and ">" stay themselves, not \u003c.
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any{"jsonrpc": answer.JSONRPC, "id": answer.ID, "error": errObj}); err != nil {
		return msg, note{}, false
	}
	if !bytes.HasSuffix(msg, []byte("\n")) {
		out.Truncate(out.Len() - 1)
	}
	return out.Bytes(), nt, true
}
