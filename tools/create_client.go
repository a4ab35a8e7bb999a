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
		"Create a client (customer company) in a GitScrum workspace; returns the new record. "+
			"If a client with the same name (ignoring case, accents and punctuation) or the same email exists, nothing is created and the error shows that client: "+
			"use it, or call again with allow_duplicate: true only if the user wants a second one. So a retried call never creates two. "+
			"Validation errors name each field to fix.",
		hints(false, false, false), clientOutputSchema,
		[]string{"name", "email", "phone", "website", "address", "notes", "allow_duplicate"},
		mcp.WithString("name", mcp.Required(), mcp.Description("Company name.")),
		mcp.WithString("email", mcp.Description("Contact email, like billing@example.com.")),
		mcp.WithString("phone", mcp.Description("Phone number.")),
		mcp.WithString("website", mcp.Description("http:// or https:// URL.")),
		mcp.WithString("address", mcp.Description("Postal address; may span lines.")),
		mcp.WithString("notes", mcp.Description("Internal notes.")),
		mcp.WithBoolean("allow_duplicate", mcp.Description("Create even if a client with the same name or email exists. Default false.")),
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
