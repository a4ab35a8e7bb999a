package slackbot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// Linking a person's GitScrum account: a "Connect GitScrum" button whose URL is a
// one-time link to the connect page (package web), made afresh for each prompt,
// bound to the person, shown only to them.

// Labels and ids of the connect prompt.
const (
	// ConnectLabel is the label of the button that opens the connect page.
	ConnectLabel = "Connect GitScrum"
	// DisconnectLabel is the label of the button that deletes the person's token.
	DisconnectLabel = "Disconnect"
	// blockConnect is the block_id of the actions of a connect prompt.
	blockConnect = "gitscrum_connect"
)

// Texts of the prompts, as the person reads them.
const (
	brokenText       = "GitScrum refused your linked token; connect again."
	connectFirstText = "Connect your GitScrum account first: here, GitScrum is used as the person asking, with their own GitScrum permissions."
	connectWriteText = "Creating and changing clients needs your own GitScrum account: connect it first. Looking clients up works without it."
	connectText      = "Connect your GitScrum account: from then on, what you do here is done as you in GitScrum, with your own permissions."
)

// person is who asked, as a connect link needs them.
type person struct {
	id accounts.Identity
	// name is the name Slack sent with the request (a command's user_name), used
	// when users.info cannot be asked; "" when none came.
	name string
	// channel is where they asked, "" when nowhere (the App Home).
	channel string
}

// linking reports whether account linking is turned on.
func (b *Bot) linking() bool { return b.cfg.Accounts != nil }

// slackUser asks Slack (users.info) about userID.
func (b *Bot) slackUser(ctx context.Context, userID string) (*slack.User, error) {
	web, err := b.webAPI()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, WebAPITimeout)
	defer cancel()
	u, err := web.GetUserInfoContext(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("users.info: %w", err)
	}
	return u, nil
}

// slackName returns p's name as Slack shows it (users.info: the real name, else
// the display name, else the user name), or p.name when Slack cannot be asked,
// or the user id.
func (b *Bot) slackName(ctx context.Context, p person) string {
	if u, err := b.slackUser(ctx, p.id.UserID); err == nil {
		for _, n := range []string{u.RealName, u.Profile.RealName, u.Profile.DisplayName, u.Name} {
			if n = strings.TrimSpace(n); n != "" {
				return n
			}
		}
	} else if !errors.Is(err, errNoBotToken) {
		b.log.Debug("users.info failed; the connect page names the person as the request did", "error", err)
	}
	if n := strings.TrimSpace(p.name); n != "" {
		return n
	}
	return p.id.UserID
}

// connectLink makes a fresh one-time link for p and returns its URL and when it
// expires. The page's form starts with the workspace commands in p's channel use
// (the channel's default, else Config.Workspace).
func (b *Bot) connectLink(ctx context.Context, p person) (string, time.Time, error) {
	ws, err := b.channelWorkspace(ctx, p.id.TeamID, p.channel)
	if err != nil {
		b.log.Warn("the channel's default workspace could not be read for a connect link", "error", err)
	}
	if ws == "" {
		ws = b.cfg.Workspace
	}
	secret, expires, err := b.cfg.Accounts.NewLink(ctx, p.id, accounts.LinkRequest{UserName: b.slackName(ctx, p), ChannelID: p.channel, Workspace: ws})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("make a connect link: %w", err)
	}
	return b.cfg.ConnectURL(secret), expires, nil
}

// connectPrompt returns the message asking p to connect: title (a line of ours)
// above a Connect GitScrum button with a fresh one-time link, and how the link
// works. Without a link (the store failing), it says to try again.
func (b *Bot) connectPrompt(ctx context.Context, p person, title blockkit.Line) *slack.WebhookMessage {
	if !b.linking() {
		return linkingOffMessage(b.cfg.Command)
	}
	url, expires, err := b.connectLink(ctx, p)
	if err != nil {
		b.log.Error("could not make a connect link", "team_id", p.id.TeamID, "user_id", p.id.UserID, "error", err)
		return errorMessage(b.cfg.Command, title, blockkit.Ours("A connect link could not be made just now: the bridge's state store did not answer. Try "+
			code(b.cfg.Command+" connect", 60)+" in a minute."), nil)
	}
	return connectMessage(title, url, expires)
}

