package slackbot_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// Clients whose values would be formatted, linked or turn into mentions if they
// reached Slack's mrkdwn. The first is in the demo data.
const (
	boldUUID   = "4d6f8a0c-2e3b-4c5d-bf7a-9b0c1d2e3fbb"
	boldName   = "*Bold* _Italic_ ~Strike~ Studio"
	codeUUID   = "c0de0000-0000-4000-8000-0000000000c1"
	codeName   = "`Code` & > Quote <@U024BE7LH> <!channel> &lt; <https://evil.example|Ltd>"
	strikeUUID = "c0de0000-0000-4000-8000-0000000000c2"
	strikeName = "~Strike~ Studio *Two*"
)

// hostile are the values of those clients that must show exactly as typed.
var hostile = []string{boldName, codeName, strikeName, "*x*@evil.example", "https://evil.example/_a_", "> quoted\n*bold* `code`", ":tada: _under_"}

// addFormattingClients adds the clients above beside the demo data.
func addFormattingClients(e *env) {
	e.emu.AddClients(emulator.DemoWorkspace,
		gitscrum.ClientCompany{UUID: codeUUID, Name: codeName, Email: "*x*@evil.example", Website: "https://evil.example/_a_",
			Phone: ":tada: _under_", Notes: "> quoted\n*bold* `code`", Address: "~1 Main St~",
			CreatedAt: gitscrum.Timestamp{Time: time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)}},
		gitscrum.ClientCompany{UUID: strikeUUID, Name: strikeName,
			CreatedAt: gitscrum.Timestamp{Time: time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)}},
	)
}

// textObject is a text object of a reply, as JSON.
type textObject struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji bool   `json:"emoji"`
}

// textObjects returns every text object of msg's blocks.
func textObjects(t *testing.T, msg *slack.WebhookMessage) []textObject {
	t.Helper()
	raw, err := json.Marshal(msg.Blocks)
	require.NoError(t, err)
	var doc any
	require.NoError(t, json.Unmarshal(raw, &doc))
	var out []textObject
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if typ, _ := x["type"].(string); typ == "mrkdwn" || typ == "plain_text" {
				text, _ := x["text"].(string)
				emoji, _ := x["emoji"].(bool)
				out = append(out, textObject{Type: typ, Text: text, Emoji: emoji})
				return
			}
			for _, vv := range x {
				walk(vv)
			}
		case []any:
			for _, vv := range x {
				walk(vv)
			}
		}
	}
	walk(doc)
	return out
}

// TestValuesShownExactly runs every kind of reply about clients whose names and
// fields hold Slack's formatting characters, mentions and links, and user input
// that does, and checks that no such value ever reaches a mrkdwn object: each is
// in plain_text (emoji codes off), escaped only for &, < and >. Slack applies no
// formatting, link, mention or emoji to plain_text, so the value shows as typed.
func TestValuesShownExactly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	addFormattingClients(e)
	for _, tc := range []struct {
		text, user string
		want       []string // values that must show, exactly
	}{
		{"show " + boldUUID, reader, []string{boldName}},                                                // card
		{"show " + codeUUID, reader, []string{codeName, "*x*@evil.example", "> quoted\n*bold* `code`"}}, // card, every field
		{codeUUID + " share", reader, []string{codeName}},                                               // shared card
		{"list studio", reader, []string{boldName, strikeName}},                                         // list
		{"list", reader, []string{boldName}},                                                            // list of all
		{"studio", reader, []string{boldName, strikeName}},                                              // find, several
		{"show studio", reader, []string{boldName, strikeName}},                                         // ambiguity candidates
		{"update studio phone=1", writer, []string{boldName, strikeName}},                               // ambiguous write
		{"show *Bold* _Italc_", reader, []string{"*Bold* _Italc_", boldName}},                           // not found, suggestion
		{"list `none` > *here*", reader, []string{"`none` > *here*"}},                                   // not found, query
		{"delete *everything* now", reader, []string{"delete", "*everything* now"}},                     // unknown subcommand
		{"update " + strikeUUID + ` notes="> *really* _new_" name="~Strike~ Studio *Three*"`, writer, // before → after
			[]string{"> *really* _new_", strikeName, "~Strike~ Studio *Three*"}},
		{`create "*New* _Co_" email=x@new.example`, writer, []string{"*New* _Co_"}}, // created card
		{`create "*New* _Co_"`, writer, []string{"*New* _Co_"}},                     // duplicate list
		{"update " + codeUUID + " colour=`red`", writer, []string{"colour"}},        // usage error
		{"show " + codeUUID + " workspace=*ws*", reader, []string{"*ws*"}},          // workspace not found
		{`create Wonka email="*not* an email"`, writer, []string{}},                 // validation error
	} {
		msg := e.run(tc.text, tc.user)
		require.NoError(t, blockkit.CheckLimits(msg), tc.text)
		assertSafe(t, msg)
		objs := textObjects(t, msg)
		var plainText []string
		for _, o := range objs {
			switch o.Type {
			case "mrkdwn":
				for _, v := range append(hostile, tc.want...) {
					if strings.ContainsAny(v, "*_~`>") {
						assert.NotContains(t, o.Text, blockkit.Escape(v), "%s: a value in mrkdwn: %q", tc.text, o.Text)
					}
				}
				for _, marker := range []string{"Bold", "Italic", "Strike", "Code", "evil", "quoted", "tada", "here*", "everything", "*ws*", "Three", "*New*"} {
					assert.NotContains(t, o.Text, marker, "%s: a value in mrkdwn: %q", tc.text, o.Text)
				}
			case "plain_text":
				assert.False(t, o.Emoji, "%s: plain text keeps :codes: as typed", tc.text)
				plainText = append(plainText, o.Text)
			}
		}
		all := strings.Join(plainText, "\n")
		for _, v := range tc.want {
			assert.Contains(t, all, blockkit.Escape(v), "%s: %q is not shown exactly", tc.text, v)
		}
	}
}
