// Package outcome names how a call ended, in the one vocabulary that both binaries
// use: the "outcome" of every log line about an MCP tool call or a Slack request,
// the outcome label of gitscrum_bridge_calls_total on /metrics, and the rows of the
// troubleshooting table in docs/operations.md. Adapters report these words as they
// are; nothing maps one vocabulary onto another.
package outcome

// The words. Each says what happened, not where: the log line's other fields (the
// tool or subcommand, the error) say which part failed.
const (
	// OK: the call succeeded.
	OK = "ok"
	// Invalid: the input was refused before any write: bad arguments, a command
	// line that does not parse, a validation error (ours or GitScrum's), a request
	// that is not a slash command, or a slash command other than the configured one.
	Invalid = "invalid"
	// NotFound: no client (or workspace) matched.
	NotFound = "not_found"
	// Ambiguous: a reference matched several clients; the answer lists them.
	Ambiguous = "ambiguous"
	// Duplicate: a create was refused because the client exists.
	Duplicate = "duplicate"
	// Unauthorized: a credential was missing or refused: a bad Slack signature,
	// no GitScrum token, or a token GitScrum refused (401).
	Unauthorized = "unauthorized"
	// Forbidden: the action is not allowed: read-only mode, a Slack user not in
	// SLACK_WRITE_USERS, or GitScrum's 403.
	Forbidden = "forbidden"
	// RateLimited: GitScrum answered 429.
	RateLimited = "rate_limited"
	// Unavailable: GitScrum failed (5xx), was unreachable or too slow, or the
	// bridge could not take the request (shutting down, at capacity).
	Unavailable = "unavailable"
	// Canceled: the work was cancelled before it ended: the caller gave up, or
	// the process shut down while it ran.
	Canceled = "canceled"
	// Replayed: a signed Slack request that was already received was refused.
	Replayed = "replayed"
	// ReplyLost: the command ran to its end but its answer could not be delivered
	// to Slack (the response_url refused it, was not allowed, or could not be
	// reached). The log line's command_outcome says how the command itself ended.
	ReplyLost = "reply_lost"
	// Error: anything else, to look into: an answer from GitScrum of a status the
	// bridge does not expect (a redirect, a 409 that is no validation failure), as
	// when the API URL points at something else than the API, or an error no class
	// names.
	Error = "error"
	// InternalError: a panic in a Slack listener or an MCP tool handler, recovered:
	// a bug. The stack is logged with it; the person or model was answered and the
	// process serves on.
	InternalError = "internal_error"
)

// all is the vocabulary in the order docs/operations.md lists it.
var all = []string{OK, Invalid, NotFound, Ambiguous, Duplicate, Unauthorized, Forbidden,
	RateLimited, Unavailable, Canceled, Replayed, ReplyLost, Error, InternalError}

// All returns every word of the vocabulary.
func All() []string { return append([]string(nil), all...) }

// Valid reports whether s is a word of the vocabulary.
func Valid(s string) bool {
	for _, w := range all {
		if w == s {
			return true
		}
	}
	return false
}
