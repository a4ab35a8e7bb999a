package slackbot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// The App Home: the Home tab shows the person's connection (connected as … to
// workspace …, or not connected) with the Connect GitScrum and Disconnect
// buttons, and the commands. It is published (views.publish) when the person
// opens it (app_home_opened), and again after each change: connected
// ([Bot.Connected]), disconnected, or the linked token refused by GitScrum.

// ViewHome is the callback_id of the Home tab.
const ViewHome = "gitscrum_home"

// homeState is what the Home tab shows of a person.
type homeState struct {
	state   linkState
	account accounts.Account
	// connectURL and expires are the one-time link of the Connect button, when
	// shown; unknown says the store did not answer.
	connectURL string
	expires    time.Time
	unknown    bool
	person     string // the person's user id
}

// homeView returns the Home tab of id.
func (b *Bot) homeView(ctx context.Context, id accounts.Identity) slack.HomeTabViewRequest {
	hs := homeState{state: linkOff, person: id.UserID}
	if b.linking() {
		acct, err := b.cfg.Accounts.Whoami(ctx, id)
		switch {
		case err == nil && acct.Broken.IsZero():
			hs.state, hs.account = linkOwn, acct
		case err == nil:
			hs.state, hs.account = linkBroken, acct
		case errors.Is(err, accounts.ErrNotLinked):
			hs.state = linkNone
		default:
			b.log.Warn("the App Home could not look up the person's account", "error", err)
			hs.state, hs.unknown = linkNone, true
		}
		if hs.state != linkOwn && !hs.unknown {
			url, expires, err := b.connectLink(ctx, person{id: id})
			if err != nil {
				b.log.Warn("the App Home shows no Connect button: no link could be made", "error", err)
			}
			hs.connectURL, hs.expires = url, expires
		}
	}
	return homeTab(b.cfg.Command, hs, b.fallback, b.mayWrite(&actor{id: id, state: hs.state}))
}

// homeTab renders the Home tab.
func homeTab(slash string, hs homeState, fallback Fallback, write writeRefusal) slack.HomeTabViewRequest {
	blocks := []slack.Block{blockkit.Header("GitScrum")}
	var buttons []slack.BlockElement
	switch hs.state {
	case linkOff:
		blocks = append(blocks, blockkit.Section("Linking GitScrum accounts is not turned on here: everyone uses the bridge's own GitScrum token."))
	case linkOwn:
		blocks = append(blocks,
			blockkit.Section(":link: *Connected* as "+userMention(hs.person)+", since "+slackDate(hs.account.Since)+"."),
			blockkit.PlainSection("GitScrum workspace: "+quote(hs.account.Workspace, 100)+". What you do here is done as you in GitScrum, with your own token."))
		buttons = append(buttons, disconnectButton())
	case linkBroken:
		blocks = append(blocks,
			blockkit.Section(warningSign+"*"+brokenText+"*"),
			blockkit.PlainSection("Your token for GitScrum workspace "+quote(hs.account.Workspace, 100)+", linked "+hs.account.Since.UTC().Format("2006-01-02")+", was refused."))
	default:
		text := "*Not connected.* " + fallbackText(fallback)
		if hs.unknown {
			text = warningSign + "Your connection could not be looked up just now (the bridge's state store did not answer). Open this tab again in a minute."
		}
		blocks = append(blocks, blockkit.Section(text))
	}
	if hs.connectURL != "" {
		btn := slack.NewButtonBlockElement(ActionConnect, "", blockkit.Plain(ConnectLabel))
		btn.URL, btn.Style = hs.connectURL, slack.StylePrimary
		buttons = append([]slack.BlockElement{btn}, buttons...)
	}
	if hs.state == linkBroken {
		buttons = append(buttons, disconnectButton())
	}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock(blockConnect, buttons...))
	}
	if hs.connectURL != "" {
		blocks = append(blocks, blockkit.Context(blockkit.Ours(linkNote(hs.expires))))
	}
	blocks = append(blocks, blockkit.Context(blockkit.Ours(accessHelp(write))), slack.NewDividerBlock(), blockkit.Header("Commands"))
	for _, c := range commands {
		blocks = append(blocks, blockkit.Section(commandHelp(c, slash)))
	}
	blocks = append(blocks, blockkit.Section(optionsHelp(slash)))
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, CallbackID: ViewHome, Blocks: slack.Blocks{BlockSet: blocks}}
}

