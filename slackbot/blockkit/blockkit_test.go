package blockkit_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/blockkit"
)

// TestClip checks escaping and cutting never split an entity nor exceed the limit.
func TestClip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"plain", 10, "plain"},
		{"a<b>&c", 20, "a&lt;b&gt;&amp;c"},
		{"abcdef", 4, "abc…"},
		{"a&b", 5, "a…"},
		{"a&b", 7, "a&amp;b"},
		{"<<<<", 9, "&lt;&lt;…"},
		{"ééééé", 3, "éé…"},
		{"bad\xffutf8", 20, "bad\uFFFDutf8"},
		{"x", 0, ""},
	} {
		got := blockkit.Clip(tc.in, tc.max)
		assert.Equal(t, tc.want, got, "clip(%q, %d)", tc.in, tc.max)
		assert.LessOrEqual(t, utf8.RuneCountInString(got), max(tc.max, 0))
	}
}

// TestCheckLimits checks the limits are enforced by the checker and kept by the
// builders.
func TestCheckLimits(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", blockkit.MaxTextLen+1)
	tooMany := make([]*slack.TextBlockObject, blockkit.MaxFields+1)
	for i := range tooMany {
		tooMany[i] = blockkit.Md("f")
	}
	bad := map[string]*slack.WebhookMessage{
		"no fallback":    {Blocks: &slack.Blocks{}},
		"long text":      {Text: "t", Blocks: &slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(blockkit.Md(long), nil, nil)}}},
		"long header":    {Text: "t", Blocks: &slack.Blocks{BlockSet: []slack.Block{slack.NewHeaderBlock(blockkit.Plain(strings.Repeat("h", 151)))}}},
		"empty text":     {Text: "t", Blocks: &slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(blockkit.Md(""), nil, nil)}}},
		"too many field": {Text: "t", Blocks: &slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(nil, tooMany, nil)}}},
		"too many blocks": {Text: "t", Blocks: &slack.Blocks{BlockSet: func() []slack.Block {
			var bs []slack.Block
			for range blockkit.MaxBlocks + 1 {
				bs = append(bs, slack.NewDividerBlock())
			}
			return bs
		}()}},
	}
	for name, msg := range bad {
		assert.Error(t, blockkit.CheckLimits(msg), name)
	}

	var fields []blockkit.Line
	for _, f := range strings.Split(strings.Repeat("a,", 15), ",") {
		fields = append(fields, blockkit.Shown(f), blockkit.Ours(f))
	}
	var blocks []slack.Block
	for range 80 {
		blocks = append(blocks, blockkit.Section(long), blockkit.PlainSection(long), blockkit.Fields(fields...), blockkit.Context(blockkit.Ours(long), blockkit.Shown(long)))
	}
	msg := blockkit.Message(slack.ResponseTypeEphemeral, long+long, blocks...)
	require.NoError(t, blockkit.CheckLimits(msg), "the builders keep every limit")
	assert.Len(t, msg.Blocks.BlockSet, blockkit.MaxBlocks)
}

// TestNeutralise: mrkdwn's markers and a leading quote format nothing in a
// fallback text, and still read as themselves.
func TestNeutralise(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Smith *Bold* _It_": "Smith \u200b*\u200bBold\u200b*\u200b \u200b_\u200bIt\u200b_\u200b",
		"&gt; quoted":       "\u200b&gt; quoted",
		"a\n  &gt; b":       "a\n\u200b  &gt; b",
		"no markup &amp; x": "no markup &amp; x",
	} {
		assert.Equal(t, want, blockkit.Neutralise(in), "%q", in)
	}
	msg := blockkit.Message(slack.ResponseTypeInChannel, "~x~ `y`")
	assert.NotContains(t, strings.ReplaceAll(msg.Text, "\u200b", " "), "~x~", "the fallback text is neutralised")
}
