package slackbot

import (
	"context"
	"errors"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
)

// Channel defaults: /gitscrum config workspace <slug> sets the workspace commands
// in a channel use. Which workspace a command uses: workspace= on the command,
// else the channel's default, else the person's linked workspace, else
// Config.Workspace (GITSCRUM_COMPANY_SLUG).

// errNoChannelStore: channel defaults need the state store.
var errNoChannelStore = errors.New("channel defaults need the bridge's state store (GITSCRUM_DATABASE_URL)")

// channelWorkspace returns the default workspace of a channel, "" when it has
// none (or there is no channel, or no state store).
func (b *Bot) channelWorkspace(ctx context.Context, teamID, channelID string) (string, error) {
	if b.channels == nil || channelID == "" {
		return "", nil
	}
	ws, err := b.channels.ChannelWorkspace(ctx, teamID, channelID)
	if err != nil {
		return "", &stateLookupError{what: "this channel's default workspace", err: err}
	}
	return strings.TrimSpace(ws), nil
}

// workspaceFor returns the workspace a request in channelID uses: given
// (workspace= on the command) when set, else the channel's default, else the
// workspace act linked, else Config.Workspace; "" when none is.
func (b *Bot) workspaceFor(ctx context.Context, teamID, channelID, given string, act *actor) (string, error) {
	if given != "" {
		return given, nil
	}
	ws, err := b.channelWorkspace(ctx, teamID, channelID)
	switch {
	case err != nil:
		return "", err
	case ws != "":
		return ws, nil
	case act != nil && act.account.Workspace != "":
		return act.account.Workspace, nil
	}
	return b.cfg.Workspace, nil
}

// clearWords are the values of config workspace that clear the channel's default.
var clearWords = map[string]bool{"-": true, "clear": true, "none": true}

// runConfig answers config (the workspace commands in this channel use, and why)
// and config workspace <slug> (sets the channel's default; "-" or clear removes
// it), which only Slack workspace admins and owners, and the people in
// SLACK_ADMIN_USERS, may do.
func (b *Bot) runConfig(ctx context.Context, inv *invocation) result {
	if b.channels == nil {
		return result{msg: errorMessage(b.cfg.Command, blockkit.Ours("Channel defaults need the bridge's state store, which is not configured."),
			blockkit.Ours("An admin sets "+code("GITSCRUM_DATABASE_URL", 40)+" (a SQLite file or PostgreSQL). Meanwhile add "+code("workspace=<slug>", 40)+" to a command."), inv.cmd),
			code: ResultUnavailable, err: errNoChannelStore}
	}
	words := inv.words
	switch {
	case len(words) == 0 || len(words) == 1 && strings.EqualFold(words[0], "workspace"):
		return b.showConfig(ctx, inv)
	case len(words) != 2 || !strings.EqualFold(words[0], "workspace"):
		return fail(errUsage(inv.cmd, "config takes nothing, or workspace and a slug (- clears it)."))
	}
	slug := strings.TrimSpace(words[1])
	if clearWords[strings.ToLower(slug)] {
		slug = ""
	} else if err := gitscrum.ValidateCompanySlug(slug); err != nil {
		var gse *gitscrum.Error
		if errors.As(err, &gse) {
			return fail(errUsage(inv.cmd, "Invalid workspace %q: %s.", gitscrum.Excerpt(slug), strings.Join(gse.Fields[gitscrum.InputCompanySlug], "; ")))
		}
		return fail(errUsage(inv.cmd, "Invalid workspace %q.", gitscrum.Excerpt(slug)))
	}
	if inv.channelID == "" {
		return fail(errUsage(inv.cmd, "config workspace sets a channel's default: run it in that channel."))
	}
	if ok, why := b.mayConfigure(ctx, inv.userID); !ok {
		return result{msg: why, code: ResultForbidden, err: errNotAdmin}
	}
	if err := b.channels.SetChannelWorkspace(ctx, inv.teamID, inv.channelID, slug, store.SlackActor(inv.teamID, inv.userID)); err != nil {
		err = &stateLookupError{what: "this channel's default workspace", err: err}
		return result{msg: errorMessage(b.cfg.Command, blockkit.Ours("Nothing was changed: the bridge's state store did not answer."),
			blockkit.Ours("Try again in a minute."), nil), code: ResultUnavailable, err: err}
	}
	if slug == "" {
		text := "✅ " + userMention(inv.userID) + " cleared this channel's default GitScrum workspace."
		return reply(blockkit.Message(slack.ResponseTypeInChannel, text, blockkit.Section(text),
			blockkit.Context(blockkit.Ours(code(b.cfg.Command+" config", 40)+" shows which workspace commands here use now."))))
	}
	text := userMention(inv.userID) + " set this channel's default GitScrum workspace to " + quote(slug, 100) + "."
	return reply(blockkit.Message(slack.ResponseTypeInChannel, text,
		blockkit.Section("✅ "+userMention(inv.userID)+" set this channel's default GitScrum workspace:"),
		blockkit.PlainSection(quote(slug, 100)),
		blockkit.Context(blockkit.Ours("Commands here use it unless they say "+code("workspace=<slug>", 40)+". "+code(b.cfg.Command+" config", 40)+" shows the settings."))))
}

