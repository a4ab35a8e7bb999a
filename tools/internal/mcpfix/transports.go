package mcpfix

import (
	"context"
	"io"
	"net/http"

	"github.com/mark3labs/mcp-go/server"
)

// AddHooks adds to h the hooks the workarounds need; build the server with h
// (server.WithHooks), then serve it through [Stdio] or [HTTP].
func AddHooks(h *server.Hooks) {
	h.AddOnError(noteReadError)
	h.AddAfterSubscriptionsListen(awaitListenAck)
}

// Stdio returns the context to run mcp-go's stdio server in (StdioServer.Listen)
// and the writer to give it in place of out: the answers to failed reads are
// rewritten on their way to out (see [NotFound]). The writer reports a rewritten
// message as written whole.
func Stdio(ctx context.Context, out io.Writer) (context.Context, io.Writer) {
	ctx, n := withNotes(ctx)
	return ctx, &stdioWriter{w: out, notes: n}
}

// stdioWriter rewrites the answers to noted reads; mcp-go writes each message
// with a single Write.
type stdioWriter struct {
	w     io.Writer
	notes *notes
}

// Write implements io.Writer.
func (s *stdioWriter) Write(p []byte) (int, error) {
	out, _, rewritten := s.notes.rewrite(p)
	n, err := s.w.Write(out)
	if rewritten && err == nil {
		n = len(p)
	}
	return n, err
}

// HTTP wraps mcp-go's streamable HTTP handler: the answers to failed reads are
// rewritten (a 2026-07-28 -32602 one with status 400), and the answer to
// a subscriptions/listen waits for its acknowledgement.
func HTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, n := withNotes(r.Context())
		r = r.WithContext(ctx)
		ctx, fw := watchFirstWrite(r)
		next.ServeHTTP(&httpWriter{ResponseWriter: w, notes: n, fw: fw}, r.WithContext(ctx))
	})
}

// httpWriter holds back the status of an answer while a noted read may need a
// rewrite, and reports its first Write. mcp-go writes a JSON answer with one
// WriteHeader and one Write, after the request was handled.
type httpWriter struct {
	http.ResponseWriter
	notes  *notes
	fw     *firstWrite
	status int // held back; 0 when none
}

// WriteHeader holds the status back while some read is noted.
func (w *httpWriter) WriteHeader(status int) {
	if w.status == 0 && !w.notes.empty() {
		w.status = status
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write writes p, or its rewrite with the status held back.
func (w *httpWriter) Write(p []byte) (int, error) {
	defer w.fw.done()
	if w.status == 0 {
		return w.ResponseWriter.Write(p)
	}
	status := w.status
	w.status = 0
	out, nt, ok := w.notes.rewrite(p)
	if ok {
		status = nt.httpStatus(status)
	}
	w.ResponseWriter.WriteHeader(status)
	if _, err := w.ResponseWriter.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a held-back status and passes the flush through.
func (w *httpWriter) Flush() {
	if w.status != 0 {
		w.ResponseWriter.WriteHeader(w.status)
		w.status = 0
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *httpWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
