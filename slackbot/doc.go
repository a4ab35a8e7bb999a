// Package slackbot answers the /gitscrum slash command: it looks up, lists, creates
// and updates the clients of a GitScrum workspace from Slack.
//
// The command core ([Bot.Reply]) reads the command line ([Tokenize]), routes it
// through one table of subcommands (which also generates the help and the manifest's
// usage hint), checks write access, calls the shared logic of package gitscrum and
// renders Block Kit within Slack's limits. Every value that comes from GitScrum or
// the user is shown in plain_text, exactly as typed (Slack's mrkdwn has no escape
// for its formatting); mrkdwn carries only the bot's own words and markup. A
// request for another slash command than Config.Command is refused. Two
// transports share it:
//
//   - HTTP ([Bot.Handler]): POST /slack/commands, verified with the signing secret,
//     refusing a replayed signature ([ReplayStore]), and GET /healthz.
//   - Socket Mode ([Bot.RunSocketMode]): the reply is the acknowledgement's payload;
//     a redelivered envelope is acknowledged without running again.
//
// Conversations go through the same core: "@GitScrum acme corp" in a channel is
// answered in a thread under the mention, a DM to the bot in the DM, with the
// card, the list or the help (chat.postMessage with Config.BotToken). Events
// arrive at POST /slack/events (signed like commands; url_verification answered)
// or over Socket Mode, are acknowledged at once, answered in the background by a
// table of listeners by event type, and answered once per event_id across Slack's
// retries. A conversation asking for a write gets a button opening the modal.
//
// Interactivity (buttons, menus, modals, options) arrives at POST
// /slack/interactivity (signed like commands) or over Socket Mode, and is
// dispatched Bolt-style through tables of listeners: block actions by action_id
// (Edit, Share, Next, Previous, a picked client), view submissions by callback_id
// (the New client and edit modals) and options by action_id (the client picker).
// Block actions are acknowledged at once and answered through the response_url or
// the Web API; a submission is answered within the inline budget ("Saving…"
// beyond it); options within it. Every listener checks again what the payload
// claims: who may write, that the client exists, the workspace.
//
// Everyone acts as themselves when account linking is on (Config.Accounts): a
// person links their own GitScrum API token once (/gitscrum connect gives them a
// Connect GitScrum button opening a one-time link to the pages of package web),
// and from then on every command, click, modal, picker, mention and DM of theirs
// reaches GitScrum with their token. For people without a working linked account
// the bot's token (Config.Client) acts as [Fallback] says: nothing, reads, or
// everything; the others are answered with the connect prompt, for their eyes
// only. A GitScrum 401 on a linked token marks the link broken and asks the
// person once to connect again. SLACK_WRITE_USERS stays an extra gate on writes;
// the audit log records the account whose token made each write. disconnect and
// whoami manage the link; config workspace <slug> sets a channel's default
// workspace (Slack admins and owners, and Config.AdminUsers). A command uses
// workspace= when given, else the channel's default, else the person's linked
// workspace, else Config.Workspace. The App Home (app_home_opened, views.publish)
// shows the person's connection with Connect GitScrum and Disconnect buttons, and
// the commands; [Bot.Connected] tells the person in Slack when they linked.
//
// Commands over both transports answer inline when the reply is ready within [Config.InlineBudget] (2 s by
// default, inside Slack's 3 s) and otherwise acknowledge at once and post the reply
// to the command's response_url, if it starts with one of
// Config.ResponseURLPrefixes (redirects are not followed). How each request ended
// is logged and reported ([Outcome]) in the outcome vocabulary that /metrics shares.
//
// The package is the app layer. Transport work (signatures, replays, body
// limits, Socket Mode envelopes, the race against Slack's 3-second budget and
// the recovery of panics in background work) belongs to slackbot/internal/receiver;
// New builds the router of listeners (commands by name, actions by action_id,
// views by callback_id, options by action_id, events by type) and stores it on
// the Bot. Command lines are read by slackbot/cmdline; Block Kit is built with
// slackbot/blockkit.
//
//	bot, err := slackbot.New(slackbot.Config{Client: client, Workspace: "acme", SigningSecret: secret})
//	http.ListenAndServe(":8080", bot.Handler())
package slackbot
