-- Linked accounts, Slack identities, one-time links and channel settings
-- (SQLite). A token is stored only sealed (AES-256-GCM, by package accounts) with
-- the id of its key and a keyed MAC; a link only as the SHA-256 of its secret.
-- Times are Unix microseconds; 0 means "not yet".

-- +goose Up
CREATE TABLE accounts (
    id         TEXT PRIMARY KEY,
    workspace  TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    sealed     BLOB NOT NULL,
    token_mac  BLOB NOT NULL,
    created_us INTEGER NOT NULL,
    updated_us INTEGER NOT NULL,
    broken_us  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX accounts_key_id ON accounts (key_id);
CREATE INDEX accounts_token_mac ON accounts (token_mac);

CREATE TABLE slack_identities (
    team_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    linked_us  INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id)
) WITHOUT ROWID;
CREATE INDEX slack_identities_account ON slack_identities (account_id);

CREATE TABLE link_tokens (
    hash       BLOB PRIMARY KEY,
    team_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    workspace  TEXT NOT NULL,
    expires_us INTEGER NOT NULL,
    used_us    INTEGER NOT NULL DEFAULT 0,
    failures   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX link_tokens_expires ON link_tokens (expires_us);

CREATE TABLE channel_settings (
    team_id    TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    workspace  TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_us INTEGER NOT NULL,
    PRIMARY KEY (team_id, channel_id)
) WITHOUT ROWID;

ALTER TABLE audit_log ADD COLUMN account TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE audit_log DROP COLUMN account;
DROP TABLE channel_settings;
DROP TABLE link_tokens;
DROP TABLE slack_identities;
DROP TABLE accounts;
