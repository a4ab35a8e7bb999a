package slackbot_test

import (
	"regexp"
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

// ownMarkup is the only Slack markup a reply may contain: dates and mentions of the
// requesting user, which the bot writes itself.
var ownMarkup = regexp.MustCompile(`^<(!date\^-?\d+\^\{date_short\}\|\d{4}-\d{2}-\d{2}>|@U0(READER|WRITER)1>)`)

// assertSafe checks that no text of msg holds a '<' other than the bot's own markup,
// so no value can ping, link or inject.
func assertSafe(t *testing.T, msg *slack.WebhookMessage) {
	t.Helper()
	for _, text := range allText(t, msg) {
		for i := strings.IndexByte(text, '<'); i >= 0; i = nextLT(text, i) {
			assert.Regexp(t, ownMarkup, text[i:], "unescaped '<' in %q", text)
		}
		for _, bad := range []string{"<!channel>", "<!here>", "<!everyone>", "<@U024BE7LH>", "<script>", "<img", "<https://"} {
			assert.NotContains(t, text, bad)
		}
	}
}

func nextLT(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '<')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// TestHostileNamesEscaped runs commands whose answers show the demo's hostile
// clients, and user input echoed back, and checks every text object is escaped.
func TestHostileNamesEscaped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.emu.AddClients(emulator.DemoWorkspace, gitscrum.ClientCompany{
		UUID: "0e0e0e0e-0000-4000-8000-00000000000e", Name: "<!everyone> & <https://evil.example|click me>",
		Email: "x@evil.example", Notes: strings.Repeat("<!here> ", 600), Address: "<@U024BE7LH>\n<#C024BE7LR>",
		CreatedAt: gitscrum.Timestamp{Time: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)},
	})
	sawScript := false
	for _, tc := range []struct{ text, user string }{
		{"list", reader},
		{"list <", reader},
		{"list script", reader},
		{"show alerts", reader},
		{"show labs", reader},
		{"show bold", reader},
		{"show evil", reader},
		{"evil share", reader},
		{"labs", reader},
		{"show <!channel> nobody", reader},
		{"<!here> now please", reader},
		{"show <script>", reader},
		{"update alerts notes=\"<!channel> again\" name=\"<script>x</script>\"", writer},
		{"create \"<!here> Hooks\" email=hooks@hooks.example notes='<@U024BE7LH>'", writer},
		{"create <!channel> Alerts Ltd", writer},
		{"update alerts colour=<red>", writer},
		{"help <!channel>", reader},
		{"list workspace=<!here>", reader},
		{`show "<!channel>`, reader},
	} {
		msg := e.run(tc.text, tc.user)
		require.NoError(t, blockkit.CheckLimits(msg), tc.text)
		assertSafe(t, msg)
		if strings.Contains(joined(t, msg), "&lt;script&gt;") {
			sawScript = true
		}
	}
	assert.True(t, sawScript, "<script> shows as &lt;script&gt;")

	card := e.run("show labs", reader)
	all := joined(t, card)
	assert.Contains(t, all, "&lt;script&gt;alert(1)&lt;/script&gt; Labs")
	assert.Contains(t, all, "&lt;img src=x onerror=\"alert(2)\"&gt; &amp; \"quotes\" 'too'")
}

// TestHugeValuesStayInLimits checks replies about clients with very long values stay
// inside Slack's limits.
func TestHugeValuesStayInLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	long := strings.Repeat("&<>é", 2500)
	var huge []gitscrum.ClientCompany
	for i := range 15 {
		huge = append(huge, gitscrum.ClientCompany{
			UUID: "1e1e1e1e-0000-4000-8000-0000000000" + string(rune('a'+i/10)) + string(rune('0'+i%10)),
			Name: "Huge " + long, Email: long, Phone: long, Website: long, Address: long, Notes: long,
			InvoicesTotal: 1e15,
		})
	}
	e.emu.AddClients(emulator.DemoWorkspace, huge...)
	for _, text := range []string{"list", "list huge", "huge", "show 1e1e1e1e-0000-4000-8000-0000000000a0", `update 1e1e1e1e-0000-4000-8000-0000000000a1 notes="short now"`} {
		msg := e.run(text, writer)
		require.NoError(t, blockkit.CheckLimits(msg), text)
		assertSafe(t, msg)
	}
}
