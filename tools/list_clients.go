package tools

import (
	"context"
	"math"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// Paging bounds of list_clients.
const (
	defaultLimit = 25
	maxLimit     = 200
	maxOffset    = math.MaxInt32
)

func listClientsSpec() spec {
	def := newTool(toolList, "List clients",
		"Search a GitScrum workspace's clients (customer companies) by name, email, website or UUID, or page through all. "+
			"Returns name and UUID per match, best first; if next_offset is set, pass it as offset for more. "+
			"For a full record, use get_client.",
		hints(true, false, true), listOutputSchema,
		[]string{"query", "limit", "offset"},
		mcp.WithString("query", mcp.Description("Text to match. Omit for all.")),
		mcp.WithInteger("limit", mcp.Description("Page size; default 25."), mcp.Min(1), mcp.Max(maxLimit)),
		mcp.WithInteger("offset", mcp.Description("next_offset from the previous page."), mcp.Min(0)),
	)
	return spec{def: def, parse: parseList}
}

func parseList(a args) (work, error) {
	query, _, err := a.str("query")
	if err != nil {
		return nil, err
	}
	// The one check made here rather than in the operation: the search validates
	// the query only once it has the workspace's list, which may cost a request.
	if err := gitscrum.ValidateQuery(query); err != nil {
		return nil, err
	}
	limit, err := a.integer("limit", defaultLimit, 1, maxLimit)
	if err != nil {
		return nil, err
	}
	offset, err := a.integer("offset", 0, 0, maxOffset)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, c *call) (*mcp.CallToolResult, error) {
		// The complete list (cached, with its index), searched here: a page and its
		// total are always right, however GitScrum paginates.
		snap, err := c.client.Clients(ctx, c.slug)
		if err != nil {
			return nil, err
		}
		// Without a query, the page is read from the list itself: no per-client
		// work, however large the workspace.
		found := snap.InOrder()
		if gitscrum.Normalize(query) != "" {
			matches, err := snap.Index().Search(ctx, query)
			if err != nil {
				return nil, err
			}
			found = gitscrum.MatchesView(matches)
		}
		total := found.Len()
		from, to := min(offset, total), min(offset+limit, total)
		out := listResult{Total: total, Offset: offset, Clients: make([]summary, 0, to-from)}
		for i := from; i < to; i++ {
			c := found.At(i)
			out.Clients = append(out.Clients, summary{UUID: c.UUID, Name: c.Name})
		}
		if to < total {
			next := to
			out.NextOffset = &next
		}
		return result(listText(c.slug, query, out.Clients, total, offset, out.NextOffset), out), nil
	}, nil
}
