package slackbot

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Slack Web API settings.
const (
	// EnvAPIURL names the environment variable that overrides Slack's Web API base
	// URL (for tests and Slack's government cloud).
	EnvAPIURL = "SLACK_API_URL"
	// DefaultAPIURL is Slack's Web API base URL.
	DefaultAPIURL = slack.APIURL
	// WebAPITimeout bounds one call to Slack's Web API.
	WebAPITimeout = 5 * time.Second
)

// errNoBotToken is returned by [Bot.webAPI] when no bot token is configured: the
// slash command still works, but modals, buttons that post and conversations need
// SLACK_BOT_TOKEN.
var errNoBotToken = errors.New("slackbot: SLACK_BOT_TOKEN is not set: modals, buttons and messages need the app's bot token (xoxb-…)")

// APIOptions returns the options every Slack Web API client of the bot is built
// with, the Socket Mode one included: the base URL (DefaultAPIURL when apiURL is
// empty; a trailing slash is added) and an HTTP client bounded by WebAPITimeout
// that follows no redirects.
func APIOptions(apiURL string) []slack.Option {
	return []slack.Option{
		slack.OptionAPIURL(normalizeAPIURL(apiURL)),
		slack.OptionHTTPClient(&http.Client{Timeout: WebAPITimeout, CheckRedirect: noRedirects, Transport: ownTransport()}),
	}
}

// ownTransport returns a connection pool of the bot's own, so that nothing else in
// the process that closes http.DefaultTransport's idle connections (an httptest
// server's Close does) cuts a post to Slack that is just reusing one.
func ownTransport() *http.Transport {
	return http.DefaultTransport.(*http.Transport).Clone()
}

// normalizeAPIURL returns apiURL with a trailing slash, or DefaultAPIURL when empty.
func normalizeAPIURL(apiURL string) string {
	apiURL = strings.TrimSpace(apiURL)
	if apiURL == "" {
		return DefaultAPIURL
	}
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}
	return apiURL
}

// newWebAPI returns the bot's Web API client for cfg, or nil without a bot token.
func newWebAPI(cfg Config) *slack.Client {
	if cfg.BotToken == "" {
		return nil
	}
	return slack.New(cfg.BotToken, APIOptions(cfg.APIURL)...)
}

// webAPI returns the bot's Slack Web API client, or errNoBotToken.
func (b *Bot) webAPI() (*slack.Client, error) {
	if b.web == nil {
		return nil, errNoBotToken
	}
	return b.web, nil
}
