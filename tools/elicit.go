package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// Asking the user instead of failing (MCP elicitation). When a name matches several
// clients (get_client, update_client) or a create finds a duplicate (create_client),
// a client that declared the elicitation capability is asked to let the user choose:
//
//   - on protocol 2026-07-28 (stateless, any transport) the call answers with an
//     input_required result (mcp-go's InputRequestBuilder); the client asks the user
//     and calls again with the answer, and the call starts over with it;
//   - on an earlier protocol that has elicitation (2025-06-18 and later), over a
//     connection that carries server requests (stdio), the server sends
//     elicitation/create itself and waits, at most [Options.AnswerTimeout] and the
//     call's own timeout, for the answer.
//
// Any other client, or an answer that does not fit the question, gets the error of
// before, which lists the candidates or the existing client.

// DefaultAnswerTimeout bounds the wait for the user's answer to a question when
// [Options.AnswerTimeout] is zero.
const DefaultAnswerTimeout = 5 * time.Minute

// Keys of the questions in an input_required result, and the property of each form.
const (
	askPick      = "pick_client"
	askDuplicate = "confirm_duplicate"
	fieldPick    = "client"
	fieldConfirm = "create"
)

// Answers, as the structuredContent of a call the user stopped reports them.
const (
	answerDecline = "decline" // the user declined to answer
	answerCancel  = "cancel"  // the user dismissed the question
	answerNo      = "no"      // the user answered, and said not to go on
)

// askMode is how a call may put a question to the user.
type askMode int

const (
	// askNone (the zero value): the client cannot be asked; the call fails as
	// before.
	_ askMode = iota
	// askRequest: send elicitation/create and wait (protocols before 2026-07-28).
	askRequest
	// askInputRequired: answer input_required; the client retries (2026-07-28).
	askInputRequired
)

// asker puts questions to the user of one call.
type asker struct {
	srv       *server.MCPServer
	mode      askMode
	titled    bool // the protocol has titled enums (oneOf const/title), 2025-11-25 on
	responses mcp.InputResponses
	timeout   time.Duration
}

// newAsker finds out whether and how the client of the call can be asked.
func newAsker(ctx context.Context, req mcp.CallToolRequest, timeout time.Duration) *asker {
	a := &asker{srv: server.ServerFromContext(ctx), responses: req.Params.InputResponses, timeout: timeout}
	if a.timeout <= 0 {
		a.timeout = DefaultAnswerTimeout
	}
	if a.srv == nil {
		return a
	}
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		if canElicitForm(info.ClientCapabilities) {
			a.mode, a.titled = askInputRequired, true
		}
		return a
	}
	session := server.ClientSessionFromContext(ctx)
	withInfo, ok := session.(server.SessionWithClientInfo)
	if !ok {
		return a
	}
	if _, ok := session.(server.SessionWithElicitation); !ok {
		return a
	}
	caps := withInfo.GetClientCapabilities()
	version := server.RequestProtocolVersion(ctx)
	if canElicitForm(&caps) && version >= mcp.ProtocolVersion20250618 {
		a.mode, a.titled = askRequest, version >= mcp.ProtocolVersion20251125
	}
	return a
}

// canElicitForm reports whether capabilities declare form elicitation: an empty
// elicitation capability means form mode.
func canElicitForm(caps *mcp.ClientCapabilities) bool {
	if caps == nil || caps.Elicitation == nil {
		return false
	}
	e := caps.Elicitation
	return e.Form != nil || e.URL == nil
}

// errNotAsked: the question could not be put, or its answer did not fit it; the
// call fails as it did before questions, with note in front of the usual text.
type errNotAsked struct {
	note string
	err  error
}

func (e *errNotAsked) Error() string { return e.note + ": " + e.err.Error() }
func (e *errNotAsked) Unwrap() error { return e.err }

