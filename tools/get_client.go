package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
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
	return spec{def: def, link: true, parse: parseGet}
}

func parseGet(a args) (work, error) {
	ref, err := a.requiredStr("client", "the client's UUID or name")
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, c *call) (*mcp.CallToolResult, error) {
		cc, err := c.client.ResolveClient(ctx, c.slug, ref)
		var resErr *gitscrum.ResolveError
		if errors.As(err, &resErr) && errors.Is(err, gitscrum.ErrAmbiguous) && len(resErr.Candidates) > 0 {
			chosen, end, err := resolvePick(ctx, c, resErr, pickMessage(ref, c.slug, len(resErr.Candidates), "Which one do you mean?"),
				func(answer string) string { return getStoppedText(ref, c.slug, answer, resErr.Candidates) })
			if end != nil || err != nil {
				return end, err
			}
			if cc, err = c.client.ResolveClient(ctx, c.slug, chosen.UUID); err != nil {
				return nil, err
			}
		} else if err != nil {
			return nil, err
		}
		rec := toRecord(*cc)
		var b strings.Builder
		recordText(&b, rec)
		return withLink(result(b.String(), clientResult{Client: rec}), c.slug, rec), nil
	}, nil
}

// pickMessage is the question put to the user when ref matches several clients.
func pickMessage(ref, slug string, n int, question string) string {
	return fmt.Sprintf("%q matches %d clients in workspace %s. %s", gitscrum.Excerpt(ref), n, slug, question)
}

// getStoppedText says that the user stopped a get_client call at the pick.
func getStoppedText(ref, slug, answer string, cands []gitscrum.ClientCompany) string {
	var b strings.Builder
	fmt.Fprintf(&b, "No client shown: %q matches %d clients in workspace %s and the user %s when asked which one. They were:\n",
		gitscrum.Excerpt(ref), len(cands), slug, answerWord(answer))
	candidateLines(&b, cands)
	b.WriteString("Do not ask again unless the user wants to; they may name the client by its UUID.")
	return b.String()
}
