package tools_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

func TestListClients(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name      string
		args      map[string]any
		total     int
		first     string // name of the first client on the page
		count     int
		next      any // float64 next_offset, or nil when absent
		textParts []string
	}{
		{name: "everything", args: nil, total: 12, first: "Acme Corp", count: 12,
			textParts: []string{"1–12 of 12 clients in demo:", "Acme Corp (" + emulator.DemoAcmeUUID + ")\nAcme Logistics ("}},
		{name: "query by name, best first", args: map[string]any{"query": "acme"}, total: 2, first: "Acme Corp", count: 2,
			textParts: []string{`matching "acme"`, "Acme Logistics ("}},
		{name: "case and accents ignored", args: map[string]any{"query": "ZURICH"}, total: 1, first: "Zürich Versicherungen AG", count: 1},
		{name: "email domain", args: map[string]any{"query": "globex.com"}, total: 1, first: "Globex Corporation", count: 1},
		{name: "uuid", args: map[string]any{"query": emulator.DemoAcmeUUID}, total: 1, first: "Acme Corp", count: 1},
		{name: "first page", args: map[string]any{"limit": 5}, total: 12, first: "Acme Corp", count: 5, next: float64(5),
			textParts: []string{"1–5 of 12", "More: call again with offset 5."}},
		{name: "last page", args: map[string]any{"limit": 5, "offset": 10}, total: 12, first: "*Bold* _Italic_ ~Strike~ Studio", count: 2,
			textParts: []string{"11–12 of 12"}},
		{name: "past the end", args: map[string]any{"offset": 40}, total: 12, count: 0,
			textParts: []string{"offset 40 is past the last of 12 matches"}},
		{name: "no match", args: map[string]any{"query": "no such company"}, total: 0, count: 0,
			textParts: []string{`No client in workspace demo matches "no such company"`}},
		{name: "null arguments count as absent", args: map[string]any{"query": nil, "limit": nil}, total: 12, first: "Acme Corp", count: 12},
		{name: "other workspace", args: map[string]any{"company_slug": "empty-ws"}, total: 0, count: 0,
			textParts: []string{"Workspace empty-ws has no clients."}},
	}
	e.emu.AddWorkspace("empty-ws")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.call(t, "list_clients", tc.args)
			require.False(t, res.IsError, textOf(t, res))
			sc := structured(t, res)
			assert.EqualValues(t, tc.total, sc["total"])
			clients := sc["clients"].([]any)
			require.Len(t, clients, tc.count)
			if tc.first != "" {
				assert.Equal(t, tc.first, clients[0].(map[string]any)["name"])
			}
			assert.Equal(t, tc.next, sc["next_offset"])
			containsAll(t, textOf(t, res), tc.textParts...)
		})
	}
}

// TestListClientsCompleteList: the total and the pages come from the complete list,
// however GitScrum paginates it.
func TestListClientsCompleteList(t *testing.T) {
	e := newEnv(t)
	many := make([]gitscrum.ClientCompany, 250)
	for i := range many {
		many[i] = gitscrum.ClientCompany{Name: fmt.Sprintf("Paged Client %03d", i), Email: fmt.Sprintf("c%d@paged.example", i)}
	}
	e.emu.AddClients("paged", many...)
	e.emu.SetPageSize(30)

	res := e.call(t, "list_clients", map[string]any{"company_slug": "paged", "query": "paged client", "limit": 200, "offset": 100})
	require.False(t, res.IsError, textOf(t, res))
	sc := structured(t, res)
	assert.EqualValues(t, 250, sc["total"])
	assert.Len(t, sc["clients"], 150)
	assert.Equal(t, "Paged Client 100", sc["clients"].([]any)[0].(map[string]any)["name"])
	assert.Nil(t, sc["next_offset"])
	assert.Equal(t, 9, postsTo(e.emu, "GET"), "ceil(250/30) pages fetched")
}
