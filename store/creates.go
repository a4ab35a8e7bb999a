package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// CreateRecords remembers the clients created through the bridge, by workspace
// and normalised name, so that a duplicate check sees a create made through
// another replica a moment ago, before its own cached list of clients shows it.
//
// Its method set uses only standard types, so gitscrum can declare the same
// interface and take a [*Store] as it is.
type CreateRecords interface {
	// RecordCreate records that the client uuid was created in workspace under
	// normalisedName (the name as the duplicate check normalises it, or another key
	// of the check, such as the email). A later record of the same name replaces
	// it.
	RecordCreate(ctx context.Context, workspace, normalisedName, uuid string) error
	// LookupCreate returns the uuid recorded for normalisedName in workspace, and
	// whether there is one. A record says the client was created, not that it still
	// exists: the caller checks it before trusting it.
	LookupCreate(ctx context.Context, workspace, normalisedName string) (uuid string, ok bool, err error)
}

var _ CreateRecords = (*Store)(nil)

// RecordCreate implements [CreateRecords].
func (s *Store) RecordCreate(ctx context.Context, workspace, normalisedName, uuid string) error {
	if workspace == "" || normalisedName == "" || uuid == "" {
		return invalid("a create record needs a workspace, a name and a uuid")
	}
	return s.do(ctx, "record_create", func(ctx context.Context, db *sql.DB) error {
		_, err := db.ExecContext(ctx, `INSERT INTO create_records (key_hash, workspace, client_uuid, created_us) VALUES ($1, $2, $3, $4)
ON CONFLICT (key_hash) DO UPDATE SET client_uuid = excluded.client_uuid, created_us = excluded.created_us`,
			digest("create", workspace, normalisedName), clean(workspace), clean(uuid), micros(time.Now()))
		return err
	})
}

// LookupCreate implements [CreateRecords].
func (s *Store) LookupCreate(ctx context.Context, workspace, normalisedName string) (uuid string, ok bool, err error) {
	err = s.do(ctx, "lookup_create", func(ctx context.Context, db *sql.DB) error {
		err := db.QueryRowContext(ctx, `SELECT client_uuid FROM create_records WHERE key_hash = $1`,
			digest("create", workspace, normalisedName)).Scan(&uuid)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		ok = err == nil
		return err
	})
	return uuid, ok, err
}

// SweepCreates deletes the create records made before olderThan and returns how
// many it deleted.
func (s *Store) SweepCreates(ctx context.Context, olderThan time.Time) (int64, error) {
	return s.execCount(ctx, "sweep_creates", `DELETE FROM create_records WHERE created_us < $1`, micros(olderThan))
}
