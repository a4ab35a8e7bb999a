package tools

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
)

// Every failure of a tool call becomes a tool result with isError: true (never a
// JSON-RPC error), whose text says what happened and what to do next. Texts never
// contain a token: gitscrum errors are redacted at the source, and nothing here
// prints a header.

// Outcomes of a tool call, as told to [Options.Observe] and logged: words of the one
// vocabulary both binaries log and count (package internal/outcome). Several error
// classes share a word; the log line's error says which.
const (
	OutcomeOK           = outcome.OK
	OutcomeBadArguments = outcome.Invalid      // arguments that do not fit the tool
	OutcomeNoWorkspace  = outcome.Invalid      // no company_slug and no default
	OutcomeNoToken      = outcome.Unauthorized // no GitScrum token to send
	OutcomeUnauthorized = outcome.Unauthorized // GitScrum refused the token
	OutcomeForbidden    = outcome.Forbidden
	OutcomeNotFound     = outcome.NotFound
	OutcomeAmbiguous    = outcome.Ambiguous
	OutcomeDuplicate    = outcome.Duplicate
	OutcomeValidation   = outcome.Invalid // GitScrum's or our validation refused a value
	OutcomeRateLimited  = outcome.RateLimited
	OutcomeUnavailable  = outcome.Unavailable
	OutcomeCanceled     = outcome.Canceled
	OutcomeError        = outcome.Error         // an answer or an error no class names
	OutcomeInternal     = outcome.InternalError // the tool handler panicked (recovered, the stack logged): a bug
)

// internalErrorText answers a tool call whose handler panicked.
const internalErrorText = "Internal error in the gitscrum-mcp server; the server's log has the details. Retrying a read is safe."

// errNoWorkspace: neither the call nor the server names a workspace: input that does
// not fit, in the one classification ([outcome.Of]).
var errNoWorkspace = fmt.Errorf("no workspace: %w", outcome.ErrInvalid)

// errNoToken: the server has no GitScrum token to send, a token that is missing.
var errNoToken = fmt.Errorf("no token: %w", gitscrum.ErrUnauthorized)

// failure is what the error text needs to know about the call that failed.
type failure struct {
	tool   string
	slug   string
	source tokenSource
	// guarded is set for a create_client call with the duplicate guard on, which
	// makes a retry safe even when the first attempt may have created the client.
	guarded bool
}

// errorResult turns err into an isError tool result and returns the outcome label.
func errorResult(err error, f failure) (*mcp.CallToolResult, string) {
	text, outcome := explain(err, f)
	var notAsked *errNotAsked
	if errors.As(err, &notAsked) {
		text = notAsked.note + ". " + text
	}
	return mcp.NewToolResultError(text), outcome
}

// explain returns the text for the model and the outcome label of err. The label is
// [outcome.Of]'s, the one classification both adapters share; this package only
// words it.
func explain(err error, f failure) (string, string) {
	word := outcome.Of(err)
	return errorText(err, word, f), word
}

// errorText words err, whose outcome is word, for the model: what happened and what
// to do next.
func errorText(err error, word string, f failure) string {
	var (
		argErr *ArgError
		resErr *gitscrum.ResolveError
		dupErr *gitscrum.DuplicateError
		gsErr  *gitscrum.Error
	)
	switch {
	case errors.As(err, &argErr):
		return argErr.Msg
	case errors.Is(err, errNoWorkspace):
		return "No workspace given, and the server has no default one. Pass company_slug (the workspace's slug, as in its GitScrum URL), " +
			"or set GITSCRUM_COMPANY_SLUG (or --company-slug) in the MCP server's configuration and restart it."
	case errors.Is(err, errNoToken):
		return "No GitScrum token is configured, so nothing was sent. Create a token in GitScrum under Settings → API, " +
			"set it as GITSCRUM_TOKEN in the MCP server's environment (the \"env\" block of the client's server config) and restart the server; " +
			"or start the server with --sandbox to try it on demo data."
	case errors.As(err, &resErr):
		return resolveText(resErr, f)
	case errors.As(err, &dupErr):
		return duplicateText(dupErr, f)
	case errors.Is(err, gitscrum.ErrStateStore):
		return stateStoreText(f)
	case errors.As(err, &gsErr):
		return gitscrumText(gsErr, f)
	}
	switch word {
	case outcome.Canceled:
		return "The call was canceled before GitScrum answered."
	case outcome.Unavailable:
		if errors.Is(err, context.DeadlineExceeded) {
			return "GitScrum did not answer in time. " + retryAdvice(nil, f)
		}
		return "GitScrum is unavailable. " + retryAdvice(nil, f)
	case outcome.Error:
		return "Unexpected error: " + err.Error()
	case outcome.InternalError: // a panic: its value is for the log, not for the model
		return internalErrorText
	}
	return "The call failed (" + word + "): " + err.Error()
}

