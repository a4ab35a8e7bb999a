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
// A Client keeps each workspace's list in a cache per token ([Client.Clients]: one
// listing shared by concurrent callers, fresh for [DefaultCacheTTL], patched by the
// writes made through it, bounded by [DefaultCacheMaxRecords]); lookups resolve names
// against it and fetch the record fresh ([Client.ResolveClient]).
//
// Replicas that share a state store coordinate their writes through it
// ([WithCreateCoordinator], [CreateCoordinator]): one create of a name at a time
// across replicas, the duplicate check seeing another replica's create at once, and
// creates and updates refused with a [*StateStoreError] while the store is out of
// reach. The package knows no store: a coordinator is any value with its methods.
//
// Every failure is an [*Error] (or wraps one) that can be classified with errors.Is
// against [ErrUnauthorized], [ErrForbidden], [ErrNotFound], [ErrValidation],
// [ErrRateLimited] and [ErrUnavailable].
package gitscrum
