// Package state wires the state store (package store) into a binary: it reads
// which database to use and its pool bounds from the environment and flags (a
// flag wins), opens the store in the background so that starting is never slower,
// feeds the store's operations and health to the metrics, sweeps expired rows
// (Slack delivery ids, ended create locks, old create records and audit entries
// past their retention), and reports the store's state on /healthz.
//
// The database is a file path or sqlite: URL (embedded SQLite, exactly one
// replica), a postgres:// URL (PostgreSQL, any number of replicas sharing it), or,
// when nothing is set, a SQLite file under the user's state directory
// ([store.DefaultPath]); --sandbox without a database is an in-memory database.
package state
