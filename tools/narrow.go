package tools

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/settings"
)

// Over HTTP a request may narrow the tools it sees, never widen them: the tools
// the server offers (all four, or the read-only two) are the most any request
// gets.
const (
	// ToolsHeader names the only tools a request may see and call, as a comma
	// list, e.g. "list_clients,get_client". A name that is no tool of this server
	// at all is refused with 400; a write tool named on a read-only server is not
	// offered all the same. Sent more than once (as a proxy that adds its own line
	// does), the request sees only the tools every line names: each narrows.
	ToolsHeader = "X-MCP-Tools"
	// ReadOnlyHeader set to yes (1, true, yes or on, as settings.ParseBool reads
	// every boolean of the server) hides the write tools from the request; no (0,
	// false, no, off) changes nothing; anything else is refused with 400. Sent more
	// than once, any yes hides them.
	ReadOnlyHeader = "X-MCP-Readonly"
	// ReadOnlyPath is [MCPPath] with [ReadOnlyHeader] set: the streamable HTTP
	// endpoint for read-only use, behind the same token rule.
	ReadOnlyPath = MCPPath + "/readonly"
)

// narrowing is what one request may see of the server's tools.
type narrowing struct {
	// only, when not nil, are the only tool names the request may see.
	only map[string]bool
	// readOnly hides the write tools.
	readOnly bool
}

// narrowed reports whether the request sees less than the server offers.
func (n narrowing) narrowed() bool { return n.only != nil || n.readOnly }

// allows reports whether the request may see the tool name, a write tool when
// write is set.
func (n narrowing) allows(name string, write bool) bool {
	if n.readOnly && write {
		return false
	}
	return n.only == nil || n.only[name]
}

// narrowingKey is the context key of a request's narrowing.
type narrowingKey struct{}

// narrowingOf returns the request's narrowing; none outside HTTP.
func narrowingOf(ctx context.Context) narrowing {
	n, _ := ctx.Value(narrowingKey{}).(narrowing)
	return n
}

// filterTools is the server's tool filter: tools/list shows, and tools/call
// accepts, only what the request's narrowing allows. A tool it hides is unknown to
// the request.
func (h *handler) filterTools(ctx context.Context, offered []mcp.Tool) []mcp.Tool {
	n := narrowingOf(ctx)
	if !n.narrowed() {
		return offered
	}
	out := make([]mcp.Tool, 0, len(offered))
	for _, t := range offered {
		if write, ok := h.write[t.Name]; ok && n.allows(t.Name, write) {
			out = append(out, t)
		}
	}
	return out
}

// maxNarrowedTools bounds the names a request's ToolsHeader is read for.
const maxNarrowedTools = 64

// parseNarrowing reads a request's ToolsHeader and ReadOnlyHeader; readOnly forces
// read-only (the ReadOnlyPath). It returns an error text for a 400.
func parseNarrowing(r *http.Request, readOnly bool) (narrowing, string) {
	n := narrowing{readOnly: readOnly}
	for _, v := range r.Header.Values(ReadOnlyHeader) {
		b, err := settings.ParseBool(v)
		if err != nil {
			return n, ReadOnlyHeader + " must be true or false (or 1/0, yes/no, on/off)."
		}
		n.readOnly = n.readOnly || b
	}
	values, ok := r.Header[http.CanonicalHeaderKey(ToolsHeader)]
	if !ok {
		return n, ""
	}
	known := toolNames()
	count := 0
	for i, v := range values {
		line := map[string]bool{}
		for name := range strings.SplitSeq(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if count++; count > maxNarrowedTools {
				return n, ToolsHeader + " names more than " + strconv.Itoa(maxNarrowedTools) + " tools."
			}
			if !slices.Contains(known, name) {
				return n, ToolsHeader + " names " + strconv.Quote(excerpt(name)) + ", which is no tool of this server; its tools are " + strings.Join(known, ", ") + "."
			}
			line[name] = true
		}
		// Each line narrows further: a proxy that adds a line never widens.
		if i == 0 {
			n.only = line
			continue
		}
		maps.DeleteFunc(n.only, func(name string, _ bool) bool { return !line[name] })
	}
	if len(n.only) == 0 {
		if len(values) > 1 {
			return n, ToolsHeader + " is sent " + strconv.Itoa(len(values)) + " times, and its lines name no tool in common; " +
				"each line narrows the tools offered, so send one line (a proxy may have added one)."
		}
		return n, ToolsHeader + " names no tool; list the tools to offer, e.g. list_clients,get_client, or leave the header out."
	}
	return n, ""
}

// excerpt shortens a header value for an error message.
func excerpt(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// narrow binds the request's narrowing to its context, or answers 400 when its
// headers are not understood.
func narrow(readOnly bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, msg := parseNarrowing(r, readOnly)
		if msg != "" {
			httpserver.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "bad_request", "message": msg})
			return
		}
		if n.narrowed() {
			r = r.WithContext(context.WithValue(r.Context(), narrowingKey{}, n))
		}
		next.ServeHTTP(w, r)
	})
}
