// Package store is the one place the bridge keeps state beyond a process: what a
// restart must not forget and what replicas behind one load balancer must share.
//
// Each concern is a small interface with its contract:
//
//   - [Deliveries]: Slack request signatures and Events API event ids already
//     answered, so a replay (after a restart, or onto another replica) is refused;
//   - [CreateLocks]: a create of one normalised name in a workspace is held by one
//     holder at a time, across replicas, and released by time when its holder dies;
//   - [CreateRecords]: the clients created through the bridge, by workspace and
//     normalised name, so a duplicate check sees a create another replica made a
//     moment ago;
//   - [Audit]: one row for every write attempted through an adapter, asked for by
//     client, newest first, naming the person and the linked account it used;
//   - [Accounts]: the GitScrum accounts people linked (each token sealed by
//     package accounts) and the Slack identities pointing at them;
//   - [Links]: the one-time links to the page where a person links their
//     account, used once, atomically;
//   - [ChannelSettings]: the default workspace a Slack channel set for itself.
//
// [*Store] implements them all with SQL on database/sql, over one of two drivers
// chosen by the URL given to [Open]: a file path or sqlite: URL is an embedded
// SQLite database (pure Go, no cgo; one replica), the default being a file under
// the user's state directory ([DefaultPath]); a postgres:// URL is PostgreSQL, for
// more than one replica. [MemoryURL] is an in-memory SQLite database for a sandbox.
//
// The schema is embedded and migrated by goose when the store opens, under a
// database lock, so replicas starting together apply each migration exactly once; a
// database whose schema is newer than the binary's is refused with a
// [*SchemaTooNewError], never downgraded. [Open] returns at once and migrates in the
// background: the first use of the store (or [Store.Ready]) waits for it.
//
// When the database cannot be reached (PostgreSQL down, the SQLite file locked past
// its busy timeout), every method fails with an error matching [ErrUnavailable]
// that names the state store, [Store.Health] reports the store degraded, and both
// recover by themselves when the database comes back. An [Options.Observer] sees
// the latency and error of every operation, for metrics.
//
// Nothing stored is a secret in the clear: delivery keys, lock keys and link
// secrets are stored as SHA-256 digests, an audit actor is an id or a keyed hash,
// and a linked token only sealed under a key the store never sees.
package store
