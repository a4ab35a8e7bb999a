package slackbot

import (
	"strings"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// command is one subcommand of the slash command. The table below routes commands,
// checks their arguments and generates the help, the usage shown with an error and
// the manifest's usage hint.
type command struct {
	// name is what the user types after the slash command; aliases are other names.
	name    string
	aliases []string
	// args is the synopsis of the arguments, e.g. "<name|uuid> field=value …".
	args string
	// summary says what the command does, in one or two sentences.
	summary string
	// examples are complete argument lines, without the slash command.
	examples []string
	// write marks commands that change GitScrum: they need write access.
	write bool
	// bare marks the command run for text that names no subcommand.
	bare bool
	// arg says whether a positional argument is needed, allowed or refused.
	arg argRule
	// input names the positional argument for gitscrum's length caps
	// (gitscrum.MaxLength): a client reference, a query or a name.
	input string
	// fields says which field=value words are accepted besides workspace=.
	fields fieldRule
	// share says whether the share word is accepted.
	share bool
	// force says whether force=yes is accepted.
	force bool
	// workspace says whether workspace=<slug> is accepted (every command touching
	// GitScrum).
	workspace bool
	// working is the acknowledgement sent when the answer takes longer than the
	// inline budget, in plain text; %s, when there, is the argument, escaped and
	// quoted (or the workspace).
	working string
}

// argRule says what positional words a command takes.
type argRule uint8

const (
	argNone     argRule = iota // no positional words
	argOptional                // any number, may be none
	argRequired                // at least one
)

// fieldRule says which client fields a command accepts as field=value.
type fieldRule uint8

const (
	noFields       fieldRule = iota
	editableFields           // name, email, phone, website, address, notes
)

// commands is the table of subcommands, in the order the help lists them. It is
// data only: the router runs each by name.
var commands = []*command{
	{
		name:     "help",
		args:     "[subcommand]",
		summary:  "Show this help, or how to use one subcommand.",
		examples: []string{"help", "help update"},
		arg:      argOptional,
		working:  "Preparing the help…",
	},
	{
		name:      "list",
		aliases:   []string{"clients", "search"},
		args:      "[query]",
		summary:   "List the clients whose name, email, website or UUID contains the query; all clients without one. At most 10 per reply, with the total.",
		examples:  []string{"list", "list acme", "search acme.co share"},
		arg:       argOptional,
		input:     gitscrum.InputQuery,
		share:     true,
		workspace: true,
		working:   "Searching the clients for %s…",
	},
	{
		name:      "show",
		aliases:   []string{"get"},
		args:      "[name|uuid]",
		summary:   "Show the card of one client, found by its name (or part of it) or its UUID; without one, a picker to find it as you type.",
		examples:  []string{"show Acme Corp", `show "Smith & Sons" share`, "show"},
		arg:       argOptional,
		input:     gitscrum.InputClient,
		share:     true,
		workspace: true,
		working:   "Looking up %s…",
	},
	{
		name:      "find",
		bare:      true,
		args:      "<text>",
		summary:   "Find a client by name, email, website or UUID: one match shows its card, several show the list. `find <text>` does the same.",
		examples:  []string{"acme", "billing@acme.co"},
		arg:       argRequired,
		input:     gitscrum.InputQuery,
		share:     true,
		workspace: true,
		working:   "Looking up %s…",
	},
	{
		name:    "create",
		args:    `<name> [email=…] [phone=…] [website=…] [address="…"] [notes="…"] [force=yes]`,
		summary: "Create a client and show its card. Refused when a client with the same name or email exists; add force=yes to create it anyway. Without arguments, opens the New client form.",
		examples: []string{
			`create Globex Europe email=eu@globex.com website=https://globex.eu`,
			`create "Stark Industries" address="10880 Malibu Point, CA" notes="Met at CES"`,
		},
		write:     true,
		arg:       argOptional, // the name may also be given as name=…
		input:     string(gitscrum.FieldName),
		fields:    editableFields,
		force:     true,
		workspace: true,
		working:   "Creating %s…",
	},
	{
		name:    "update",
		args:    "<name|uuid> field=value …",
		summary: "Change some fields of a client and show what changed, before → after. `field=` with nothing after it clears the field. Fields: name, email, phone, website, address, notes.",
		examples: []string{
			`update Acme Corp phone=+1-555-0101`,
			`update acme corp notes="Renewed for 2026" website=`,
		},
		write:     true,
		arg:       argRequired,
		input:     gitscrum.InputClient,
		fields:    editableFields,
		workspace: true,
		working:   "Updating %s…",
	},
	{
		name:      "history",
		args:      "<name|uuid>",
		summary:   "Show the last 20 changes made to a client through this bridge (here or over MCP), newest first: when, who, each field before → after. Needs the bridge's state store.",
		examples:  []string{"history Acme Corp"},
		arg:       argRequired,
		input:     gitscrum.InputClient,
		workspace: true,
		working:   "Looking up the history of %s…",
	},
	{
		name:     "connect",
		summary:  "Link your own GitScrum account: a button opens a page (a link that works once, for 10 minutes, only for you) where you paste a GitScrum API token. From then on, what you do here is done as you in GitScrum.",
		examples: []string{"connect"},
		working:  "Making your connect link…",
	},
	{
		name:     "disconnect",
		summary:  "Unlink your GitScrum account: your token is deleted from the bridge at once.",
		examples: []string{"disconnect"},
		working:  "Disconnecting your GitScrum account…",
	},
	{
		name:     "whoami",
		summary:  "Say whether your GitScrum account is linked, to which workspace and since when, and what you may do without it.",
		examples: []string{"whoami"},
		working:  "Looking up your GitScrum account…",
	},
	{
		name:     "config",
		args:     "[workspace <slug>|-]",
		summary:  "Show which GitScrum workspace commands in this channel use, and why. `config workspace <slug>` sets this channel's default (Slack workspace admins and owners, and people in SLACK_ADMIN_USERS); `config workspace -` clears it.",
		examples: []string{"config", "config workspace acme", "config workspace -"},
		arg:      argOptional,
		working:  "Looking up this channel's settings…",
	},
}

// lookupCommand returns the command named or aliased word (case-insensitive), or nil.
func lookupCommand(word string) *command {
	word = strings.ToLower(word)
	for _, c := range commands {
		if c.name == word {
			return c
		}
		for _, a := range c.aliases {
			if a == word {
				return c
			}
		}
	}
	return nil
}

// bareCommand returns the command run for text that names no subcommand.
func bareCommand() *command {
	for _, c := range commands {
		if c.bare {
			return c
		}
	}
	panic("slackbot: no bare command in the table")
}

// similarCommand returns a command whose name or an alias starts with word or that
// word starts with (at least three letters in common), for "did you mean".
func similarCommand(word string) *command {
	word = strings.ToLower(word)
	if len(word) < 3 {
		return nil
	}
	for _, c := range commands {
		for _, n := range append([]string{c.name}, c.aliases...) {
			if strings.HasPrefix(n, word) || (len(n) >= 3 && strings.HasPrefix(word, n)) {
				return c
			}
		}
	}
	return nil
}

// usage returns the synopsis of c for the slash command slash, e.g.
// "/gitscrum show <name|uuid>". The bare command shows as "/gitscrum <text>".
func (c *command) usage(slash string) string {
	if c.bare {
		return slash + " " + c.args
	}
	return strings.TrimSpace(slash + " " + c.name + " " + c.args)
}

// usageHint is the one-line hint Slack shows while typing the command.
func usageHint() string {
	parts := make([]string, 0, len(commands))
	for _, c := range commands {
		switch {
		case c.bare:
			parts = append(parts, c.args)
		case c.name == "help" || c.args == "":
			parts = append(parts, c.name)
		default:
			parts = append(parts, c.name+" "+c.args)
		}
	}
	return "[" + strings.Join(parts, " | ") + "]"
}
