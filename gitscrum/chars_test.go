package gitscrum_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// TestRefusedCharacters checks the characters each kind of input refuses, through
// create (every field), update, and the reference and query checks.
func TestRefusedCharacters(t *testing.T) {
	tests := []struct {
		name  string
		field gitscrum.Field
		value string
		want  string // part of the message; "" when the value is accepted
	}{
		{"name of zero-width spaces", gitscrum.FieldName, "\u200b\u200b", "visible character"},
		{"name of joiners, BOM and spaces", gitscrum.FieldName, " \u200d\u200c\ufeff\u2060 ", "visible character"},
		{"name of a Hangul filler", gitscrum.FieldName, "\u3164", "visible character"},
		{"name of a lone combining mark", gitscrum.FieldName, "\u0301", "visible character"},
		{"name with a tab", gitscrum.FieldName, "Acme\tCorp", "control characters"},
		{"name with a newline", gitscrum.FieldName, "Acme\nCorp", "control characters"},
		{"name with NUL", gitscrum.FieldName, "Acme\x00", "U+0000"},
		{"name with ESC", gitscrum.FieldName, "Acme \x1b[31m", "U+001B at character 6"},
		{"name with DEL", gitscrum.FieldName, "Acme\x7f", "control characters"},
		{"name with a line separator", gitscrum.FieldName, "Acme\u2028Corp", "line or paragraph separators"},
		{"name with RLO", gitscrum.FieldName, "Acme \u202eproC", "U+202E"},
		{"name with LRE", gitscrum.FieldName, "\u202aAcme", "bidirectional"},
		{"name with an isolate", gitscrum.FieldName, "Acme \u2066x\u2069", "U+2066"},
		{"phone with a bell", gitscrum.FieldPhone, "+1 555\a", "control characters"},
		{"address with NUL", gitscrum.FieldAddress, "1 Main St\x00", "no other control character"},
		{"notes with a vertical tab", gitscrum.FieldNotes, "a\vb", "no other control character"},
		{"notes with a lone CR", gitscrum.FieldNotes, "line 1\rline 2", "lone carriage return"},
		{"notes with PDI", gitscrum.FieldNotes, "x\u2069", "bidirectional"},

		{"name with inner zero-width joiner", gitscrum.FieldName, "👩\u200d💻 Studio", ""},
		{"name with RLM", gitscrum.FieldName, "\u05e9\u05dc\u05d5\u05dd\u200f Ltd", ""},
		{"name with accents and CJK", gitscrum.FieldName, "Zürich 株式会社", ""},
		{"address on lines, with tabs", gitscrum.FieldAddress, "Attn: AP\n2 Dock Rd\tSuite 4\r\nSeattle", ""},
		{"notes with line and paragraph separators", gitscrum.FieldNotes, "a\u2028b\u2029c", ""},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _ := newEnv(t)
			req := gitscrum.CreateClientRequest{CompanySlug: workspace, Name: "Acme"}
			req.Set(tt.field, tt.value)
			_, err := c.CreateClient(ctx, req)
			upd := gitscrum.UpdateClientRequest{CompanySlug: workspace}
			upd.Set(tt.field, tt.value)
			updErr := upd.Validate()
			if tt.want == "" {
				require.NoError(t, err)
				require.NoError(t, updErr)
				return
			}
			for _, err := range []error{err, updErr} {
				e := assertClass(t, err, gitscrum.ErrValidation)
				require.Contains(t, e.Fields, string(tt.field))
				assert.Contains(t, strings.Join(e.Fields[string(tt.field)], " "), tt.want)
			}
			assert.Empty(t, srv.Requests())
		})
	}
}

// TestLookupCharacters checks what a reference and a query may hold: any white
// space, no other control character and no bidirectional override.
func TestLookupCharacters(t *testing.T) {
	for _, ok := range []string{"Acme Corp", "acme\tcorp\n", "Zürich", "\xff"} {
		assert.NoError(t, gitscrum.ValidateQuery(ok), "%q", ok)
		assert.NoError(t, gitscrum.ValidateReference(ok), "%q", ok)
	}
	for _, bad := range []string{"acme\x00", "\x1b[2J", "acme\u202e", "\u2067x"} {
		assertField(t, gitscrum.ValidateQuery(bad), "query")
		assertField(t, gitscrum.ValidateReference(bad), "client")
		_, err := gitscrum.ResolveIn(context.Background(), nil, bad)
		assertField(t, err, "client")
	}
	assertField(t, gitscrum.ValidateReference(" "), "client")
	assert.NoError(t, gitscrum.ValidateQuery(""), "an empty query lists every client")
}
