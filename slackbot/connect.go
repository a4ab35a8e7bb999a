package slackbot

import (
	"context"
	"errors"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// The subcommands of a person's link: connect, disconnect, whoami; and the
// Connect GitScrum and Disconnect buttons. Their answers are the person's alone:
// in a channel's thread they are shown to them only.

// runConnect answers connect: the Connect GitScrum button with a fresh one-time
// link, for the person's eyes only.
func (b *Bot) runConnect(ctx context.Context, inv *invocation) result {
	if !b.linking() {
		return result{msg: linkingOffMessage(b.cfg.Command), code: ResultInvalid}
	}
	p := inv.person()
	acct, err := b.cfg.Accounts.Whoami(ctx, p.id)
	title := blockkit.Ours(":link: " + connectText)
	switch {
	case err == nil && !acct.Broken.IsZero():
		title = blockkit.Ours(warningSign + brokenText)
	case err == nil:
		title = blockkit.Shown("🔗 You are connected to GitScrum workspace " + quote(acct.Workspace, 100) + ". Connecting again replaces your token.")
	case !errors.Is(err, accounts.ErrNotLinked):
		err = &stateLookupError{what: "your linked GitScrum account", err: err}
		return result{msg: stateLookupMessage(b.cfg.Command, err), code: ResultUnavailable, err: err}
	}
	return result{msg: b.connectPrompt(ctx, p, title), private: true}
}

// runDisconnect answers disconnect: the person's token is deleted at once.
func (b *Bot) runDisconnect(ctx context.Context, inv *invocation) result {
	if !b.linking() {
		return result{msg: linkingOffMessage(b.cfg.Command), code: ResultInvalid}
	}
	msg, err := b.disconnect(ctx, inv.person().id)
	if err != nil {
		return result{msg: msg, code: ResultUnavailable, err: err, private: true}
	}
	return result{msg: msg, private: true}
}

// disconnect deletes id's token, refreshes their App Home and returns what to
// tell them.
func (b *Bot) disconnect(ctx context.Context, id accounts.Identity) (*slack.WebhookMessage, error) {
	had, err := b.cfg.Accounts.Disconnect(ctx, id)
	if err != nil {
		err = &stateLookupError{what: "your linked GitScrum account", err: err}
		return errorMessage(b.cfg.Command, blockkit.Ours("Nothing was disconnected: the bridge's state store did not answer."),
			blockkit.Ours("Try "+code(b.cfg.Command+" disconnect", 60)+" again in a minute."), nil), err
	}
	b.refreshHome(id)
	if !had {
		text := "Nothing to disconnect: no GitScrum account is linked to you here."
		return blockkit.Message(slack.ResponseTypeEphemeral, text, blockkit.PlainSection(text),
			blockkit.Context(blockkit.Ours(fallbackText(b.fallback)))), nil
	}
	text := "✅ Disconnected: your GitScrum token was deleted from the bridge."
	return blockkit.Message(slack.ResponseTypeEphemeral, text, blockkit.PlainSection(text),
		blockkit.Context(blockkit.Ours(fallbackText(b.fallback)+" Connect again any time with "+code(b.cfg.Command+" connect", 60)+"."))), nil
}

// runWhoami answers whoami: linked or not, to which workspace, since when,
// whether GitScrum refused the token, and what applies without it.
func (b *Bot) runWhoami(ctx context.Context, inv *invocation) result {
	if !b.linking() {
		return result{msg: linkingOffMessage(b.cfg.Command), code: ResultInvalid}
	}
	id := inv.person().id
	acct, err := b.cfg.Accounts.Whoami(ctx, id)
	state := linkOwn
	switch {
	case errors.Is(err, accounts.ErrNotLinked):
		state = linkNone
	case err != nil:
		err = &stateLookupError{what: "your linked GitScrum account", err: err}
		return result{msg: stateLookupMessage(b.cfg.Command, err), code: ResultUnavailable, err: err}
	case !acct.Broken.IsZero():
		state = linkBroken
	}
	return result{msg: whoamiMessage(b.cfg.Command, id, state, acct, b.fallback, b.mayWrite(&actor{id: id, state: state})), private: true}
}

// whoamiMessage renders the answer to whoami.
func whoamiMessage(slash string, id accounts.Identity, state linkState, acct accounts.Account, fallback Fallback, write writeRefusal) *slack.WebhookMessage {
	var blocks []slack.Block
	var text string
	switch state {
	case linkOwn:
		text = "You are connected to GitScrum workspace " + quote(acct.Workspace, 100) + "."
		blocks = append(blocks, blockkit.PlainSection("🔗 "+text),
			blockkit.Section("Since "+slackDate(acct.Since)+". Commands, clicks and forms here use your own GitScrum token."))
	case linkBroken:
		text = "GitScrum refused your linked token for workspace " + quote(acct.Workspace, 100) + "; connect again."
		blocks = append(blocks, blockkit.PlainSection(warningSign+text),
			blockkit.Section("Linked "+slackDate(acct.Since)+", refused "+slackDate(acct.Broken)+". Connect again with "+code(slash+" connect", 60)+"."))
	default:
		text = "You have not connected a GitScrum account here."
		blocks = append(blocks, blockkit.PlainSection(text),
			blockkit.Section("Connect one with "+code(slash+" connect", 60)+"."))
	}
	if state != linkOwn {
		blocks = append(blocks, blockkit.Section(fallbackText(fallback)))
	}
	blocks = append(blocks, blockkit.Context(blockkit.Ours(accessHelp(write)),
		blockkit.Ours("Slack: "+userMention(id.UserID)+" in team "+code(id.TeamID, 40)+".")))
	return blockkit.Message(slack.ResponseTypeEphemeral, text, blocks...)
}

// onConnect notes a click on Connect GitScrum, a URL button: the browser opens
// the page. In the App Home the tab is published again, so that the next click
// has a fresh link.
func (b *Bot) onConnect(_ context.Context, ia *interaction) (string, error) {
	if ia.cb.View.Type == slack.VTHomeTab && b.linking() {
		b.refreshHome(ia.identity())
	}
	return ResultOK, nil
}

// onDisconnect deletes the token of the person who clicked Disconnect: in the
// App Home the tab then shows them not connected; elsewhere they are told.
func (b *Bot) onDisconnect(ctx context.Context, ia *interaction) (string, error) {
	if !b.linking() {
		if err := b.answer(ctx, ia, linkingOffMessage(b.cfg.Command), false); err != nil {
			b.log.Warn("cannot answer a click on Disconnect", "error", err)
		}
		return ResultInvalid, nil
	}
	msg, err := b.disconnect(ctx, ia.identity())
	if ia.cb.View.Type == slack.VTHomeTab && err == nil {
		return ResultOK, nil // the tab is refreshed
	}
	if aerr := b.answer(ctx, ia, msg, false); aerr != nil {
		b.log.Warn("cannot answer a click on Disconnect", "error", aerr)
	}
	if err != nil {
		return ResultUnavailable, err
	}
	return ResultOK, nil
}
