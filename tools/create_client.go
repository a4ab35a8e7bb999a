package tools

import (
	"context"
	"errors"
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
	return spec{def: def, write: true, link: true, parse: parseCreate}
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
	var created *gitscrum.ClientCompany
	create := func(ctx context.Context, c *call) (*mcp.CallToolResult, error) {
		c.fail.guarded = !allowDup
		req.CompanySlug = c.slug
		cc, err := c.client.CreateClientIfNew(ctx, req, allowDup)
		var dupErr *gitscrum.DuplicateError
		if errors.As(err, &dupErr) {
			ans, pending, note, askErr := c.ask.ask(ctx, askDuplicate, duplicateParams(c.slug, name, dupErr.Existing))
			switch {
			case askErr != nil:
				return nil, askErr
			case pending != nil:
				c.outcome = OutcomeDuplicate
				return pending, nil
			case ans == nil && note != "":
				return nil, &errNotAsked{note: note, err: dupErr}
			case ans == nil:
				return nil, dupErr
			case ans.Action != mcp.ElicitationResponseActionAccept:
				a := answerOf(ans.Action)
				return stoppedResult(c, a, OutcomeDuplicate, duplicateStoppedText(c.slug, a, dupErr.Existing)), nil
			}
			yes, valid := confirmed(ans)
			switch {
			case !valid:
				return nil, &errNotAsked{note: "The answer to the question was not a yes or a no", err: dupErr}
			case !yes:
				return stoppedResult(c, answerNo, OutcomeDuplicate, duplicateStoppedText(c.slug, answerNo, dupErr.Existing)), nil
			}
			c.fail.guarded = false
			cc, err = c.client.CreateClientIfNew(ctx, req, true)
		}
		if err != nil {
			return nil, err
		}
		created = cc
		rec := toRecord(*cc)
		var b strings.Builder
		fmt.Fprintf(&b, "Created in workspace %s:\n", c.slug)
		recordText(&b, rec)
		return withLink(result(b.String(), clientResult{Client: rec}), c.slug, rec), nil
	}
	return func(ctx context.Context, c *call) (*mcp.CallToolResult, error) {
		res, err := create(ctx, c)
		recordCreate(ctx, c, req, created, err)
		return res, err
	}, nil
}

// duplicateStoppedText says that the user did not confirm a second client.
func duplicateStoppedText(slug, answer string, existing []gitscrum.ClientCompany) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Not created: workspace %s already has a client with the same name or email, and the user %s when asked whether to create a second one. Existing:\n",
		slug, answerWord(answer))
	candidateLines(&b, existing)
	b.WriteString("Use the existing client (get_client or update_client with its UUID); do not create it again unless the user asks.")
	return b.String()
}
