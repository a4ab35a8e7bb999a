package slackbot

import (
	"context"
	"errors"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// Acting as the person: every request asks [Bot.acting] which GitScrum client to
// use. A person who linked their GitScrum account acts with their own token; anyone
// else is served by the bot's token (Config.Client) as far as Config.Fallback lets
// it, and otherwise asked to connect. SLACK_WRITE_USERS stays an extra gate on
// writes, and --read-only refuses them all.

// Accounts is what the bot needs of package accounts to act as each person;
// *accounts.Service satisfies it.
type Accounts interface {
	// Client returns the person's own GitScrum client and account;
	// accounts.ErrNotLinked, or accounts.ErrBroken with the account.
	Client(ctx context.Context, id accounts.Identity) (*gitscrum.Client, accounts.Account, error)
	// Whoami returns the person's account (Broken set when GitScrum refused it),
	// or accounts.ErrNotLinked.
	Whoami(ctx context.Context, id accounts.Identity) (accounts.Account, error)
	// Disconnect deletes the person's token at once; false when none was linked.
	Disconnect(ctx context.Context, id accounts.Identity) (bool, error)
	// MarkBroken records that GitScrum refused the account's token.
	MarkBroken(ctx context.Context, id accounts.Identity, accountID string) error
	// NewLink makes a one-time link to the connect page for the person.
	NewLink(ctx context.Context, id accounts.Identity, r accounts.LinkRequest) (secret string, expires time.Time, err error)
}

// linkState is where a person stands with account linking.
type linkState uint8

const (
	linkOff    linkState = iota // linking is not turned on: the bot's token acts for everyone
	linkOwn                     // linked: their own token acts
	linkNone                    // not linked
	linkBroken                  // linked, but GitScrum refused the token
)

// actor is who acts on one request, and with which GitScrum client.
type actor struct {
	id     accounts.Identity
	client *gitscrum.Client
	state  linkState
	// account is the person's linked account, also when broken; zero otherwise.
	account accounts.Account
}

// own reports whether the person's own token acts.
func (a *actor) own() bool { return a != nil && a.state == linkOwn }

// accountID is the account acting, for the audit log: "" when the bot's token acts.
func (a *actor) accountID() string {
	if a.own() {
		return a.account.ID
	}
	return ""
}

// refusal is why a request may not go ahead as asked.
type refusal struct {
	// connect: the person must link their account (or link it again, when state
	// is linkBroken); write says whether a write was asked for.
	connect bool
	state   linkState
	write   bool
	// denied is why a write is refused otherwise (read-only, SLACK_WRITE_USERS).
	denied writeRefusal
	// err is set when the person's account could not be looked up.
	err error
}

// stateLookupError is the state store failing to say something a request needs:
// the person's linked account, the channel's default workspace. Nothing was sent
// to GitScrum; it is of class gitscrum.ErrUnavailable.
type stateLookupError struct {
	what string
	err  error
}

func (e *stateLookupError) Error() string { return "state store: " + e.what + ": " + e.err.Error() }

// Unwrap returns the cause.
func (e *stateLookupError) Unwrap() error { return e.err }

// Is makes the error match gitscrum.ErrUnavailable: waiting for the store cures it.
func (e *stateLookupError) Is(target error) bool { return target == gitscrum.ErrUnavailable }

// acting returns who acts for the Slack person id, with which client, for a read
// or (write) a create or update; or why the request is refused.
func (b *Bot) acting(ctx context.Context, id accounts.Identity, write bool) (*actor, *refusal) {
	if write && b.access.readOnly {
		return nil, &refusal{denied: writeReadOnly, write: true}
	}
	act, err := b.lookup(ctx, id)
	switch {
	case err != nil:
		return nil, &refusal{err: err}
	case b.linking() && !act.own() && !b.fallback.lets(write):
		return nil, &refusal{connect: true, state: act.state, write: write}
	}
	if write {
		if r := b.access.canWrite(id.UserID, act.own()); r != writeAllowed {
			return nil, &refusal{denied: r, write: true}
		}
	}
	return act, nil
}

// lookup returns who acts for id: their own client when they linked a working
// account, else the bot's. The error is the store failing to say (the actor is
// then as for an unlinked person).
func (b *Bot) lookup(ctx context.Context, id accounts.Identity) (*actor, error) {
	act := &actor{id: id, client: b.cfg.Client}
	if !b.linking() {
		return act, nil
	}
	c, acct, err := b.cfg.Accounts.Client(ctx, id)
	switch {
	case err == nil:
		act.client, act.account, act.state = c, acct, linkOwn
	case errors.Is(err, accounts.ErrBroken):
		act.account, act.state = acct, linkBroken
	case errors.Is(err, accounts.ErrNotLinked):
		act.state = linkNone
	default:
		act.state = linkNone
		return act, &stateLookupError{what: "your linked GitScrum account", err: err}
	}
	return act, nil
}

// peek returns who would act for id on a read, for what a person is shown (the
// help, the App Home): nobody is refused, and a store that does not answer
// counts as not linked.
func (b *Bot) peek(ctx context.Context, id accounts.Identity) *actor {
	act, _ := b.lookup(ctx, id)
	return act
}

// mayWrite says whether act may create and update clients, for the buttons and
// the help: read-only, a fallback that does not let the bot's token write, and
// SLACK_WRITE_USERS say no.
func (b *Bot) mayWrite(act *actor) writeRefusal {
	if b.access.readOnly {
		return writeReadOnly
	}
	if act == nil {
		return b.access.canWrite("", false)
	}
	if b.cfg.Accounts != nil && !act.own() && !b.fallback.lets(true) {
		return writeNeedsAccount
	}
	return b.access.canWrite(act.id.UserID, act.own())
}

// tokenRefused reports whether err is GitScrum refusing (401) the linked token
// act used. When so, the account is marked broken, so that the token is not sent
// again (the person is served per the fallback until they connect again), and
// the person's App Home is refreshed.
func (b *Bot) tokenRefused(ctx context.Context, act *actor, err error) bool {
	if !act.own() || !errors.Is(err, gitscrum.ErrUnauthorized) {
		return false
	}
	if merr := b.cfg.Accounts.MarkBroken(ctx, act.id, act.account.ID); merr != nil {
		b.log.Error("GitScrum refused a linked token, and it could not be marked broken", "team_id", act.id.TeamID, "user_id", act.id.UserID, "error", merr)
	} else {
		b.log.Info("GitScrum refused a linked token; the link is marked broken", "team_id", act.id.TeamID, "user_id", act.id.UserID, "account", act.account.ID)
	}
	act.state = linkBroken
	b.refreshHome(act.id)
	return true
}
