package tools

import (
	"context"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// MaxCompletions is the most values one completion/complete answer carries (the
// protocol's own cap); total and hasMore tell of the rest.
const MaxCompletions = 100

// completer answers completion/complete for the arguments of [ClientTemplate] and
// [HistoryTemplate]:
// company_slug completes to the default workspace, client to the names of the
// workspace's clients that match what was typed, best first (the ranking of
// list_clients), from the list cache.
type completer struct{ h *handler }

// CompleteResourceArgument implements server.ResourceCompletionProvider.
func (c completer) CompleteResourceArgument(ctx context.Context, uri string, arg mcp.CompleteArgument, cctx mcp.CompleteContext) (*mcp.Completion, error) {
	none := &mcp.Completion{Values: []string{}}
	if uri != ClientTemplate && uri != HistoryTemplate {
		return none, nil
	}
	switch arg.Name {
	case "company_slug":
		slug := c.h.slug
		if slug == "" || !strings.HasPrefix(strings.ToLower(slug), strings.ToLower(strings.TrimSpace(arg.Value))) {
			return none, nil
		}
		return &mcp.Completion{Values: []string{slug}, Total: 1}, nil
	case "client":
		return c.clients(ctx, cctx.Arguments["company_slug"], arg.Value)
	}
	return none, nil
}

// clients completes a client name in the workspace slug (else the default one).
// Input the search refuses (too long, control characters) completes to nothing.
func (c completer) clients(ctx context.Context, slug, typed string) (*mcp.Completion, error) {
	none := &mcp.Completion{Values: []string{}}
	if slug = strings.TrimSpace(unescape(slug)); slug == "" {
		slug = c.h.slug
	}
	if slug == "" {
		return none, nil
	}
	ctx, cancel, client, f, err := c.h.readCall(ctx, slug)
	defer cancel()
	if err != nil {
		return nil, err
	}
	snap, err := client.Clients(ctx, slug)
	if err != nil {
		// f says whose token it was: the request's own, over HTTP.
		f.tool = toolList
		return nil, readFailure(err, f)
	}
	matches, err := snap.Index().Search(ctx, typed)
	if err != nil {
		return none, nil
	}
	// Names that hold what was typed, best first, each once: two clients of one
	// name complete to it once (a read by it then lists both). A client found by
	// its email or website only is left out: its name would not continue the text.
	typedNorm := gitscrum.Normalize(typed)
	seen := make(map[string]bool, min(len(matches), MaxCompletions))
	values := make([]string, 0, min(len(matches), MaxCompletions))
	total := 0
	for _, m := range matches {
		name := m.Client.Name
		if seen[name] || name == "" {
			continue
		}
		if m.Field != gitscrum.FieldName && m.Field != "" && !strings.Contains(gitscrum.Normalize(name), typedNorm) {
			continue
		}
		seen[name] = true
		total++
		if len(values) < MaxCompletions {
			values = append(values, name)
		}
	}
	return &mcp.Completion{Values: values, Total: total, HasMore: total > len(values)}, nil
}