// stateStoreText explains a write refused because the state store could not be
// reached: nothing was sent, reads work.
func stateStoreText(f failure) string {
	return fmt.Sprintf("The gitscrum-mcp server's state store (the database its replicas share) cannot be reached, so %s was refused "+
		"and nothing was sent to GitScrum: nothing was created or changed. Reads (list_clients, get_client) still work. "+
		"Retry the write in a minute, once the state store is back; retrying is safe.", f.tool)
}

// resolveText explains a client reference that matched several clients or none, or,
// for a write, did not name one client exactly.
func resolveText(e *gitscrum.ResolveError, f failure) string {
	var b strings.Builder
	ref := gitscrum.Excerpt(e.Ref)
	if len(e.Candidates) > 0 {
		if e.Exact {
			fmt.Fprintf(&b, "%q is not exactly the name of one client in workspace %s, so nothing was changed: "+
				"%s changes a client only when client is its UUID or its full name exactly as listed (case, accents, spacing and punctuation aside). "+
				"It matches", ref, f.slug, f.tool)
			if len(e.Candidates) > 1 {
				fmt.Fprintf(&b, " %d clients", len(e.Candidates))
			}
		} else {
			fmt.Fprintf(&b, "%q matches %d clients in workspace %s", ref, len(e.Candidates), f.slug)
			if f.tool == toolUpdate {
				b.WriteString("; nothing was changed")
			}
		}
		b.WriteString(":\n")
		for _, c := range e.Candidates {
			fmt.Fprintf(&b, "%s (%s)", oneLine(c.Name), c.UUID)
			if c.Email != "" {
				b.WriteString(" " + oneLine(c.Email))
			}
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "Call %s again with the UUID of the one you mean as client (ask the user if unsure).", f.tool)
		return b.String()
	}
	if strings.TrimSpace(e.Ref) == "" {
		return fmt.Sprintf("Argument \"client\" of %s is required: give the client's UUID or name.", f.tool)
	}
	if gitscrum.LooksLikeUUID(strings.TrimSpace(e.Ref)) {
		return fmt.Sprintf("No client with UUID %s in workspace %s (404). Check the UUID and the workspace; list_clients shows each client's UUID.", strings.TrimSpace(e.Ref), f.slug)
	}
	fmt.Fprintf(&b, "No client in workspace %s matches %q (404).", f.slug, ref)
	if len(e.Suggestions) > 0 {
		fmt.Fprintf(&b, " Closest names: %s. Call %s again with one of them, or", strings.Join(quoteAll(e.Suggestions), ", "), f.tool)
	} else {
		b.WriteString(" Call")
	}
	b.WriteString(" list_clients with a shorter query to search.")
	return b.String()
}

// duplicateText explains a create refused by the duplicate guard.
func duplicateText(e *gitscrum.DuplicateError, f failure) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Not created: workspace %s already has a client with the same name or email:\n", f.slug)
	for _, c := range e.Existing {
		recordText(&b, toRecord(c))
		b.WriteString("\n")
	}
	b.WriteString("If this is the client meant (for example, an earlier attempt of this same call succeeded), use it: get_client or update_client with its UUID. " +
		"Only if the user wants a second, separate client, call create_client again with allow_duplicate: true.")
	return b.String()
}

// gitscrumText explains a failed GitScrum call by its class.
func gitscrumText(e *gitscrum.Error, f failure) string {
	status := ""
	if e.StatusCode != 0 {
		status = fmt.Sprintf(" (%d %s)", e.StatusCode, http.StatusText(e.StatusCode))
	}
	switch {
	case errors.Is(e, gitscrum.ErrUnauthorized):
		return unauthorizedText(e, f, status)
	case errors.Is(e, gitscrum.ErrForbidden):
		return fmt.Sprintf("GitScrum refused this action%s: the token may not %s clients in workspace %s. "+
			"Use a token with that permission, or ask an administrator of the workspace. Retrying will not help.",
			status, verb(f.tool), f.slug)
	case errors.Is(e, gitscrum.ErrNotFound):
		if e.Code == "WORKSPACE_NOT_FOUND" {
			return fmt.Sprintf("Workspace %q was not found%s. Check company_slug: it is the workspace's slug, as in its GitScrum URL, and the token must belong to a member of it.", f.slug, status)
		}
		return fmt.Sprintf("Not found%s: %s. list_clients shows the clients of workspace %s and their UUIDs.", status, e.Message, f.slug)
	case errors.Is(e, gitscrum.ErrValidation):
		return validationText(e, status)
	case errors.Is(e, gitscrum.ErrRateLimited):
		return "GitScrum is rate limiting requests" + status + ". " + waitText(e.RetryAfter) + " " + retryAdvice(e, f)
	case errors.Is(e, gitscrum.ErrUnavailable):
		what := "GitScrum is unavailable" + status
		if e.StatusCode == 0 && e.Message != "" {
			what = "GitScrum is unavailable (" + e.Message + ")"
		}
		text := what + ". " + retryAdvice(e, f)
		if e.RetryAfter > 0 {
			text += " " + waitText(e.RetryAfter)
		}
		return text
	case errors.Is(e, gitscrum.ErrCanceled):
		return "The call was canceled before GitScrum answered."
	}
	// A status of no class: an answer this bridge does not expect (outcome "error").
	return fmt.Sprintf("GitScrum gave an answer this server does not expect%s: %s. %s If it keeps happening, tell the server's operator.",
		status, strings.TrimRight(e.Message, "."), retryAdvice(e, f))
}