// errNotAdmin is a change of a channel's settings by someone who may not.
var errNotAdmin = errors.New("only Slack workspace admins and owners, and the people in " + EnvAdminUsers + ", may change a channel's settings")

// mayConfigure reports whether userID may change a channel's settings: listed in
// SLACK_ADMIN_USERS, or an admin or owner of the Slack workspace (users.info).
// When not, it returns the message saying why.
func (b *Bot) mayConfigure(ctx context.Context, userID string) (bool, *slack.WebhookMessage) {
	if b.admins[userID] {
		return true, nil
	}
	who := blockkit.Ours("Only Slack workspace admins and owners, and the people an admin lists in " + code(EnvAdminUsers, 40) + ", may change this channel's default workspace.")
	u, err := b.slackUser(ctx, userID)
	switch {
	case errors.Is(err, errNoBotToken):
		return false, errorMessage(b.cfg.Command, who, blockkit.Ours("Slack cannot be asked whether you are an admin: gitscrum-slack has no "+code("SLACK_BOT_TOKEN", 40)+
			". An admin can list your user ID "+code(userID, 40)+" in "+code(EnvAdminUsers, 40)+"."), nil)
	case err != nil:
		b.log.Warn("users.info failed: cannot check whether a person is a Slack admin", "error", err)
		return false, errorMessage(b.cfg.Command, blockkit.Ours("Nothing was changed: Slack did not say whether you are a workspace admin."),
			blockkit.Ours("Try again in a minute."), nil)
	case u.IsAdmin || u.IsOwner || u.IsPrimaryOwner:
		return true, nil
	}
	return false, errorMessage(b.cfg.Command, who, blockkit.Ours("Ask one of them, or add "+code("workspace=<slug>", 40)+" to your commands."), nil)
}

// showConfig answers config: the channel's default and the order in which the
// workspace of a command is chosen, with this person's values.
func (b *Bot) showConfig(ctx context.Context, inv *invocation) result {
	channel, err := b.channelWorkspace(ctx, inv.teamID, inv.channelID)
	if err != nil {
		return result{msg: stateLookupMessage(b.cfg.Command, err), code: ResultUnavailable, err: err}
	}
	act := b.peek(ctx, inv.person().id)
	ws, _ := b.workspaceFor(ctx, inv.teamID, inv.channelID, "", act)
	orNone := func(s, none string) string {
		if s == "" {
			return none
		}
		return quote(s, 100)
	}
	linked := "not connected"
	if act.account.Workspace != "" {
		linked = quote(act.account.Workspace, 100)
	}
	if !b.linking() {
		linked = "account linking is off"
	}
	lines := []string{
		"Which GitScrum workspace commands in this channel use: the first of",
		"1. workspace=<slug> on the command",
		"2. this channel's default: " + orNone(channel, "none set"),
		"3. your linked workspace: " + linked,
		"4. the bridge's default (GITSCRUM_COMPANY_SLUG): " + orNone(b.cfg.Workspace, "none set"),
		"Here, your commands use " + orNone(ws, "no workspace: add workspace=<slug>") + ".",
	}
	text := "This channel's default GitScrum workspace: " + orNone(channel, "none set") + "."
	return result{private: true, msg: blockkit.Message(slack.ResponseTypeEphemeral, text,
		blockkit.PlainSection(strings.Join(lines, "\n")),
		blockkit.Context(blockkit.Ours("Set it with "+code(b.cfg.Command+" config workspace <slug>", 60)+", clear it with "+code(b.cfg.Command+" config workspace -", 60)+
			": Slack workspace admins and owners, and the people in "+code(EnvAdminUsers, 40)+".")))}
}
