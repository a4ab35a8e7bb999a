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
		"Search or page through the clients (customer companies) of a GitScrum workspace. "+
			"Use it to find a client's UUID, or to see which clients exist; get_client gives one client's full record. "+
			"query matches name, email, website or UUID, ignoring case and accents; best matches come first. "+
			"Returns name and UUID per client, total (matches in all) and next_offset when more follow: call again with offset=next_offset. "+
			"Errors say what to fix; they are safe to retry.",
		hints(true, false, true), listOutputSchema,
		[]string{"query", "limit", "offset"},
		mcp.WithString("query", mcp.Description("Text to look for, e.g. part of a name or an email domain. Omit to list every client.")),
		mcp.WithInteger("limit", mcp.Description("Clients per page, 1-200; default 25."), mcp.Min(1), mcp.Max(maxLimit)),
		mcp.WithInteger("offset", mcp.Description("Matches to skip; default 0. Use next_offset from the previous page."), mcp.Min(0)),
	)
	return spec{def: def, parse: parseList}
}

func parseList(a args) (work, error) {
	query, _, err := a.str("query")
	if err != nil {
		return nil, err
	}
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
		matches, err := snap.Index().Search(ctx, query)
		if err != nil {
			return nil, err
		}
		total := len(matches)
		from, to := min(offset, total), min(offset+limit, total)
		out := listResult{Total: total, Offset: offset, Clients: make([]summary, 0, to-from)}
		for _, m := range matches[from:to] {
			out.Clients = append(out.Clients, summary{UUID: m.Client.UUID, Name: m.Client.Name})
		}
		if to < total {
			next := to
			out.NextOffset = &next
		}
		return result(listText(c.slug, query, out.Clients, total, offset, out.NextOffset), out), nil
	}, nil
}
