package slackbot

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"
)

// PanicIn makes b's listener of kind ("command", "action", "view", "options",
// "event") for key (a subcommand, action_id, callback_id or event type) panic,
// through the router, for the tests of panic recovery.
func PanicIn(b *Bot, kind, key string) {
	boom := func() { panic(fmt.Sprintf("test panic in %s %s", kind, key)) }
	r := b.router
	switch kind {
	case "command":
		r.commands[key] = func(context.Context, *invocation) result { boom(); return result{} }
	case "action":
		r.actions[key] = func(context.Context, *interaction) (string, error) { boom(); return "", nil }
	case "view":
		r.views[key] = func(context.Context, *interaction) submitResult { boom(); return submitResult{} }
	case "options":
		r.options[key] = func(context.Context, *interaction) (*slack.OptionsResponse, error) { boom(); return nil, nil }
	case "event":
		l := r.events[key]
		l.run = func(context.Context, string, *eventEnvelope) { boom() }
		r.events[key] = l
	default:
		panic("PanicIn: unknown kind " + kind)
	}
}
