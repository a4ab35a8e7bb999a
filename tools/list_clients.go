package tools

import (
	"context"
	"math"

	"github.com/mark3labs/mcp-go/mcp"
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
	limit, err := a.integer("limit", defaultLimit, 1, maxLimit)
	if err != nil {
		return nil, err
	}
	offset, err := a.integer("offset", 0, 0, maxOffset)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, c *call) (*mcp.CallToolResult, error) {
		// The complete list (cached, with its index) searched: a page and its total
		// are always right, however GitScrum paginates. Without a query the page is
		// read from the list itself, in GitScrum's order: no per-client work,
		// however large the workspace. The core checks the slug and the query
		// before it lists.
		found, _, err := c.client.SearchClients(ctx, c.slug, query)
		if err != nil {
			return nil, err
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