// ask puts a question to the user. It returns the answer; or a result to end the
// call with (input_required: the client asks and calls again); or, when the
// question cannot be put or answered, nil and nil (note says why, if anything
// is worth saying). An error is returned only when the call itself was canceled.
func (a *asker) ask(ctx context.Context, key string, p mcp.ElicitationParams) (ans *mcp.ElicitationResult, pending *mcp.CallToolResult, note string, err error) {
	if _, ok := a.responses[key]; ok {
		if ans = server.ElicitationResponse(a.responses, key); ans == nil {
			return nil, nil, "The client's answer to the question could not be read", nil
		}
		return ans, nil, "", nil
	}
	switch a.mode {
	case askInputRequired:
		return nil, server.NewInputRequestBuilder("").Elicit(key, p).ToolResult(), "", nil
	case askRequest:
		actx, cancel := context.WithTimeout(ctx, a.timeout)
		defer cancel()
		ans, err := a.srv.RequestElicitation(actx, mcp.ElicitationRequest{
			Request: mcp.Request{Method: string(mcp.MethodElicitationCreate)},
			Params:  p,
		})
		switch {
		case ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled):
			return nil, nil, "", ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			return nil, nil, "The user was asked to choose but did not answer in time", nil
		case err != nil || ans == nil:
			return nil, nil, "The user could not be asked to choose (the client refused the question)", nil
		}
		return ans, nil, "", nil
	}
	return nil, nil, "", nil
}

// pickParams is the question "which of these clients?": one required string
// property whose values are the candidates' UUIDs, shown by name.
func (a *asker) pickParams(message string, cands []gitscrum.ClientCompany) mcp.ElicitationParams {
	titles := candidateTitles(cands)
	prop := map[string]any{
		"type":        "string",
		"title":       "Client",
		"description": "The client you mean.",
	}
	if a.titled {
		one := make([]map[string]any, len(cands))
		for i, c := range cands {
			one[i] = map[string]any{"const": c.UUID, "title": titles[i]}
		}
		prop["oneOf"] = one
	} else {
		uuids := make([]string, len(cands))
		for i, c := range cands {
			uuids[i] = c.UUID
		}
		prop["enum"], prop["enumNames"] = uuids, titles
	}
	return mcp.ElicitationParams{
		Message: message,
		RequestedSchema: map[string]any{
			"type":       "object",
			"properties": map[string]any{fieldPick: prop},
			"required":   []string{fieldPick},
		},
	}
}

// candidateTitles names each candidate for a person: the name, with the email
// when there is one; a UUID prefix when two would read alike.
func candidateTitles(cands []gitscrum.ClientCompany) []string {
	out := make([]string, len(cands))
	seen := map[string]int{}
	for i, c := range cands {
		t := oneLine(c.Name)
		if c.Email != "" {
			t += " <" + oneLine(c.Email) + ">"
		}
		out[i] = t
		seen[t]++
	}
	for i, c := range cands {
		if seen[out[i]] > 1 {
			out[i] += " [" + c.UUID[:min(8, len(c.UUID))] + "]"
		}
	}
	return out
}

// picked returns the candidate an accepted answer chose, or false when the answer
// is not one of them.
func picked(ans *mcp.ElicitationResult, cands []gitscrum.ClientCompany) (gitscrum.ClientCompany, bool) {
	content, ok := ans.Content.(map[string]any)
	if !ok {
		return gitscrum.ClientCompany{}, false
	}
	v, ok := content[fieldPick].(string)
	if !ok {
		return gitscrum.ClientCompany{}, false
	}
	for _, c := range cands {
		if c.UUID == v {
			return c, true
		}
	}
	return gitscrum.ClientCompany{}, false
}

