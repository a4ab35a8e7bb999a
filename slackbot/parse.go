package slackbot

import "github.com/gitscrum-bridge/gitscrum-bridge/slackbot/cmdline"

// Token is one word of a command line; see [cmdline.Token].
type Token = cmdline.Token

// ParseError is a command line that cannot be split into words; see
// [cmdline.ParseError].
type ParseError = cmdline.ParseError

// Tokenize splits a command line into words; see [cmdline.Tokenize].
func Tokenize(line string) ([]Token, error) { return cmdline.Tokenize(line) }

// Quote returns s in double quotes, escaped so that [Tokenize] reads it back as
// one word; see [cmdline.Quote].
func Quote(s string) string { return cmdline.Quote(s) }
