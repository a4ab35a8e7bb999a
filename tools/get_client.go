package tools

import (
	"context"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

func getClientSpec() spec {
	def := newTool(toolGet, "Get client",
		"Get one client's full record (name, email, phone, website, address, notes, projects_count, invoices_total, created_at) by UUID or by name. "+
			"A name may be partial and ignores case and accents. "+
			"If it matches several clients, the error lists them with UUIDs: call again with the right UUID. "+
			"If it matches none, the error suggests the closest names.",
		hints(true, false, true), clientOutputSchema,
		[]string{"client"},
		mcp.WithString("client", mcp.Required(), mcp.Description("The client's UUID, or its name or a unique part of it.")),
	)
	return spec{def: def, parse: parseGet}
}

func parseGet(a args) (work, error) {
	ref, err := a.requiredStr("client", "the client's UUID or name")
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, c *call) (*mcp.CallToolResult, error) {
		cc, err := c.client.ResolveClient(ctx, c.slug, ref)
		if err != nil {
			return nil, err
		}
		rec := toRecord(*cc)
		var b strings.Builder
		recordText(&b, rec)
		return result(b.String(), clientResult{Client: rec}), nil
	}, nil
}
