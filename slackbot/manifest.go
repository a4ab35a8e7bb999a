package slackbot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/slack-go/slack"
)

// ManifestOptions shape the Slack app manifest.
type ManifestOptions struct {
	// URL is the public https base URL of gitscrum-slack in HTTP mode, such as
	// "https://slack-bot.example.com"; the slash command posts to URL + CommandsPath
	// (a URL already ending in CommandsPath is kept). Empty makes a Socket Mode
	// manifest.
	URL string
	// Command is the slash command; default DefaultCommand.
	Command string
	// Name is the app's name; default "GitScrum".
	Name string
}

// botEvents are the events the bot subscribes to: mentions in channels it is in,
// messages in its DMs, and the App Home opened (to publish the Home tab).
var botEvents = []string{"app_mention", "message.im", "app_home_opened"}

// botScopes are the bot token's scopes, each for a feature, and no others.
var botScopes = []struct{ scope, why string }{
	{"commands", "the slash command"},
	{"chat:write", "answers to mentions (in a thread) and DMs, and the messages buttons and modals post (chat.postMessage, chat.postEphemeral, chat.update)"},
	{"app_mentions:read", "the app_mention event: @GitScrum in a channel the bot is in"},
	{"im:history", "the message.im event: messages people send the bot in its DM"},
	{"users:read", "users.info: the person's name on the connect page, and whether they are a Slack admin or owner (config workspace)"},
}

// BotScopes returns the bot token scopes the manifest asks for; the bot needs
// each of them and no other.
func BotScopes() []string {
	out := make([]string, len(botScopes))
	for i, s := range botScopes {
		out[i] = s.scope
	}
	return out
}

// Manifest returns the Slack app manifest for "Create an app → From a manifest": the
// slash command (with its usage hint, generated from the command table), the bot
// user, the App Home's Home tab (the person's connection and the commands) and
// messages tab (for DMs to the bot), interactivity, the app_mention, message.im
// and app_home_opened events, the scopes of [BotScopes], and either Socket Mode or
// the request URLs (commands, interactivity and options, events).
func Manifest(opts ManifestOptions) (*slack.Manifest, error) {
	if opts.Command == "" {
		opts.Command = DefaultCommand
	}
	if opts.Name == "" {
		opts.Name = "GitScrum"
	}
	cmd := slack.ManifestSlashCommand{
		Command:     opts.Command,
		Description: "Look up, create and update GitScrum clients",
		UsageHint:   usageHint(),
		// Slack then sends user and channel mentions as typed (only &, <, > escaped).
		ShouldEscape: false,
	}
	m := &slack.Manifest{
		Metadata: slack.ManifestMetadata{MajorVersion: 1, MinorVersion: 1},
		Display: slack.Display{
			Name:            opts.Name,
			Description:     "The clients of your GitScrum workspace, in Slack.",
			LongDescription: "Type " + opts.Command + " acme to see a client's card: contacts, projects, invoiced total. List and search clients, and (for allowed users) create and update them. Answers are visible only to you unless you add share. Mention @" + opts.Name + " in a channel (it answers in a thread) or send it a DM to look clients up in a conversation. Each person can connect their own GitScrum account (" + opts.Command + " connect), so that what they do here is done as them in GitScrum.",
			BackgroundColor: "#1d3557",
		},
		Features: slack.Features{
			BotUser:       slack.BotUser{DisplayName: opts.Name},
			SlashCommands: []slack.ManifestSlashCommand{cmd},
			// The Home tab shows the person's connection; the messages tab is where
			// people DM the bot, and they may write in it.
			AppHome: slack.AppHome{HomeTabEnabled: true, MessagesTabEnabled: true, MessagesTabReadOnlyEnabled: false},
		},
		OAuthConfig: slack.OAuthConfig{Scopes: slack.OAuthScopes{Bot: BotScopes()}},
		Settings: slack.Settings{
			Interactivity:      &slack.Interactivity{IsEnabled: true},
			EventSubscriptions: &slack.EventSubscriptions{BotEvents: botEvents},
		},
	}
	if opts.URL == "" {
		m.Settings.SocketModeEnabled = true
		return m, nil
	}
	base, err := baseURL(opts.URL)
	if err != nil {
		return nil, err
	}
	m.Features.SlashCommands[0].Url = base + CommandsPath
	m.Settings.Interactivity.RequestUrl = base + InteractivityPath
	m.Settings.Interactivity.MessageMenuOptionsUrl = base + InteractivityPath
	m.Settings.EventSubscriptions.RequestUrl = base + EventsPath
	return m, nil
}

// ManifestJSON returns [Manifest] as indented JSON, which Slack accepts as it
// accepts YAML. The App Home's messages_tab_read_only_enabled is written out as
// false, though slack-go omits a false value: people may write to the bot.
func ManifestJSON(opts ManifestOptions) ([]byte, error) {
	m, err := Manifest(opts)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("slackbot: encode manifest: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("slackbot: encode manifest: %w", err)
	}
	if features, ok := doc["features"].(map[string]any); ok {
		if home, ok := features["app_home"].(map[string]any); ok {
			home["messages_tab_read_only_enabled"] = m.Features.AppHome.MessagesTabReadOnlyEnabled
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep the usage hint's <name|uuid> readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("slackbot: encode manifest: %w", err)
	}
	return buf.Bytes(), nil
}

// baseURL returns the base of the request URLs for the URL given: an https URL,
// without CommandsPath when it ends in it.
func baseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("slackbot: --url %q is not an absolute URL like https://slack-bot.example.com", raw)
	}
	if u.Scheme != "https" {
		return "", errors.New("slackbot: Slack only posts to https URLs; put gitscrum-slack behind TLS (a reverse proxy or tunnel) and give its https URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("slackbot: --url %q must be a plain https URL, without credentials, query or fragment", raw)
	}
	u.Path = strings.TrimRight(strings.TrimSuffix(u.Path, CommandsPath), "/")
	u.RawPath = ""
	return u.String(), nil
}
