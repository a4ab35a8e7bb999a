package accounts

import (
	"errors"
	"time"
)

// Identity is a Slack person: the team (workspace) id and the user id.
type Identity struct {
	TeamID string
	UserID string
}

// Account is what the bridge knows of a linked person, without the token.
type Account struct {
	// ID is the account's random id; audit entries name it.
	ID string
	// Workspace is the GitScrum workspace (company slug) the token was checked on.
	Workspace string
	// Since is when the token was linked.
	Since time.Time
	// Broken is when GitScrum refused the token (401); zero while it works.
	Broken time.Time
}

// Link is a one-time link to the connect page, as the page shows it.
type Link struct {
	// Identity is the Slack person the link links, and only them.
	Identity Identity
	// UserName is the person's name in Slack (users.info), shown on the page.
	UserName string
	// ChannelID is the channel /gitscrum connect was typed in, to answer there.
	ChannelID string
	// Workspace is the workspace the form starts with: the channel's default.
	Workspace string
	// Expires is when the link stops working.
	Expires time.Time
}

// LinkRequest is what [Service.NewLink] needs besides the identity.
type LinkRequest struct {
	UserName  string
	ChannelID string
	Workspace string
}

// Errors of the package, to be matched with errors.Is.
var (
	// ErrNotLinked: the identity has no linked account.
	ErrNotLinked = errors.New("no GitScrum account linked")
	// ErrBroken: the identity's account exists but GitScrum refused its token;
	// the person must connect again. Returned with the Account.
	ErrBroken = errors.New("GitScrum refused the linked token")
	// ErrLinkUnknown: no such one-time link (a page answers 404).
	ErrLinkUnknown = errors.New("unknown link")
	// ErrLinkUsed: the link was used already, or burned after too many failed
	// attempts (a page answers 410).
	ErrLinkUsed = errors.New("link already used")
	// ErrLinkExpired: the link is past its time (a page answers 410).
	ErrLinkExpired = errors.New("link expired")
	// ErrNoKey: linking needs GITSCRUM_BRIDGE_KEY.
	ErrNoKey = errors.New("no encryption key: set " + EnvKey + " (make one with: openssl rand -base64 32)")
)

// FormError is a problem with what the person typed on the connect page that they
// can fix: a malformed token, a token GitScrum refused, a workspace the token does
// not see. Message is for the person and never holds the token.
type FormError struct {
	// Field is "token" or "workspace".
	Field string
	// Message says what is wrong and what to do.
	Message string
	// Err is the cause, if any (e.g. a *gitscrum.Error).
	Err error
}

func (e *FormError) Error() string { return e.Field + ": " + e.Message }

// Unwrap returns the cause.
func (e *FormError) Unwrap() error { return e.Err }

// The environment variables of the keys.
const (
	// EnvKey holds the current key: 32 bytes, base64.
	EnvKey = "GITSCRUM_BRIDGE_KEY"
	// EnvOldKeys holds older keys, separated by commas or spaces, that still open
	// the rows sealed under them.
	EnvOldKeys = "GITSCRUM_BRIDGE_OLD_KEYS"
)