// disconnectButton is the Disconnect button, with a confirmation.
func disconnectButton() *slack.ButtonBlockElement {
	btn := slack.NewButtonBlockElement(ActionDisconnect, "disconnect", blockkit.Plain(DisconnectLabel))
	btn.Style = slack.StyleDanger
	btn.Confirm = slack.NewConfirmationBlockObject(blockkit.Plain("Disconnect GitScrum?"),
		blockkit.Plain("Your GitScrum token is deleted from the bridge at once. You can connect again any time."),
		blockkit.Plain(DisconnectLabel), blockkit.Plain("Cancel"))
	return btn
}

// fallbackText says, in our own mrkdwn, what a person without a working linked
// account may do under fallback f.
func fallbackText(f Fallback) string {
	switch f {
	case FallbackNone:
		return "Without a connected GitScrum account, this bridge does nothing for you: connect first."
	case FallbackRead:
		return "Without a connected GitScrum account, you can look clients up with the bridge's own token; creating and changing clients needs your account."
	}
	return "Without a connected GitScrum account, the bridge's own token is used for everything (creating and changing clients only for the people in " + code(EnvWriteUsers, 40) + ")."
}

// publishHome publishes the Home tab of id.
func (b *Bot) publishHome(ctx context.Context, id accounts.Identity) error {
	web, err := b.webAPI()
	if err != nil {
		return err
	}
	view := b.homeView(ctx, id)
	ctx, cancel := context.WithTimeout(ctx, WebAPITimeout)
	defer cancel()
	if _, err := web.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: id.UserID, View: view}); err != nil {
		return fmt.Errorf("views.publish: %w", err)
	}
	return nil
}

// refreshHome publishes the Home tab of id again, in the background, after a
// change of their connection.
func (b *Bot) refreshHome(id accounts.Identity) {
	if b.web == nil {
		return
	}
	err := b.jobs.Spawn("home", func(ctx context.Context) {
		if err := b.publishHome(ctx, id); err != nil {
			b.log.Warn("could not refresh the App Home", "error", err)
		}
	}, nil)
	if err != nil {
		b.log.Debug("the App Home was not refreshed", "error", err)
	}
}

// wantsHome reports whether an app_home_opened event is one to answer: the Home
// tab (not the Messages tab) opened by a person.
func wantsHome(env *eventEnvelope) (bool, string) {
	switch {
	case env.Event.Tab != "home":
		return false, "not the Home tab"
	case env.Event.User == "":
		return false, "no user"
	}
	return true, ""
}

// answerHome publishes the Home tab of the person who opened it.
func (b *Bot) answerHome(ctx context.Context, transport string, env *eventEnvelope) {
	start := time.Now()
	err := b.publishHome(ctx, accounts.Identity{TeamID: env.TeamID, UserID: env.Event.User})
	result := ResultOK
	if err != nil {
		result = ResultUnavailable
	}
	b.logEvent(transport, env, result, time.Since(start), err)
}

// Connected tells the person id in Slack that they are connected to
// acct.Workspace (a message from the bot, in its DM with them) and refreshes
// their App Home; it is the web pages' OnLinked. It returns at once: the work
// runs in the background, bounded as any of the bot's.
func (b *Bot) Connected(_ context.Context, id accounts.Identity, _ accounts.Link, acct accounts.Account) {
	if b.web == nil {
		b.log.Info("a person connected their GitScrum account; without SLACK_BOT_TOKEN they are not told in Slack", "team_id", id.TeamID, "user_id", id.UserID)
		return
	}
	tell := func(ctx context.Context) {
		msg := connectedMessage(b.cfg.Command, acct)
		if _, _, err := b.web.PostMessageContext(ctx, id.UserID, msgOptions(msg)...); err != nil {
			b.log.Warn("could not tell a person they are connected", "error", err)
		}
		if err := b.publishHome(ctx, id); err != nil {
			b.log.Warn("could not refresh the App Home", "error", err)
		}
	}
	if err := b.jobs.Spawn("connected", tell, nil); err != nil {
		b.log.Warn("could not tell a person they are connected", "error", err)
	}
}

// connectedMessage tells a person they are connected to acct's workspace.
func connectedMessage(slash string, acct accounts.Account) *slack.WebhookMessage {
	text := "✅ You are connected to GitScrum workspace " + quote(acct.Workspace, 100) + ". What you do with " + blockkit.Escape(slash) + " is now done as you in GitScrum, with your own token."
	return blockkit.Message(slack.ResponseTypeEphemeral, text, blockkit.PlainSection(text),
		blockkit.Context(blockkit.Ours(code(slash+" whoami", 60)+" shows your connection; "+code(slash+" disconnect", 60)+" removes it.")))
}