// unauthorizedText tells how to fix the token, depending on where it came from.
func unauthorizedText(e *gitscrum.Error, f failure, status string) string {
	problem := "it is missing, invalid or expired"
	if e.TokenExpired() {
		problem = "it has expired"
	}
	switch f.source {
	case sourceHeader:
		return fmt.Sprintf("GitScrum refused the token sent in this request's Authorization header%s: %s. "+
			"Send a valid GitScrum API token (GitScrum → Settings → API) as \"Authorization: Bearer <token>\". Retrying with the same token will fail again.", status, problem)
	case sourceSandbox:
		return "The sandbox refused its own token" + status + "; restart the server with --sandbox."
	}
	return fmt.Sprintf("GitScrum refused the server's token%s: %s. Create a new token in GitScrum under Settings → API, "+
		"set it as GITSCRUM_TOKEN in the MCP server's environment (the \"env\" block of the client's server config) and restart the server. "+
		"Retrying with the same token will fail again.", status, problem)
}

// validationText lists each refused field with its message.
func validationText(e *gitscrum.Error, status string) string {
	var b strings.Builder
	if e.StatusCode == 0 {
		b.WriteString("Invalid input; nothing was sent to GitScrum:")
	} else {
		fmt.Fprintf(&b, "GitScrum refused the input%s; nothing was changed:", status)
	}
	if len(e.Fields) == 0 {
		b.WriteString(" " + e.Message + "\n")
	} else {
		b.WriteByte('\n')
		for _, name := range fieldOrder(e.Fields) {
			fmt.Fprintf(&b, "- %s: %s\n", name, strings.Join(e.Fields[name], "; "))
		}
	}
	b.WriteString("Fix these arguments and call again.")
	return b.String()
}

// fieldOrder lists the fields of a validation error: the editable fields in display
// order first, then the others alphabetically.
func fieldOrder(fields map[string][]string) []string {
	var out []string
	for _, k := range []string{"company_slug", "client", "uuid", "fields"} {
		if _, ok := fields[k]; ok {
			out = append(out, k)
		}
	}
	for _, f := range gitscrum.EditableFields {
		if _, ok := fields[string(f)]; ok {
			out = append(out, string(f))
		}
	}
	var rest []string
	for k := range fields {
		known := false
		for _, o := range out {
			known = known || o == k
		}
		if !known {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// retryAdvice says whether calling again is safe.
func retryAdvice(e *gitscrum.Error, f failure) string {
	if f.tool != toolCreate {
		if f.tool == toolUpdate {
			return "Retrying is safe: an update sets the same values again."
		}
		return "Retrying is safe."
	}
	// Nothing was created when the failed request was not the create itself (the
	// duplicate check's list), never left the process, or was refused with a 4xx.
	if e != nil && !e.MayHaveChanged() {
		return "Nothing was created; retrying is safe."
	}
	if f.guarded {
		return "The client may or may not have been created. Retrying create_client is safe: it refuses to create a duplicate and shows the existing client instead."
	}
	return "The client may have been created: call list_clients with its name as query before retrying, or a second client may result."
}

// waitText says how long to wait before retrying.
func waitText(d time.Duration) string {
	if d <= 0 {
		return "Wait a few seconds before retrying."
	}
	secs := int((d + time.Second - 1) / time.Second)
	return fmt.Sprintf("Retry after %d %s.", secs, plural(secs, "second", "seconds"))
}

// verb is what a tool does to clients, for the 403 text.
func verb(tool string) string {
	switch tool {
	case toolCreate:
		return "create"
	case toolUpdate:
		return "change"
	}
	return "read"
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
