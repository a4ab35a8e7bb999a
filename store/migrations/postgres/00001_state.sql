-- The state store's first schema (PostgreSQL). Times are Unix microseconds; keys
-- are SHA-256 digests, so no stored key is a secret.

-- +goose Up
CREATE TABLE deliveries (
    key_hash BYTEA PRIMARY KEY,
    until_us BIGINT NOT NULL
);
CREATE INDEX deliveries_until ON deliveries (until_us);

CREATE TABLE create_locks (
    key_hash   BYTEA PRIMARY KEY,
    workspace  TEXT NOT NULL,
    holder     TEXT NOT NULL,
    expires_us BIGINT NOT NULL
);
CREATE INDEX create_locks_expires ON create_locks (expires_us);

CREATE TABLE create_records (
    key_hash    BYTEA PRIMARY KEY,
    workspace   TEXT NOT NULL,
    client_uuid TEXT NOT NULL,
    created_us  BIGINT NOT NULL
);
CREATE INDEX create_records_created ON create_records (created_us);

CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_us       BIGINT NOT NULL,
    surface     TEXT NOT NULL,
    actor       TEXT NOT NULL,
    workspace   TEXT NOT NULL,
    client_uuid TEXT NOT NULL,
    client_name TEXT NOT NULL,
    changes     JSONB NOT NULL,
    outcome     TEXT NOT NULL
);
CREATE INDEX audit_log_client ON audit_log (workspace, client_uuid, at_us DESC, id DESC);
CREATE INDEX audit_log_at ON audit_log (at_us);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE create_records;
DROP TABLE create_locks;
DROP TABLE deliveries;