// duplicateParams is the question "create a second client anyway?", showing the
// existing ones.
func duplicateParams(slug, name string, existing []gitscrum.ClientCompany) mcp.ElicitationParams {
	var b strings.Builder
	fmt.Fprintf(&b, "Workspace %s already has a client with the same name or email as %q:\n", slug, oneLine(name))
	for _, c := range existing {
		fmt.Fprintf(&b, "- %s (%s)", oneLine(c.Name), c.UUID)
		if c.Email != "" {
			b.WriteString(" " + oneLine(c.Email))
		}
		b.WriteByte('\n')
	}
	b.WriteString("Create a second, separate client anyway?")
	return mcp.ElicitationParams{
		Message: b.String(),
		RequestedSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{fieldConfirm: map[string]any{
				"type":        "boolean",
				"title":       "Create a second client",
				"description": "Yes creates another client; no keeps only the existing one.",
				"default":     false,
			}},
			"required": []string{fieldConfirm},
		},
	}
}

// confirmed reports whether an accepted answer says yes, explicitly: a boolean
// true, nothing else.
func confirmed(ans *mcp.ElicitationResult) (yes, valid bool) {
	content, ok := ans.Content.(map[string]any)
	if !ok {
		return false, false
	}
	v, ok := content[fieldConfirm].(bool)
	return v, ok
}

// stopped is the structuredContent of a call the user stopped: which answer.
type stopped struct {
	Answer string `json:"answer"`
}

// stoppedResult ends a call the user stopped: not an error (nothing failed), with
// the text that says so and what was not done.
func stoppedResult(c *call, answer, outcome, text string) *mcp.CallToolResult {
	if answer == answerCancel {
		outcome = OutcomeCanceled
	}
	c.outcome = outcome
	return result(text, stopped{Answer: answer})
}

// answerWord is how the text says what the user did.
func answerWord(answer string) string {
	switch answer {
	case answerCancel:
		return "dismissed the question"
	case answerNo:
		return "answered no"
	}
	return "declined"
}

// answerOf maps a non-accept action to its answer; unknown actions count as a
// cancel.
func answerOf(action mcp.ElicitationResponseAction) string {
	if action == mcp.ElicitationResponseActionDecline {
		return answerDecline
	}
	return answerCancel
}

// candidateLines lists candidates, one per line, for a text.
func candidateLines(b *strings.Builder, cands []gitscrum.ClientCompany) {
	for _, c := range cands {
		fmt.Fprintf(b, "%s (%s)", oneLine(c.Name), c.UUID)
		if c.Email != "" {
			b.WriteString(" " + oneLine(c.Email))
		}
		b.WriteByte('\n')
	}
}

// resolvePick asks the user to choose among the candidates of an ambiguous
// reference. It returns the chosen client; or a result that ends the call (a
// question pending, or the user's no); or an error that ends it (the question
// could not be put or its answer did not fit, wrapping the original error).
func resolvePick(ctx context.Context, c *call, resErr *gitscrum.ResolveError, message string, stoppedText func(answer string) string) (gitscrum.ClientCompany, *mcp.CallToolResult, error) {
	ans, pending, note, err := c.ask.ask(ctx, askPick, c.ask.pickParams(message, resErr.Candidates))
	switch {
	case err != nil:
		return gitscrum.ClientCompany{}, nil, err
	case pending != nil:
		c.outcome = OutcomeAmbiguous
		return gitscrum.ClientCompany{}, pending, nil
	case ans == nil:
		if note != "" {
			return gitscrum.ClientCompany{}, nil, &errNotAsked{note: note, err: resErr}
		}
		return gitscrum.ClientCompany{}, nil, resErr
	case ans.Action != mcp.ElicitationResponseActionAccept:
		a := answerOf(ans.Action)
		return gitscrum.ClientCompany{}, stoppedResult(c, a, OutcomeAmbiguous, stoppedText(a)), nil
	}
	chosen, ok := picked(ans, resErr.Candidates)
	if !ok {
		return gitscrum.ClientCompany{}, nil, &errNotAsked{note: "The answer to the question was not one of the clients offered", err: resErr}
	}
	return chosen, nil, nil
}
