package tools_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// realisticClients returns n clients with every field filled, the way a real
// workspace looks, deterministically.
func realisticClients(n int) []gitscrum.ClientCompany {
	first := []string{"Northwind", "Blue Harbor", "Summit", "Evergreen", "Redwood", "Silverline", "Lakeside", "Ironclad", "Brightpath", "Oakridge"}
	kind := []string{"Logistics", "Consulting", "Foods", "Dental Group", "Software", "Architects", "Media", "Energy", "Textiles", "Partners"}
	form := []string{"Inc.", "LLC", "GmbH", "Ltd", "S.A."}
	streets := []string{"Market St", "Harbor Way", "Elm Avenue", "King Road", "Mill Lane"}
	cities := []string{"Portland, OR", "Austin, TX", "Denver, CO", "Boston, MA", "Madison, WI"}
	notes := []string{"Net 30; invoices go to accounts payable, copy the project lead", "Prefers email over phone calls; main contact is the CFO",
		"Enterprise client since 2024, two active retainers", "Quarterly business review in March and September", "Contract renewal due at year end; discount agreed"}
	base := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	out := make([]gitscrum.ClientCompany, n)
	for i := range out {
		a, b := first[i%len(first)], kind[(i/len(first))%len(kind)]
		slug := strings.ToLower(strings.ReplaceAll(a, " ", ""))
		out[i] = gitscrum.ClientCompany{
			UUID:          fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", 0x5b1e7c9a+i*7919, i*31%0xffff, i%0xfff, i*7%0xfff, 0x0e9f8a7b6c51+i*104729),
			Name:          fmt.Sprintf("%s %s %s", a, b, form[i%len(form)]),
			Email:         fmt.Sprintf("billing@%s.com", slug),
			Phone:         fmt.Sprintf("+1-555-%04d", 100+i),
			Website:       fmt.Sprintf("https://%s.com", slug),
			Address:       fmt.Sprintf("%d %s, %s", 100+i*3, streets[i%len(streets)], cities[i%len(cities)]),
			Notes:         notes[i%len(notes)],
			ProjectsCount: i % 9,
			InvoicesTotal: gitscrum.Money(1000 + i*1375),
			CreatedAt:     gitscrum.Timestamp{Time: base.Add(time.Duration(i) * 36 * time.Hour)},
		}
	}
	return out
}

// TestTokenEconomy: for the same 100 clients, a list_clients result (text and
// structuredContent, as the client receives it) is at most 40% of the bytes of the
// official server's representation (every field as indented JSON), while every
// name and UUID is present.
func TestTokenEconomy(t *testing.T) {
	e := newEnv(t)
	clients := e.emu.AddClients("economy", realisticClients(100)...)

	official, err := json.MarshalIndent(clients, "", "  ")
	require.NoError(t, err)
	// The official server sends that JSON as a text block; on the wire it is escaped
	// once more inside the JSON-RPC result.
	officialWire, err := json.Marshal(mcp.NewToolResultText(string(official)))
	require.NoError(t, err)

	res := e.call(t, "list_clients", map[string]any{"company_slug": "economy", "limit": 100})
	require.False(t, res.IsError, textOf(t, res))
	ours, err := json.Marshal(res)
	require.NoError(t, err)

	text := textOf(t, res)
	sc, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	for _, c := range clients {
		assert.Contains(t, text, c.Name)
		assert.Contains(t, text, c.UUID)
		assert.Contains(t, string(sc), c.UUID)
		nameJSON, _ := json.Marshal(c.Name)
		assert.Contains(t, string(sc), string(nameJSON))
	}

	ratio := float64(len(ours)) / float64(len(official))
	t.Logf("official (indented JSON of the records): %d bytes, %.0f bytes/client; as a text result on the wire: %d bytes",
		len(official), float64(len(official))/100, len(officialWire))
	t.Logf("list_clients result (text %d + structuredContent %d + envelope): %d bytes, %.0f bytes/client; %.1f%% of official, %.1f%% of official on the wire",
		len(text), len(sc), len(ours), float64(len(ours))/100, 100*ratio, 100*float64(len(ours))/float64(len(officialWire)))
	assert.InDelta(t, 425, float64(len(official))/100, 60, "the fixture looks like GitScrum's records")
	assert.LessOrEqual(t, ratio, 0.40)
}
