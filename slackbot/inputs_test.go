package slackbot_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// TestUpdateNeedsExactName sends updates whose reference only matches loosely (one
// character of "Globex Corporation", one CJK character of a name, a prefix): nothing
// is changed upstream, and the reply says how to be exact.
func TestUpdateNeedsExactName(t *testing.T) {
	for _, ref := range []string{`"../x"`, "東", "globex"} {
		t.Run(ref, func(t *testing.T) {
			e := newEnv(t)
			e.emu.AddClients(emulator.DemoWorkspace, gitscrum.ClientCompany{Name: "東京 Trading"})
			before := e.emu.Clients(emulator.DemoWorkspace)
			msg := e.run("update "+ref+" phone=+1-555-9999", writer)
			all := joined(t, msg)
			for _, want := range []string{"Nothing was changed", "is not exactly the name of one client",
				"give its UUID or its full name exactly as listed", "/gitscrum update"} {
				assert.Contains(t, all, want)
			}
			for _, r := range e.emu.Requests() {
				assert.Equal(t, http.MethodGet, r.Method, "only reads: %s %s", r.Method, r.Path)
			}
			assert.Equal(t, before, e.emu.Clients(emulator.DemoWorkspace), "nothing changed upstream")
		})
	}
	t.Run("the full name updates", func(t *testing.T) {
		e := newEnv(t)
		msg := e.run("update GLOBEX-corporation phone=+1-555-9999", writer)
		assert.Contains(t, joined(t, msg), "Updated “Globex Corporation”")
	})
}

// TestArgumentCaps sends each kind of argument one character over its cap: the reply
// names it and its cap, and nothing reaches GitScrum.
func TestArgumentCaps(t *testing.T) {
	over := func(n int) string { return strings.Repeat("x", n+1) }
	tests := []struct {
		name, text string
		want       []string
	}{
		{"list query", "list " + over(255), []string{"• query: is too long: 256 characters, and at most 255 are allowed"}},
		{"find text", over(255), []string{"• query: is too long"}},
		{"show reference", "show " + over(255), []string{"• client: is too long"}},
		{"update reference", "update " + over(255) + " phone=1", []string{"Not saved", "• client: is too long"}},
		{"create name", "create " + over(255), []string{"• name: is too long: 256 characters, and at most 255 are allowed"}},
		{"create name=", "create name=" + over(255), []string{"• name: is too long"}},
		{"create email", "create Foo email=" + over(254), []string{"• email: is too long: 255 characters, and at most 254 are allowed"}},
		{"update phone", "update Initech phone=" + over(64), []string{"• phone: is too long: 65 characters, and at most 64 are allowed"}},
		{"create website", "create Foo website=" + over(255), []string{"• website: is too long"}},
		{"create address", "create Foo address=" + over(1000), []string{"• address: is too long"}},
		{"update notes", "update Initech notes=" + over(5000), []string{"• notes: is too long: 5001 characters, and at most 5000 are allowed"}},
		{"workspace", "list workspace=" + over(255), []string{"workspace= is too long: 256 characters, and at most 255 are allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			msg := e.run(tt.text, writer)
			all := joined(t, msg)
			for _, want := range tt.want {
				assert.Contains(t, all, want)
			}
			assert.Empty(t, e.emu.Requests(), "refused before any request")
		})
	}
}

// TestHugeInputRefusedCheaply runs 1 MiB arguments through the bot (as Socket Mode
// would deliver them, without the HTTP body cap): each is refused before any work
// and the reply stays short.
func TestHugeInputRefusedCheaply(t *testing.T) {
	e := newEnv(t)
	mb := strings.Repeat("a", 1<<20)
	for _, text := range []string{"show " + mb, "list " + mb, "update Initech notes=" + mb, "create " + mb, "list workspace=" + mb} {
		msg := e.bot.Reply(context.Background(), slack.SlashCommand{Command: "/gitscrum", Text: text, UserID: writer, TeamID: "T0TEAM001"})
		all := joined(t, msg)
		assert.Contains(t, all, "is too long: 1048576 characters")
		assert.Less(t, len(all), 2000)
		require.NoError(t, blockkit.CheckLimits(msg))
	}
	assert.Empty(t, e.emu.Requests())
}

// TestRepliesQuoteInputCut checks the replies that quote a user's words cut them at
// a marked point: an unknown subcommand for help, an unknown field, a bad force=.
func TestRepliesQuoteInputCut(t *testing.T) {
	e := newEnv(t)
	word := strings.Repeat("z", 300_000)
	for _, text := range []string{"help " + word, "create Foo " + word + "=1", "create Foo force=" + word, "update " + word + "=1 x"} {
		t.Run(text[:12], func(t *testing.T) {
			msg := e.bot.Reply(context.Background(), slack.SlashCommand{Command: "/gitscrum", Text: text, UserID: writer, TeamID: "T0TEAM001"})
			all := joined(t, msg)
			assert.Contains(t, all, fmt.Sprintf("…(cut, %d characters in all)", 300_000))
			assert.Less(t, len(all), 3000)
		})
	}
	assert.Empty(t, e.emu.Requests())
}

// TestBadCharactersRefusedBeforeWork checks a query or a reference holding a control
// character or a bidirectional override is refused before any request.
func TestBadCharactersRefusedBeforeWork(t *testing.T) {
	e := newEnv(t)
	for _, text := range []string{"list acme\x00", "acme\u202e", "show \"acme\x07\"", "update \"Acme\u2066 Corp\" phone=1", "create Foo\x1b"} {
		msg := e.bot.Reply(context.Background(), slack.SlashCommand{Command: "/gitscrum", Text: text, UserID: writer, TeamID: "T0TEAM001"})
		assert.Contains(t, joined(t, msg), "(found U+", "%q", text)
	}
	assert.Empty(t, e.emu.Requests())
}
