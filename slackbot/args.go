package slackbot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
)

// invocation is a command line bound to its command: who asked, where, and with
// which arguments.
type invocation struct {
	cmd *command
	// userID, teamID and channelID are those of the slash command; triggerID
	// opens a modal within 3 s of it; userName is the user_name Slack sent.
	userID, teamID, channelID, triggerID, userName string
	// workspace is the GitScrum workspace: workspace= as given, until
	// [Bot.resolve] chooses it (see [Bot.workspaceFor]).
	workspace string
	// actor is who acts, set by [Bot.resolve]; nil before.
	actor *actor
	// words are the positional words; arg is them joined by single spaces.
	words []string
	arg   string
	// fields are the field=value words naming client fields, in the order given.
	fields []fieldValue
	// force is force=yes; share is the share word.
	force bool
	share bool
	// verb is the unquoted first word of a line that named no subcommand, for a
	// "not a subcommand" hint.
	verb string
}

// person is who runs inv, for a connect link.
func (inv *invocation) person() person {
	return person{id: accounts.Identity{TeamID: inv.teamID, UserID: inv.userID}, name: inv.userName, channel: inv.channelID}
}

// fieldValue is one field=value word naming a client field.
type fieldValue struct {
	field gitscrum.Field
	value string
}

// field returns the value given for f, and whether it was given.
func (inv *invocation) field(f gitscrum.Field) (string, bool) {
	for _, fv := range inv.fields {
		if fv.field == f {
			return fv.value, true
		}
	}
	return "", false
}

// usageError is a command line that does not fit its command. Its message is plain
// text; rendering escapes it.
type usageError struct {
	cmd *command // the command whose usage to show; nil for the general help
	msg string
}

// Error returns the message.
func (e *usageError) Error() string { return e.msg }

// Is makes the error match outcome.ErrInvalid: input refused before any call.
func (e *usageError) Is(target error) bool { return target == outcome.ErrInvalid }

// errUsage returns a usageError for cmd.
func errUsage(cmd *command, format string, args ...any) *usageError {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...)}
}

// bind checks the words of a command line against cmd and returns the invocation.
// defaultWorkspace applies when no workspace= is given.
func bind(cmd *command, toks []Token, defaultWorkspace string) (*invocation, error) {
	inv := &invocation{cmd: cmd, workspace: defaultWorkspace}
	seen := map[string]bool{}
	for _, t := range toks {
		switch {
		case t.IsField():
			if seen[t.Key] {
				return nil, errUsage(cmd, "%s= is given twice; give it once.", gitscrum.Excerpt(t.Key))
			}
			seen[t.Key] = true
			if err := inv.bindField(t); err != nil {
				return nil, err
			}
		case !t.Quoted && strings.EqualFold(t.Text, "share"):
			if !cmd.share {
				return nil, errUsage(cmd, "share applies to list, show and find only; %s answers only you.", cmd.name)
			}
			inv.share = true
		default:
			inv.words = append(inv.words, t.Text)
		}
	}
	inv.arg = strings.Join(inv.words, " ")
	if cmd.input != "" {
		if err := gitscrum.CheckLength(cmd.input, inv.arg); err != nil {
			return nil, err
		}
	}
	switch {
	case cmd.arg == argNone && len(inv.words) > 0:
		return nil, errUsage(cmd, "%s takes no arguments.", cmd.name)
	case cmd.arg == argRequired && strings.TrimSpace(inv.arg) == "":
		return nil, errUsage(cmd, "%s needs %s.", cmd.name, strings.Fields(cmd.args)[0])
	}
	return inv, nil
}

// bindField applies one field=value word.
func (inv *invocation) bindField(t Token) error {
	cmd := inv.cmd
	switch t.Key {
	case "workspace":
		if !cmd.workspace {
			return errUsage(cmd, "workspace= does not apply to %s.", cmd.name)
		}
		ws := strings.TrimSpace(t.Value)
		if ws == "" {
			return errUsage(cmd, "workspace= needs the slug of a workspace, as in its GitScrum URL.")
		}
		var e *gitscrum.Error
		if errors.As(gitscrum.CheckLength(gitscrum.InputCompanySlug, ws), &e) {
			return errUsage(cmd, "workspace= %s.", strings.Join(e.Fields[gitscrum.InputCompanySlug], "; "))
		}
		inv.workspace = ws
		return nil
	case "force":
		if !cmd.force {
			return errUsage(cmd, "force= applies to create only.")
		}
		switch strings.ToLower(strings.TrimSpace(t.Value)) {
		case "yes", "y", "true", "1", "on":
			inv.force = true
		case "no", "n", "false", "0", "off":
			inv.force = false
		default:
			return errUsage(cmd, "force= takes yes or no, not %q.", gitscrum.Excerpt(t.Value))
		}
		return nil
	}
	f, ok := gitscrum.ParseField(t.Key)
	if !ok || cmd.fields != editableFields {
		return errUsage(cmd, "Unknown field %q: %s accepts %s.", gitscrum.Excerpt(t.Key), cmd.name, acceptedFields(cmd))
	}
	if err := gitscrum.CheckLength(string(f), t.Value); err != nil {
		return err
	}
	inv.fields = append(inv.fields, fieldValue{field: f, value: t.Value})
	return nil
}

// acceptedFields lists the field=value words cmd accepts, for an error message.
func acceptedFields(cmd *command) string {
	var names []string
	if cmd.fields == editableFields {
		for _, f := range gitscrum.EditableFields {
			names = append(names, string(f)+"=")
		}
	}
	if cmd.force {
		names = append(names, "force=yes")
	}
	if cmd.workspace {
		names = append(names, "workspace=")
	}
	if cmd.share {
		names = append(names, "share")
	}
	switch len(names) {
	case 0:
		return "no fields"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
