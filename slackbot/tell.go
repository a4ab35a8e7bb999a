package slackbot

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// msgOptions returns the Web API options posting msg: its blocks and fallback.
func msgOptions(msg *slack.WebhookMessage) []slack.MsgOption {
	opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false)}
	if msg.Blocks != nil {
		opts = append(opts, slack.MsgOptionBlocks(msg.Blocks.BlockSet...))
	}
	return opts
}

// tell shows msg to userID alone where they started: an ephemeral message in
// channelID, or a DM from the bot when that fails or there is no channel.
func (b *Bot) tell(ctx context.Context, userID, channelID string, msg *slack.WebhookMessage) error {
	web, err := b.webAPI()
	if err != nil {
		return err
	}
	if channelID != "" {
		_, err = web.PostEphemeralContext(ctx, channelID, userID, msgOptions(msg)...)
		if err == nil {
			return nil
		}
		b.log.Debug("chat.postEphemeral failed; sending a DM instead", "error", err)
	}
	if _, _, dmErr := web.PostMessageContext(ctx, userID, msgOptions(msg)...); dmErr != nil {
		return fmt.Errorf("tell the user: %w", errors.Join(err, dmErr))
	}
	return nil
}

// answer shows msg to the user who clicked: through the payload's response_url
// (replacing the message clicked when replace is set), else as [Bot.tell] does.
func (b *Bot) answer(ctx context.Context, ia *interaction, msg *slack.WebhookMessage, replace bool) error {
	msg.ReplaceOriginal = replace
	if replace {
		msg.ResponseType = ""
	}
	if ia.cb.ResponseURL != "" && b.responseURLs.check(ia.cb.ResponseURL) == nil {
		err := b.deliver(ia.cb.ResponseURL, msg)
		if err == nil || b.web == nil {
			return err
		}
		b.log.Debug("post to the response_url failed; using the Web API", "error", err)
	}
	msg.ReplaceOriginal = false
	return b.tell(ctx, ia.userID(), ia.cb.Channel.ID, msg)
}

// noBotTokenMessage says what an interactive part needs without a bot token.
func noBotTokenMessage(slash, what string) *slack.WebhookMessage {
	return errorMessage(slash, blockkit.Ours(blockkit.Escape(what)+" needs the Slack app's bot token, which gitscrum-slack was not given."),
		blockkit.Ours("An admin must set "+code("SLACK_BOT_TOKEN", 40)+" (xoxb-…, OAuth & Permissions → Bot User OAuth Token) and restart gitscrum-slack. "+
			"Meanwhile the slash command works: "+code(slash+" create <name> email=…", 100)+", "+code(slash+" update <name|uuid> field=value", 100)+"."), nil)
}
