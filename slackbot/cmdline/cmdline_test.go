package cmdline_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/cmdline"
)

// texts returns the Text of each token.
func texts(toks []cmdline.Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

// TestTokenize covers the quoting rules, fields and errors of the command line.
func TestTokenize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		want []string
		// fields maps a token index to its expected key=value.
		fields map[int][2]string
		quoted map[int]bool
		err    string
	}{
		{name: "empty", in: "", want: []string{}},
		{name: "spaces only", in: " \t\u00a0 ", want: []string{}},
		{name: "words", in: "show  Acme   Corp", want: []string{"show", "Acme", "Corp"}},
		{name: "double quotes", in: `show "Acme Corp"`, want: []string{"show", "Acme Corp"}, quoted: map[int]bool{1: true}},
		{name: "single quotes", in: `show 'Acme Corp'`, want: []string{"show", "Acme Corp"}},
		{name: "curly double", in: `show “Acme Corp”`, want: []string{"show", "Acme Corp"}},
		{name: "curly single", in: `show ‘Acme Corp’`, want: []string{"show", "Acme Corp"}},
		{name: "right curly both ends", in: `show ”Acme Corp”`, want: []string{"show", "Acme Corp"}},
		{name: "low and left double", in: `show „Acme Corp“`, want: []string{"show", "Acme Corp"}},
		{name: "mixed straight close", in: `show “Acme Corp"`, want: []string{"show", "Acme Corp"}},
		{name: "apostrophe in a word", in: `show O'Brien Ltd`, want: []string{"show", "O'Brien", "Ltd"}},
		{name: "curly apostrophe in a word", in: `show Smith’s Bakery`, want: []string{"show", "Smith’s", "Bakery"}},
		{name: "apostrophe inside single quotes", in: `show 'Smith's Bakery'`, want: []string{"show", "Smith's Bakery"}},
		{name: "escaped double quote", in: `notes="say \"hi\""`, want: []string{`notes=say "hi"`}, fields: map[int][2]string{0: {"notes", `say "hi"`}}},
		{name: "escaped curly quote", in: `notes=“a \” b”`, want: []string{`notes=a ” b`}},
		{name: "escaped quote outside quotes", in: `show \"Acme`, want: []string{"show", `"Acme`}, quoted: map[int]bool{1: true}},
		{name: "escaped backslash", in: `notes="a\\b"`, want: []string{`notes=a\b`}},
		{name: "other backslash kept", in: `notes=C:\dir\x`, want: []string{`notes=C:\dir\x`}},
		{name: "field", in: "email=a@b.co", want: []string{"email=a@b.co"}, fields: map[int][2]string{0: {"email", "a@b.co"}}},
		{name: "field key lower-cased", in: "Email=A@B.co", fields: map[int][2]string{0: {"email", "A@B.co"}}, want: []string{"Email=A@B.co"}},
		{name: "quoted field value", in: `address="1 Main St, SF"`, want: []string{"address=1 Main St, SF"}, fields: map[int][2]string{0: {"address", "1 Main St, SF"}}},
		{name: "single-quoted field value", in: `notes='it's fine'`, want: []string{"notes=it's fine"}, fields: map[int][2]string{0: {"notes", "it's fine"}}},
		{name: "empty field clears", in: "phone= notes=", want: []string{"phone=", "notes="}, fields: map[int][2]string{0: {"phone", ""}, 1: {"notes", ""}}},
		{name: "empty quoted field", in: `notes=""`, fields: map[int][2]string{0: {"notes", ""}}, want: []string{"notes="}},
		{name: "value with equals", in: "notes=a=b", fields: map[int][2]string{0: {"notes", "a=b"}}, want: []string{"notes=a=b"}},
		{name: "quoted key is not a field", in: `"email=x"`, want: []string{"email=x"}, fields: map[int][2]string{0: {"", ""}}},
		{name: "url is not a field", in: "https://acme.co/?q=1", want: []string{"https://acme.co/?q=1"}, fields: map[int][2]string{0: {"", ""}}},
		{name: "empty quotes are a word", in: `show ""`, want: []string{"show", ""}},
		{name: "concatenation", in: `ab"c d"e`, want: []string{"abc de"}},
		{name: "unicode", in: "show 株式会社サクラ", want: []string{"show", "株式会社サクラ"}},
		{name: "unbalanced double", in: `show "Acme`, err: "the \" at character 6 is never closed"},
		{name: "unbalanced curly", in: `show “Acme`, err: "the “ at character 6"},
		{name: "unbalanced single", in: `show 'Acme`, err: "the ' at character 6"},
		{name: "unbalanced single in field", in: `notes='a b`, err: "the ' at character 7"},
		{name: "straight does not close at curly", in: `show "Acme”`, err: "never closed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			toks, err := cmdline.Tokenize(tc.in)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				var pe *cmdline.ParseError
				assert.ErrorAs(t, err, &pe)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, append([]string{}, texts(toks)...))
			for i, kv := range tc.fields {
				assert.Equal(t, kv[0], toks[i].Key, "key of token %d", i)
				assert.Equal(t, kv[1], toks[i].Value, "value of token %d", i)
			}
			for i, q := range tc.quoted {
				assert.Equal(t, q, toks[i].Quoted, "quoted of token %d", i)
			}
		})
	}
}

