package slackbot

import (
	"fmt"
	"strings"
)

// EnvFallback names the environment variable that sets [Config.Fallback].
const EnvFallback = "GITSCRUM_SLACK_FALLBACK"

// Fallback says what the bot's own GitScrum token (GITSCRUM_TOKEN, Config.Client)
// may do for a person who has not linked their GitScrum account, or whose linked
// token GitScrum refused. A linked person always acts with their own token.
type Fallback string

// The fallbacks. The zero Fallback is the default: [FallbackRead] when account
// linking is on (Config.Accounts is set), [FallbackAll] otherwise.
const (
	// FallbackNone: only linked people are answered; everyone else is asked to
	// connect their account.
	FallbackNone Fallback = "none"
	// FallbackRead: unlinked people look clients up with the bot's token; creating
	// and updating needs a linked account.
	FallbackRead Fallback = "read"
	// FallbackAll: unlinked people do everything with the bot's token, writes
	// still only for the people in SLACK_WRITE_USERS (the behaviour before
	// accounts could be linked).
	FallbackAll Fallback = "all"
)

// ParseFallback reads a fallback as GITSCRUM_SLACK_FALLBACK or --fallback give
// it: none, read or all (any case, surrounding spaces ignored). An empty s is the
// zero Fallback, the default.
func ParseFallback(s string) (Fallback, error) {
	switch f := Fallback(strings.ToLower(strings.TrimSpace(s))); f {
	case "", FallbackNone, FallbackRead, FallbackAll:
		return f, nil
	}
	return "", fmt.Errorf("%s: %q is not a fallback: use none (only people who linked their GitScrum account), "+
		"read (others may look clients up with the bot's token) or all (others do everything with the bot's token)", EnvFallback, clipRunes(s, 40))
}

// String returns the fallback's name, or "default" for the zero Fallback.
func (f Fallback) String() string {
	if f == "" {
		return "default"
	}
	return string(f)
}

// orDefault returns f, or the default fallback for a bot with (linking) or
// without account linking.
func (f Fallback) orDefault(linking bool) Fallback {
	switch {
	case f != "":
		return f
	case linking:
		return FallbackRead
	}
	return FallbackAll
}

// lets reports whether f lets the bot's token act for an unlinked person: a read,
// or a write when write is set.
func (f Fallback) lets(write bool) bool {
	switch f {
	case FallbackAll:
		return true
	case FallbackRead:
		return !write
	}
	return false
}

// Fallback returns the fallback in force: Config.Fallback or its default.
func (b *Bot) Fallback() Fallback { return b.fallback }
