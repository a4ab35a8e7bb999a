package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
	"github.com/gitscrum-bridge/gitscrum-bridge/store"
	"github.com/gitscrum-bridge/gitscrum-bridge/web"
)

// envPublicURL names where people's browsers reach the connect pages.
const envPublicURL = "GITSCRUM_PUBLIC_URL"

// The sandbox's Slack person, the one of the signed curl in docs/slack.md.
const (
	sandboxTeam = "T0LOCAL01"
	sandboxUser = "U0LOCAL01"
)

// linkingConfig is what turns account linking on.
type linkingConfig struct {
	publicURL  string
	fallback   string // as given; see fallbackFor
	adminUsers string
	key        string // env only: a secret
	oldKeys    string // env only
}

func (l *linkingConfig) fromEnv(getenv func(string) string) {
	l.publicURL = strings.TrimSpace(getenv(envPublicURL))
	l.fallback = strings.TrimSpace(getenv(slackbot.EnvFallback))
	l.adminUsers = getenv(slackbot.EnvAdminUsers)
	l.key = strings.TrimSpace(getenv(accounts.EnvKey))
	l.oldKeys = getenv(accounts.EnvOldKeys)
}

func (l *linkingConfig) registerFlags(fs *flag.FlagSet) {
	fs.StringVar(&l.publicURL, "public-url", l.publicURL, "where people's browsers reach the connect pages (https, or http on loopback); turns linking on, with "+accounts.EnvKey+" (env "+envPublicURL+")")
	fs.StringVar(&l.fallback, "fallback", l.fallback, "what the bot's GITSCRUM_TOKEN does for people without a linked account: none, read or all (default read with linking, all without) (env "+slackbot.EnvFallback+")")
	fs.StringVar(&l.adminUsers, "admin-users", l.adminUsers, "Slack user IDs who may change a channel's default workspace, besides the workspace's admins and owners (env "+slackbot.EnvAdminUsers+")")
}

// check reads what parse time can check.
func (l linkingConfig) check(sandbox bool) error {
	if _, err := l.fallbackFor(sandbox); err != nil {
		return err
	}
	if _, err := slackbot.ParseAdminUsers(l.adminUsers); err != nil {
		return err
	}
	if l.publicURL != "" && l.key == "" && !sandbox {
		return fmt.Errorf("--public-url (%s) turns account linking on, which needs %s: make one with `openssl rand -base64 32`", envPublicURL, accounts.EnvKey)
	}
	if l.key != "" || l.oldKeys != "" {
		if _, err := accounts.ParseKeyring(l.key, l.oldKeys); err != nil {
			return err
		}
	}
	return nil
}

// fallbackFor is the fallback given, or the default: the sandbox's bot token
// is the demo one, so the sandbox keeps today's behaviour (all) unless told
// otherwise; elsewhere slackbot picks (read with linking, all without).
func (l linkingConfig) fallbackFor(sandbox bool) (slackbot.Fallback, error) {
	f, err := slackbot.ParseFallback(l.fallback)
	if err == nil && f == "" && sandbox {
		f = slackbot.FallbackAll
	}
	return f, err
}

// wantsListener reports whether Socket Mode listens on --addr: for the connect
// pages, when linking is (or, in the sandbox, will be) on.
func (l linkingConfig) wantsListener(addrSet, sandbox bool) bool {
	return addrSet && (l.publicURL != "" || sandbox)
}

// sandboxPublicURL is the loopback URL of the sandbox's listener.
func sandboxPublicURL(addr net.Addr) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// linking is account linking turned on: the accounts and the pages.
type linking struct {
	accounts  *accounts.Service
	pages     *web.Server
	publicURL string
}

// openLinking turns linking on when a public URL is known (given, or the
// sandbox's loopback one); nil when it is off. A wrong key refuses to start.
func openLinking(ctx context.Context, l linkingConfig, sandbox bool, st *store.Store, client *gitscrum.Client, logger *slog.Logger) (*linking, error) {
	if l.publicURL == "" {
		if l.key != "" {
			logger.Warn(accounts.EnvKey + " is set but " + envPublicURL + " is not: account linking is off")
		}
		return nil, nil
	}
	var keys *accounts.Keyring
	switch {
	case l.key != "":
		k, err := accounts.ParseKeyring(l.key, l.oldKeys)
		if err != nil {
			return nil, err
		}
		keys = k
	case sandbox:
		keys = accounts.NewEphemeralKeyring()
	default:
		return nil, accounts.ErrNoKey
	}
	svc, err := accounts.New(st, keys, client, accounts.Options{Logger: logger})
	if err != nil {
		return nil, err
	}
	// The key check reads only key ids; a database that does not answer within
	// a few seconds is checked again when linking is first used.
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := svc.CheckKeys(cctx); err != nil {
		if errors.Is(err, accounts.ErrWrongKey) {
			return nil, err
		}
		logger.Warn("cannot check the encryption key against the state store yet", "error", err)
	}
	return &linking{accounts: svc, publicURL: l.publicURL}, nil
}

// configure gives the bot linking.
func (lk *linking) configure(c *slackbot.Config) {
	if lk == nil {
		return
	}
	c.Accounts = lk.accounts
	c.ConnectURL = func(secret string) string { return web.ConnectURL(lk.publicURL, secret) }
}

// servePages builds the connect pages, telling bot of each link made.
func (lk *linking) servePages(bot *slackbot.Bot, logger *slog.Logger) (http.Handler, error) {
	pages, err := web.New(web.Options{
		Linker:    lk.accounts,
		PublicURL: lk.publicURL,
		Logger:    logger,
		OnLinked: func(ctx context.Context, link accounts.Link, acct accounts.Account) {
			bot.Connected(ctx, link.Identity, link, acct)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("--public-url (%s): %w", envPublicURL, err)
	}
	lk.pages = pages
	return pages.Handler(), nil
}

// sandboxLink prints a one-time link for the sandbox's Slack person.
func (lk *linking) sandboxLink(ctx context.Context, logger *slog.Logger) {
	secret, _, err := lk.accounts.NewLink(ctx, accounts.Identity{TeamID: sandboxTeam, UserID: sandboxUser}, accounts.LinkRequest{UserName: "sandbox user", Workspace: "demo"})
	if err != nil {
		logger.Warn("sandbox: cannot make a link", "error", err)
		return
	}
	logger.Info("sandbox: link "+sandboxUser+"'s GitScrum account in a browser (the sandbox token is in docs/slack.md)", "url", web.ConnectURL(lk.publicURL, secret))
}
