package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

func updateClientSpec() spec {
	def := newTool(toolUpdate, "Update client",
		"Change fields of one client, named by UUID or exact full name (not part of one). "+
			"Only fields passed change; \"\" clears one (not name). "+
			"Returns the record and each change, before → after. If not exact, nothing changes: retry with a UUID from the error. "+
			"To add a client, use create_client.",
		hints(false, true, true), updateOutputSchema,
		[]string{"client", "name", "email", "phone", "website", "address", "notes"},
		mcp.WithString("client", mcp.Required(), mcp.Description("UUID, or the full name exactly as listed.")),
		mcp.WithString("name"),
		mcp.WithString("email"),
		mcp.WithString("phone"),
		mcp.WithString("website", mcp.Description(websiteArg)),
		mcp.WithString("address"),
		mcp.WithString("notes", mcp.Description("Replaces the old notes.")),
	)
	return spec{def: def, write: true, parse: parseUpdate}
}

func parseUpdate(a args) (work, error) {
	ref, err := a.requiredStr("client", "the client's UUID or name")
	if err != nil {
		return nil, err
	}
	var req gitscrum.UpdateClientRequest
	for _, f := range gitscrum.EditableFields {
		v, given, err := a.str(string(f))
		if err != nil {
			return nil, err
		}
		if given {
			req.Set(f, v)
		}
	}
	if len(req.Named()) == 0 {
		return nil, &ArgError{Tool: toolUpdate, Msg: "update_client needs at least one field to change: name, email, phone, website, address or notes " +
			"(pass \"\" to clear one). Fields not passed are left as they are."}
	}
	return func(ctx context.Context, c *call) (*mcp.CallToolResult, error) {
		req.CompanySlug = c.slug
		res, err := c.client.UpdateClientByRef(ctx, ref, req)
		if err != nil {
			return nil, err
		}
		out := updateResult{Client: toRecord(res.After), Changes: make([]change, 0, len(res.Changes))}
		for _, ch := range res.Changes {
			out.Changes = append(out.Changes, change{Field: string(ch.Field), Before: ch.Before, After: ch.After})
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Updated in workspace %s:\n", c.slug)
		changesText(&b, out.Changes)
		recordText(&b, out.Client)
		return result(b.String(), out), nil
	}, nil
}
