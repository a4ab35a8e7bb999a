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
		"Change fields of one client, named by its UUID or its full name exactly as listed (case, accents and punctuation aside; part of a name is not enough: use list_clients to find it). "+
			"Only the fields you pass change; \"\" clears a field (name cannot be cleared); pass at least one. "+
			"Returns the updated record and each change as before → after. "+
			"If client is not exactly one client's name, nothing changes and the error lists the clients it could mean: call again with the UUID.",
		hints(false, true, true), updateOutputSchema,
		[]string{"client", "name", "email", "phone", "website", "address", "notes"},
		mcp.WithString("client", mcp.Required(), mcp.Description("The client's UUID, or its full name exactly as listed.")),
		mcp.WithString("name", mcp.Description("New company name.")),
		mcp.WithString("email", mcp.Description("New contact email.")),
		mcp.WithString("phone", mcp.Description("New phone number.")),
		mcp.WithString("website", mcp.Description("New http:// or https:// URL.")),
		mcp.WithString("address", mcp.Description("New postal address.")),
		mcp.WithString("notes", mcp.Description("New internal notes (replaces the old).")),
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
