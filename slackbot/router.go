package slackbot

import (
	"context"

	"github.com/slack-go/slack"
)

// router holds the listeners of the app layer, Bolt-style: commands by name,
// block actions by action_id, view submissions by callback_id, options by
// action_id, events by type. [New] builds it for its Bot; every listener checks
// again what the payload claims (who may write, which client, which workspace).
type router struct {
	commands map[string]commandRunner
	actions  map[string]actionListener
	views    map[string]viewListener
	options  map[string]optionListener
	events   map[string]eventListener
}

// commandRunner runs one subcommand.
type commandRunner func(ctx context.Context, inv *invocation) result

// actionListener handles a block action after it was acknowledged; it answers
// through the response_url or the Web API, and returns how it ended.
type actionListener func(ctx context.Context, ia *interaction) (string, error)

// viewListener handles a view submission within the inline budget; see
// [submitResult].
type viewListener func(ctx context.Context, ia *interaction) submitResult

// optionListener returns the options of an external select as the user types.
type optionListener func(ctx context.Context, ia *interaction) (*slack.OptionsResponse, error)

// eventListener answers one type of event. Listeners are looked up by the inner
// event's type, as Bolt does; each checks for itself what it will answer.
type eventListener struct {
	// wants reports whether the event is one to answer; the reason says why not
	// (for the log). It runs before the event is acknowledged and must be cheap.
	wants func(env *eventEnvelope) (bool, string)
	// run answers the event, in the background, within ctx.
	run func(ctx context.Context, transport string, env *eventEnvelope)
}

// newRouter returns the listeners of b.
func newRouter(b *Bot) *router {
	return &router{
		commands: map[string]commandRunner{
			"help":       b.runHelp,
			"list":       b.runList,
			"show":       b.runShow,
			"find":       b.runFind,
			"create":     b.runCreate,
			"update":     b.runUpdate,
			"history":    b.runHistory,
			"connect":    b.runConnect,
			"disconnect": b.runDisconnect,
			"whoami":     b.runWhoami,
			"config":     b.runConfig,
		},
		actions: map[string]actionListener{
			ActionCreate:     b.onCreateButton,
			ActionEdit:       b.onEdit,
			ActionShare:      b.onShare,
			ActionNext:       b.onPage,
			ActionPrevious:   b.onPage,
			ActionPick:       b.onPick,
			ActionPicker:     b.onPick,
			ActionConnect:    b.onConnect,
			ActionDisconnect: b.onDisconnect,
		},
		views: map[string]viewListener{
			ViewCreate: b.onCreateSubmit,
			ViewEdit:   b.onEditSubmit,
		},
		options: map[string]optionListener{
			ActionPicker: b.pickerOptions,
		},
		events: map[string]eventListener{
			"app_mention":     {wants: wantsMention, run: b.answerConversation},
			"message":         {wants: wantsDirectMessage, run: b.answerConversation},
			"app_home_opened": {wants: wantsHome, run: b.answerHome},
		},
	}
}

// listens reports whether an event type has a listener.
func (r *router) listens(eventType string) bool {
	_, ok := r.events[eventType]
	return ok
}
