package tools_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

// listRequests counts the list requests the emulator served, pages included.
func listRequests(emu *emulator.Server) int {
	n := 0
	for _, r := range emu.Requests() {
		if r.Path == "/contact-companies/clients" {
			n++
		}
	}
	return n
}

// TestToolsUseTheListCache: paging through a workspace with list_clients reads it
// once; a search, a lookup by name and a create read no list again; the lookup is
// one GET; the record shown is GitScrum's current one.
func TestToolsUseTheListCache(t *testing.T) {
	e := newEnv(t)
	const slug = "paged"
	e.emu.SetPageSize(100)
	clients := e.emu.AddClients(slug, emulator.GenerateClients(250)...)

	seen := map[string]bool{}
	offset, calls := 0, 0
	for {
		res := e.call(t, "list_clients", map[string]any{"company_slug": slug, "offset": offset})
		require.False(t, res.IsError, textOf(t, res))
		calls++
		out := res.StructuredContent.(map[string]any)
		for _, c := range out["clients"].([]any) {
			seen[c.(map[string]any)["uuid"].(string)] = true
		}
		next, ok := out["next_offset"]
		if !ok || next == nil {
			break
		}
		offset = int(next.(float64))
	}
	assert.Len(t, seen, 250, "every client, once")
	assert.Equal(t, 10, calls, "250 clients at the default page size of 25")
	assert.Equal(t, 3, listRequests(e.emu), "one listing (3 pages) for all 10 calls")

	res := e.call(t, "list_clients", map[string]any{"company_slug": slug, "query": clients[42].Name})
	require.False(t, res.IsError, textOf(t, res))

	target := clients[42]
	target.Phone = "+1-555-0777" // changed in GitScrum since the listing
	e.emu.AddClients(slug, target)
	e.emu.ResetRequests()
	res = e.call(t, "get_client", map[string]any{"company_slug": slug, "client": target.Name})
	require.False(t, res.IsError, textOf(t, res))
	assert.Contains(t, textOf(t, res), "+1-555-0777")
	require.Len(t, e.emu.Requests(), 1, "one GET")
	assert.Equal(t, "/contact-companies/"+target.UUID, e.emu.Requests()[0].Path)

	res = e.call(t, "create_client", map[string]any{"company_slug": slug, "name": "Brand New Co"})
	require.False(t, res.IsError, textOf(t, res))
	res = e.call(t, "list_clients", map[string]any{"company_slug": slug, "query": "brand new"})
	require.False(t, res.IsError, textOf(t, res))
	assert.Contains(t, textOf(t, res), "Brand New Co", "the create is in the cached list")
	assert.Equal(t, 0, listRequests(e.emu), fmt.Sprint("no listing since: ", e.emu.Requests()))
}
