package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/slack-go/slack"
)

// EnvResponseURLPrefixes names the environment variable that lists, separated by
// commas, the URL prefixes a response_url must start with to be posted to.
const EnvResponseURLPrefixes = "SLACK_RESPONSE_URL_PREFIXES"

// DefaultResponseURLPrefixes are the prefixes of Slack's response_urls in the
// commercial cloud. Workspaces in Slack's government cloud need its prefix added.
var DefaultResponseURLPrefixes = []string{"https://hooks.slack.com/"}

// ParseResponseURLPrefixes reads a comma-separated list of URL prefixes, such as
// "https://hooks.slack.com/, https://hooks.slack-gov.com/". Each must be an http(s)
// URL with a host and no user, query or fragment; an empty path means "/". It
// returns nil for an empty list.
func ParseResponseURLPrefixes(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := parsePrefix(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.String())
	}
	return out, nil
}

// urlPrefix is one allowed prefix, parsed.
type urlPrefix struct {
	scheme, host, port, path string
}

// String returns the prefix as a URL.
func (p urlPrefix) String() string {
	host := p.host
	if p.port != defaultPort(p.scheme) {
		host = net.JoinHostPort(p.host, p.port)
	}
	return p.scheme + "://" + host + p.path
}

// parsePrefix parses and checks one prefix.
func parsePrefix(raw string) (urlPrefix, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.Opaque != "" {
		return urlPrefix{}, fmt.Errorf("%s: %q is not an http(s) URL prefix like https://hooks.slack.com/", EnvResponseURLPrefixes, raw)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || hasDotSegment(u.Path) {
		return urlPrefix{}, fmt.Errorf("%s: %q must be a plain URL prefix: no user, query, fragment or dot segments", EnvResponseURLPrefixes, raw)
	}
	p := urlPrefix{scheme: u.Scheme, host: strings.ToLower(u.Hostname()), port: u.Port(), path: u.Path}
	if p.port == "" {
		p.port = defaultPort(u.Scheme)
	}
	if p.path == "" {
		p.path = "/"
	}
	return p, nil
}

// responseURLPolicy decides which response_urls the bot posts to.
type responseURLPolicy struct {
	prefixes []urlPrefix
}

// newResponseURLPolicy parses prefixes; none means DefaultResponseURLPrefixes.
func newResponseURLPolicy(prefixes []string) (responseURLPolicy, error) {
	if len(prefixes) == 0 {
		prefixes = DefaultResponseURLPrefixes
	}
	var pol responseURLPolicy
	for _, raw := range prefixes {
		p, err := parsePrefix(raw)
		if err != nil {
			return responseURLPolicy{}, err
		}
		pol.prefixes = append(pol.prefixes, p)
	}
	return pol, nil
}

// errResponseURL is a response_url the bot does not post to.
var errResponseURL = errors.New("response_url refused")

// check returns nil when raw may be posted to: an absolute http(s) URL without a
// user, whose scheme, host and port equal those of an allowed prefix and whose path
// starts with the prefix's path (on a segment boundary when the prefix's path does
// not end with /), without dot segments. It compares the parsed URL, never the
// text, so https://hooks.slack.com.evil.example/ and https://hooks.slack.com@evil/
// are refused. The error names the URL's scheme and host only: its path is a
// credential.
func (pol responseURLPolicy) check(raw string) error {
	if raw == "" {
		return fmt.Errorf("%w: the command has no response_url to post the answer to", errResponseURL)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%w: the command's response_url is not an absolute http(s) URL", errResponseURL)
	}
	origin := u.Scheme + "://" + u.Host
	if u.User != nil {
		return fmt.Errorf("%w: the response_url on host %q carries a user name; not posted to", errResponseURL, u.Hostname())
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" {
		port = defaultPort(u.Scheme)
	}
	if !hasDotSegment(u.Path) {
		for _, p := range pol.prefixes {
			if p.scheme == u.Scheme && p.host == host && p.port == port && underPath(u.Path, p.path) {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: %s is not under an allowed prefix (%s); not posted to", errResponseURL, origin, EnvResponseURLPrefixes)
}

// underPath reports whether path is prefix or below it.
func underPath(path, prefix string) bool {
	if strings.HasSuffix(prefix, "/") {
		return strings.HasPrefix(path, prefix)
	}
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// hasDotSegment reports whether a path has a "." or ".." segment, which a server
// may resolve to outside an allowed prefix.
func hasDotSegment(path string) bool {
	for _, seg := range strings.Split(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// defaultPort is the port of a scheme without one.
func defaultPort(scheme string) string {
	if scheme == "http" {
		return "80"
	}
	return "443"
}

// errPostUnknown marks a post to a response_url whose request was sent whole but
// whose answer never came (a timeout, a dropped connection): Slack may well have
// posted it, and a response_url posts every request as a new message, so it is
// not sent again.
var errPostUnknown = errors.New("the post was sent but its answer never came: it may have been posted, so it is not repeated")

// postResponse posts msg to responseURL once with client. A failure after the
// request was written, without an answer, wraps errPostUnknown; the error never
// holds the URL.
func postResponse(ctx context.Context, client *http.Client, responseURL string, msg *slack.WebhookMessage) error {
	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			wrote.Store(true)
		}
	}})
	err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, client, msg)
	if err == nil {
		return nil
	}
	err = redactURL(err)
	var sc slack.StatusCodeError
	var rl *slack.RateLimitedError
	if wrote.Load() && !errors.As(err, &sc) && !errors.As(err, &rl) {
		return fmt.Errorf("%w: %w", errPostUnknown, err)
	}
	return err
}
