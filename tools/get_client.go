package tools

import (
	"context"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

func getClientSpec() spec {
	def := newTool(toolGet, "Get client",
		"A client's full record by UUID or name; "+
			"partial names match, ignoring case and accents. If several match, the error lists them: retry with a UUID. "+
			"To search or browse, use list_clients.",
		hints(true, false, true), clientOutputSchema,
		[]string{"client"},
		mcp.WithString("client", mcp.Required(), mcp.Description(clientArg)),
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
