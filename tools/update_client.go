package tools

import (
	"context"
	"errors"
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
	return spec{def: def, write: true, link: true, parse: parseUpdate}
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
	var done *gitscrum.UpdateResult
	update := func(ctx context.Context, c *call) (*mcp.CallToolResult, error) {
		req.CompanySlug = c.slug
		res, err := c.client.UpdateClientByRef(ctx, ref, req)
		var resErr *gitscrum.ResolveError
		if errors.As(err, &resErr) && len(resErr.Candidates) > 0 {
			chosen, end, err := resolvePick(ctx, c, resErr, pickMessage(ref, c.slug, len(resErr.Candidates), updateQuestion(resErr)),
				func(answer string) string { return updateStoppedText(ref, c.slug, answer, resErr.Candidates) })
			if end != nil || err != nil {
				return end, err
			}
			if res, err = c.client.UpdateClientByRef(ctx, chosen.UUID, req); err != nil {
				return nil, err
			}
		} else if err != nil {
			return nil, err
		}
		done = res
		out := updateResult{Client: toRecord(res.After), Changes: make([]change, 0, len(res.Changes))}
		for _, ch := range res.Changes {
			out.Changes = append(out.Changes, change{Field: string(ch.Field), Before: ch.Before, After: ch.After})
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Updated in workspace %s:\n", c.slug)
		changesText(&b, out.Changes)
		recordText(&b, out.Client)
		return withLink(result(b.String(), out), c.slug, out.Client), nil
	}
	return func(ctx context.Context, c *call) (*mcp.CallToolResult, error) {
		res, err := update(ctx, c)
		recordUpdate(ctx, c, ref, done, err)
		return res, err
	}, nil
}

// updateQuestion is the question of an update whose reference is not exactly one
// client's: which one to change (even when only one matches, the user confirms it).
func updateQuestion(e *gitscrum.ResolveError) string {
	if len(e.Candidates) == 1 {
		return "It is not the client's exact name. Is this the client to change?"
	}
	return "Which one should be changed?"
}

// updateStoppedText says that the user stopped an update_client call at the pick.
func updateStoppedText(ref, slug, answer string, cands []gitscrum.ClientCompany) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Nothing was changed: %q is not exactly one client's name in workspace %s and the user %s when asked which client to change. It matches:\n",
		gitscrum.Excerpt(ref), slug, answerWord(answer))
	candidateLines(&b, cands)
	b.WriteString("Do not retry unless the user asks; to change one, call update_client with its UUID as client.")
	return b.String()
}
