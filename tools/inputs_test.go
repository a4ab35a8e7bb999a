package tools_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// TestArgumentCaps sends every string argument of every tool one character over its
// cap, and the first one 1 MiB: each is refused as invalid input naming the argument and its cap,
// nothing is sent to GitScrum, and the answer stays short.
func TestArgumentCaps(t *testing.T) {
	megabyte := strings.Repeat("a", 1<<20)
	caps := map[string]int{"client": 255, "query": 255, "company_slug": 255, "name": 255, "email": 254,
		"phone": 64, "website": 255, "address": 1000, "notes": 5000}
	base := map[string]map[string]any{
		"list_clients":  {},
		"get_client":    {"client": "Acme Corp"},
		"create_client": {"name": "New Co"},
		"update_client": {"client": "Acme Corp", "notes": "x"},
	}
	args := map[string][]string{
		"list_clients":  {"query", "company_slug"},
		"get_client":    {"client", "company_slug"},
		"create_client": {"name", "email", "phone", "website", "address", "notes", "company_slug"},
		"update_client": {"client", "name", "email", "phone", "website", "address", "notes", "company_slug"},
	}
	for tool, names := range args {
		for i, arg := range names {
			sizes := []int{caps[arg] + 1}
			if i == 0 { // 1 MiB once per tool: it costs the transport, not us
				sizes = append(sizes, len(megabyte))
			}
			for _, size := range sizes {
				t.Run(fmt.Sprintf("%s/%s/%d", tool, arg, size), func(t *testing.T) {
					e := newEnv(t)
					call := map[string]any{}
					for k, v := range base[tool] {
						call[k] = v
					}
					call[arg] = megabyte[:size]
					res := e.call(t, tool, call)
					require.True(t, res.IsError)
					text := textOf(t, res)
					containsAll(t, text, "nothing was sent to GitScrum", "- "+arg+": is too long",
						fmt.Sprintf("at most %d are allowed", caps[arg]))
					assert.Less(t, len(text), 400)
					assert.Equal(t, tools.OutcomeValidation, e.lastOutcome(t))
					assert.Empty(t, e.emu.Requests(), "refused before any request")
				})
			}
		}
	}
}

// TestErrorsQuoteArgumentsCut checks the errors that quote an argument cut it short:
// an argument of the wrong type and unknown argument names, at 300 KB.
func TestErrorsQuoteArgumentsCut(t *testing.T) {
	big := strings.Repeat("x", 300_000)
	e := newEnv(t)

	res := e.call(t, "list_clients", map[string]any{"limit": big})
	require.True(t, res.IsError)
	text := textOf(t, res)
	containsAll(t, text, `Argument "limit" of list_clients`, "…(cut, 300000 characters in all)")
	assert.Less(t, len(text), 400)

	unknown := map[string]any{}
	for i := range 7 {
		unknown[fmt.Sprintf("%s%d", big, i)] = 1
	}
	res = e.call(t, "list_clients", unknown)
	require.True(t, res.IsError)
	text = textOf(t, res)
	containsAll(t, text, "…(cut, 300001 characters in all)", "(and 2 more)", "are not arguments of list_clients")
	assert.Less(t, len(text), 1200)
	assert.Empty(t, e.emu.Requests())
}

// TestBadCharactersRefusedBeforeWork checks a query or a reference holding a control
// character or a bidirectional override is refused before any request.
func TestBadCharactersRefusedBeforeWork(t *testing.T) {
	for _, tc := range []struct {
		tool string
		args map[string]any
		arg  string
	}{
		{"list_clients", map[string]any{"query": "acme\x00"}, "query"},
		{"get_client", map[string]any{"client": "acme\u202e"}, "client"},
		{"update_client", map[string]any{"client": "Acme Corp", "name": "\u200b\u200b"}, "name"},
		{"create_client", map[string]any{"name": "Acme\x1b[2J"}, "name"},
	} {
		t.Run(tc.tool, func(t *testing.T) {
			e := newEnv(t)
			res := e.call(t, tc.tool, tc.args)
			require.True(t, res.IsError)
			containsAll(t, textOf(t, res), "nothing was sent to GitScrum", "- "+tc.arg+": ")
			assert.Empty(t, e.emu.Requests())
		})
	}
}