// TestQuoteRoundTrip checks that a quoted value reads back as itself, alone and as
// a field's value.
func TestQuoteRoundTrip(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"", "Acme Corp", `say "hi"`, `a\b`, `a\`, `\`, `“curly”`, "it's", "‘x’", "line\nbreak", "tab\tand\u00a0nbsp", "&lt;", "x=y", `\"`, "\xff\xfe"} {
		checkRoundTrip(t, v)
	}
}

func checkRoundTrip(t *testing.T, v string) {
	t.Helper()
	toks, err := cmdline.Tokenize(cmdline.Quote(v))
	require.NoError(t, err, "Quote(%q) = %s", v, cmdline.Quote(v))
	require.Len(t, toks, 1, "Quote(%q) = %s", v, cmdline.Quote(v))
	assert.Equal(t, v, toks[0].Text)
	assert.False(t, toks[0].IsField())

	toks, err = cmdline.Tokenize("update x notes=" + cmdline.Quote(v))
	require.NoError(t, err)
	require.Len(t, toks, 3)
	assert.Equal(t, "notes", toks[2].Key)
	assert.Equal(t, v, toks[2].Value)
}

// FuzzTokenize checks the parser never panics, that positions in errors are inside
// the line, and that re-quoting the words it finds reads back the same words.
func FuzzTokenize(f *testing.F) {
	for _, seed := range []string{
		"", "help", "show Acme Corp", `show "Acme Corp" share`, `create 'Smith's Bakery' email=a@b.co`,
		`update acme notes="say \"hi\"" phone=`, `show “Acme”`, `show ‘Acme’`, `show „Acme“`, `x"`, `'x`,
		`a\`, `\\\"`, "notes=\xff\"\xfe\"", "show O’Brien", `"a"'b'“c”`, "=", "a==b", "  \u00a0 ",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		toks, err := cmdline.Tokenize(line)
		if err != nil {
			var pe *cmdline.ParseError
			require.ErrorAs(t, err, &pe)
			require.GreaterOrEqual(t, pe.Pos, 1)
			require.LessOrEqual(t, pe.Pos, utf8.RuneCountInString(line))
			return
		}
		quoted := make([]string, len(toks))
		for i, tok := range toks {
			if tok.IsField() {
				require.True(t, strings.HasPrefix(tok.Text, tok.Key+"=") || strings.HasPrefix(strings.ToLower(tok.Text), tok.Key+"="))
				require.True(t, strings.HasSuffix(tok.Text, tok.Value))
			}
			quoted[i] = cmdline.Quote(tok.Text)
		}
		again, err := cmdline.Tokenize(strings.Join(quoted, " "))
		require.NoError(t, err)
		require.Equal(t, texts(toks), texts(again))
	})
}

// FuzzQuote checks that any value, quoted, reads back as itself.
func FuzzQuote(f *testing.F) {
	for _, seed := range []string{"", "Acme", `"`, `\`, "“”‘’„", "a b", "\x00", "\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		checkRoundTrip(t, v)
	})
}