// connectMessage renders a connect prompt: title, the Connect GitScrum button
// opening url, and how the link works.
func connectMessage(title blockkit.Line, url string, expires time.Time) *slack.WebhookMessage {
	btn := slack.NewButtonBlockElement(ActionConnect, "", blockkit.Plain(ConnectLabel))
	btn.URL = url
	btn.Style = slack.StylePrimary
	return blockkit.Message(slack.ResponseTypeEphemeral, title.Text()+" Open the "+ConnectLabel+" button.",
		title.Block(),
		slack.NewActionBlock(blockConnect, btn),
		blockkit.Context(blockkit.Ours(linkNote(expires))),
	)
}

// linkNote says how a one-time link works.
func linkNote(expires time.Time) string {
	return "The link works once, for " + minutesLeft(expires) + ", and only for you: it opens a page where you paste a GitScrum API token. Do not share it."
}

// minutesLeft words the time until t, as "10 minutes".
func minutesLeft(t time.Time) string {
	m := int(time.Until(t).Round(time.Minute) / time.Minute)
	if m <= 1 {
		return "a minute"
	}
	return fmt.Sprintf("%d minutes", m)
}

// refusedAnswer is the answer to a request refused as r says, for p.
func (b *Bot) refusedAnswer(ctx context.Context, p person, r *refusal) answer {
	switch {
	case r.err != nil:
		return answer{msg: stateLookupMessage(b.cfg.Command, r.err), result: ResultUnavailable, err: r.err}
	case r.connect:
		return answer{msg: b.connectPrompt(ctx, p, connectTitle(r)), result: ResultUnauthorized, err: errNeedsAccount, private: true}
	}
	return answer{msg: refusalMessage(b.cfg.Command, p.id.UserID, r.denied), result: ResultForbidden, err: errWriteRefused}
}

// errNeedsAccount is a request refused until the person connects their account:
// a credential missing, of class gitscrum.ErrUnauthorized for the outcome.
var errNeedsAccount error = needsAccountError{}

// needsAccountError is the type of errNeedsAccount.
type needsAccountError struct{}

func (needsAccountError) Error() string {
	return "the person has no working linked GitScrum account, and the fallback does not let the bot's token act"
}

// Is makes the error match gitscrum.ErrUnauthorized: a missing credential.
func (needsAccountError) Is(target error) bool { return target == gitscrum.ErrUnauthorized }

// connectTitle is the first line of the prompt answering refusal r.
func connectTitle(r *refusal) blockkit.Line {
	switch {
	case r.state == linkBroken:
		return blockkit.Ours(warningSign + brokenText)
	case r.write:
		return blockkit.Ours(warningSign + connectWriteText)
	}
	return blockkit.Ours(warningSign + connectFirstText)
}

// stateLookupMessage says the state store could not tell what a request needed.
func stateLookupMessage(slash string, err error) *slack.WebhookMessage {
	what := "what this needs"
	var sle *stateLookupError
	if errors.As(err, &sle) {
		what = sle.what
	}
	return errorMessage(slash, blockkit.Ours("The bridge's state store did not answer, so "+blockkit.Escape(what)+" could not be looked up. Nothing was sent to GitScrum."),
		blockkit.Ours("Try again in a minute; if it keeps failing, tell the admin."), nil)
}

// linkingOffMessage says account linking is not turned on, and what turns it on.
func linkingOffMessage(slash string) *slack.WebhookMessage {
	return errorMessage(slash, blockkit.Ours("Linking GitScrum accounts is not turned on here: everyone uses the bridge's own GitScrum token."),
		blockkit.Ours("An admin turns it on by giving gitscrum-slack an encryption key ("+code(accounts.EnvKey, 40)+", made with "+code("openssl rand -base64 32", 40)+
			"), a database ("+code("GITSCRUM_DATABASE_URL", 40)+") and the public URL people's browsers reach it at ("+code("GITSCRUM_PUBLIC_URL", 40)+")."), nil)
}
