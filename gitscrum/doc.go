// Package gitscrum speaks the GitScrum REST API for client companies and holds the
// client-record logic that every adapter shares: searching, resolving a reference to
// one client, the duplicate check before a create, and the changes of an update.
//
// It knows nothing of MCP or Slack. Build a [Client] with [New] and options, then call
// its context-first methods:
//
//	c, err := gitscrum.New(gitscrum.WithToken(token))
//	clients, err := c.ListClients(ctx, "acme")
//
// Every failure is an [*Error] (or wraps one) that can be classified with errors.Is
// against [ErrUnauthorized], [ErrForbidden], [ErrNotFound], [ErrValidation],
// [ErrRateLimited] and [ErrUnavailable].
package gitscrum
