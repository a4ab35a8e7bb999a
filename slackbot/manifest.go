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

// Manifest returns the Slack app manifest for "Create an app → From a manifest": the
// slash command (with its usage hint, generated from the command table), the bot
// user and the commands scope, and either Socket Mode or the request URL.
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
			LongDescription: "Type " + opts.Command + " acme to see a client's card: contacts, projects, invoiced total. List and search clients, and (for allowed users) create and update them. Answers are visible only to you unless you add share.",
			BackgroundColor: "#1d3557",
		},
		Features: slack.Features{
			BotUser:       slack.BotUser{DisplayName: opts.Name},
			SlashCommands: []slack.ManifestSlashCommand{cmd},
		},
		OAuthConfig: slack.OAuthConfig{Scopes: slack.OAuthScopes{Bot: []string{"commands"}}},
	}
	if opts.URL == "" {
		m.Settings.SocketModeEnabled = true
		return m, nil
	}
	endpoint, err := commandsURL(opts.URL)
	if err != nil {
		return nil, err
	}
	m.Features.SlashCommands[0].Url = endpoint
	return m, nil
}

// ManifestJSON returns [Manifest] as indented JSON, which Slack accepts as it
// accepts YAML.
func ManifestJSON(opts ManifestOptions) ([]byte, error) {
	m, err := Manifest(opts)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep the usage hint's <name|uuid> readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("slackbot: encode manifest: %w", err)
	}
	return buf.Bytes(), nil
}

// commandsURL returns the request URL of the slash command for a base URL.
func commandsURL(raw string) (string, error) {
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
	if !strings.HasSuffix(u.Path, CommandsPath) {
		u.Path = strings.TrimRight(u.Path, "/") + CommandsPath
	}
	return u.String(), nil
}
