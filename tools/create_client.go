package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

func createClientSpec() spec {
	def := newTool(toolCreate, "Create client",
		"Create a client (customer company); returns the record. "+
			"If one with a similar name or the same email exists, nothing is created and the error shows it: "+
			"use it, or set allow_duplicate if the user wants a second. "+
			"To change a client, use update_client.",
		hints(false, false, false), clientOutputSchema,
		[]string{"name", "email", "phone", "website", "address", "notes", "allow_duplicate"},
		mcp.WithString("name", mcp.Required()),
		mcp.WithString("email"),
		mcp.WithString("phone"),
		mcp.WithString("website", mcp.Description(websiteArg)),
		mcp.WithString("address"),
		mcp.WithString("notes"),
		mcp.WithBoolean("allow_duplicate", mcp.Description("Create even if one exists.")),
	)
	return spec{def: def, write: true, parse: parseCreate}
}

func parseCreate(a args) (work, error) {
	var req gitscrum.CreateClientRequest
	name, err := a.requiredStr("name", "the company name")
	if err != nil {
		return nil, err
	}
	req.Set(gitscrum.FieldName, name)
	for _, f := range gitscrum.EditableFields[1:] {
		v, _, err := a.str(string(f))
		if err != nil {
			return nil, err
		}
		req.Set(f, v)
	}
	allowDup, err := a.boolean("allow_duplicate", false)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, c *call) (*mcp.CallToolResult, error) {
		c.fail.guarded = !allowDup
		req.CompanySlug = c.slug
		cc, err := c.client.CreateClientIfNew(ctx, req, allowDup)
		if err != nil {
			return nil, err
		}
		rec := toRecord(*cc)
		var b strings.Builder
		fmt.Fprintf(&b, "Created in workspace %s:\n", c.slug)
		recordText(&b, rec)
		return result(b.String(), clientResult{Client: rec}), nil
	}, nil
}
