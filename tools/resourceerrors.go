package tools

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

// A read of a resource that does not exist is a JSON-RPC error with the URI in its
// data: -32602 from protocol version 2026-07-28 on, -32002 before. mcp-go v1.2.1
// answers an error of a resource handler with -32603 and no data, and a URI that
// no template matches with the right code but no data; it offers no way to choose.
// So this thin wrapper does it: an OnError hook notes, per request id, the reads
// that failed for a missing resource, and the stdio and HTTP transports of this
// package rewrite those answers' code and data on their way out. The message stays
// mcp-go's (the handler's own words for a missing client).

// readNotes are the failed reads of one stream (the stdio session, or one HTTP
// request), by request id.
type readNotes struct {
	mu sync.Mutex
	m  map[string]missingNote
}

// missingNote is what a rewrite needs: the URI and the code for the request's
// protocol version.
type missingNote struct {
	uri  string
	code int
}

// readNotesKey is the context key of a stream's readNotes.
type readNotesKey struct{}

// withReadNotes returns ctx carrying a new, empty readNotes.
func withReadNotes(ctx context.Context) (context.Context, *readNotes) {
	n := &readNotes{}
	return context.WithValue(ctx, readNotesKey{}, n), n
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

func (n *readNotes) put(id any, note missingNote) {
	key, ok := idKey(id)
	if !ok {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.m == nil {
		n.m = map[string]missingNote{}
	}
	n.m[key] = note
}

func (n *readNotes) empty() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.m) == 0
}

func (n *readNotes) take(id json.RawMessage) (missingNote, bool) {
	key, ok := idKey(id)
	if !ok {
		return missingNote{}, false
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	note, found := n.m[key]
	delete(n.m, key)
	return note, found
}

// noteMissingResource is the OnError hook that notes a read of a missing resource.
func noteMissingResource(ctx context.Context, id any, method mcp.MCPMethod, message any, err error) {
	if method != mcp.MethodResourcesRead {
		return
	}
	notes, _ := ctx.Value(readNotesKey{}).(*readNotes)
	if notes == nil {
		return
	}
	var missing *missingResource
	switch {
	case errors.As(err, &missing):
		notes.put(id, missingNote{uri: missing.uri, code: missing.code})
	case errors.Is(err, server.ErrResourceNotFound):
		if req, ok := message.(*mcp.ReadResourceRequest); ok {
			notes.put(id, missingNote{uri: req.Params.URI, code: notFoundCode(ctx)})
		}
	}
}

// rewrite returns msg with the code and data of a noted missing resource, and the
// note; msg unchanged and false when it answers no noted read.
func (n *readNotes) rewrite(msg []byte) ([]byte, missingNote, bool) {
	if n.empty() || !bytes.Contains(msg, []byte(`"error"`)) {
		return msg, missingNote{}, false
	}
	var answer struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(msg, &answer) != nil || answer.Error == nil {
		return msg, missingNote{}, false
	}
	note, ok := n.take(answer.ID)
	if !ok {
		return msg, missingNote{}, false
	}
	out, err := json.Marshal(map[string]any{
		"jsonrpc": answer.JSONRPC,
		"id":      answer.ID,
		"error": map[string]any{
			"code":    note.code,
			"message": answer.Error.Message,
			"data":    map[string]string{"uri": note.uri},
		},
	})
	if err != nil {
		return msg, missingNote{}, false
	}
	if bytes.HasSuffix(msg, []byte("\n")) {
		out = append(out, '\n')
	}
	return out, note, true
}

// resourceErrors gives each HTTP request its readNotes and rewrites its answer
// when it is a noted missing resource: from 2026-07-28 on, with HTTP status 400,
// as mcp-go maps -32602.
func resourceErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, notes := withReadNotes(r.Context())
		next.ServeHTTP(&notesWriter{ResponseWriter: w, notes: notes}, r.WithContext(ctx))
	})
}

// notesWriter holds back the status of an answer while a noted read may need a
// rewrite. mcp-go writes a JSON answer with one WriteHeader and one Write, after
// the request was handled.
type notesWriter struct {
	http.ResponseWriter
	notes  *readNotes
	status int // held back; 0 when none
}

func (w *notesWriter) WriteHeader(status int) {
	if w.status == 0 && !w.notes.empty() {
		w.status = status
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *notesWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		return w.ResponseWriter.Write(p)
	}
	status := w.status
	w.status = 0
	out, note, ok := w.notes.rewrite(p)
	if ok && note.code == mcp.INVALID_PARAMS {
		status = http.StatusBadRequest
	}
	w.ResponseWriter.WriteHeader(status)
	if _, err := w.ResponseWriter.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush passes a flush through.
func (w *notesWriter) Flush() {
	if w.status != 0 {
		w.ResponseWriter.WriteHeader(w.status)
		w.status = 0
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *notesWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
