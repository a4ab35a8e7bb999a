package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// ChannelSettings keeps what a Slack channel set for itself: the GitScrum
// workspace its commands use by default.
type ChannelSettings interface {
	// ChannelWorkspace returns the channel's default workspace, "" when unset.
	ChannelWorkspace(ctx context.Context, teamID, channelID string) (string, error)
	// SetChannelWorkspace sets the channel's default workspace to slug, as set
	// by by (a [SlackActor]); "" clears it.
	SetChannelWorkspace(ctx context.Context, teamID, channelID, slug, by string) error
}

var _ ChannelSettings = (*Store)(nil)

// ChannelWorkspace implements [ChannelSettings].
func (s *Store) ChannelWorkspace(ctx context.Context, teamID, channelID string) (slug string, err error) {
	err = s.do(ctx, "channel_workspace", func(ctx context.Context, db *sql.DB) error {
		slug = ""
		err := db.QueryRowContext(ctx, `SELECT workspace FROM channel_settings WHERE team_id = $1 AND channel_id = $2`,
			clean(teamID), clean(channelID)).Scan(&slug)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return slug, err
}

// SetChannelWorkspace implements [ChannelSettings].
func (s *Store) SetChannelWorkspace(ctx context.Context, teamID, channelID, slug, by string) error {
	if teamID == "" || channelID == "" {
		return invalid("a channel setting needs a team id and a channel id")
	}
	if slug == "" {
		_, err := s.execCount(ctx, "set_channel_workspace", `DELETE FROM channel_settings WHERE team_id = $1 AND channel_id = $2`,
			clean(teamID), clean(channelID))
		return err
	}
	_, err := s.execCount(ctx, "set_channel_workspace", `INSERT INTO channel_settings (team_id, channel_id, workspace, updated_by, updated_us)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (team_id, channel_id) DO UPDATE SET workspace = excluded.workspace, updated_by = excluded.updated_by, updated_us = excluded.updated_us`,
		clean(teamID), clean(channelID), clean(slug), clean(by), micros(time.Now()))
	return err
}
