package slackbot

import (
	"net/http"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/internal/receiver"
)

// HTTP endpoints of [Bot.Handler].
const (
	// CommandsPath is where Slack posts the slash command (the manifest's URL).
	CommandsPath = "/slack/commands"
	// InteractivityPath is where Slack posts buttons, menus, modal submissions and
	// options loads (the manifest's interactivity request URL and options load URL).
	InteractivityPath = "/slack/interactivity"
	// HealthPath answers GET with 200 while the process runs.
	HealthPath = httpserver.HealthPath
	// MaxBodyBytes is the largest request body accepted; a larger one gets 413, at
	// once when its Content-Length says so, before any of it is read. Slack's own
	// bodies are a few KiB.
	MaxBodyBytes = receiver.MaxBodyBytes
)

// Handler returns the HTTP handler of the bot: POST CommandsPath for the slash
// command, POST InteractivityPath for buttons, menus and modals (signed and
// bounded the same way), POST EventsPath for the Events API (mentions and DMs,
// answered through the Web API with Config.BotToken) and GET HealthPath. Metrics
// or other routes belong here too.
//
// Every command must carry Slack's signature (v0, HMAC-SHA256 with
// Config.SigningSecret) and a timestamp within 5 minutes of now, either way, and
// must not have been received before: a signature already accepted within its
// window is a replay. Anything else gets 401 before GitScrum is called (503 with a
// Retry-After when Config.ReplayStore cannot record the request). Without a
// signing secret every command gets 401. Slack's unsigned ssl_check is answered 200. A body over
// MaxBodyBytes gets 413 (before it is read when its Content-Length says so),
// another method than POST 405, another content type 415.
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(CommandsPath, b.recv.ServeCommands)
	mux.HandleFunc(InteractivityPath, b.recv.ServeInteractivity)
	mux.HandleFunc(EventsPath, b.recv.ServeEvents)
	mux.Handle(HealthPath, httpserver.Health("", ""))
	return mux
}
