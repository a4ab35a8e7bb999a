package tools_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

const logisticsUUID = "0c4d2e8f-6a1b-4c3d-9e5f-7a8b9c0d1e22"

func TestGetClient(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name     string
		ref      string
		wantUUID string
		requests int // requests the emulator saw for the call
	}{
		{name: "by uuid: one request", ref: emulator.DemoAcmeUUID, wantUUID: emulator.DemoAcmeUUID, requests: 1},
		{name: "by uuid in upper case", ref: "5B1E7C9A-3D2F-4A6B-8C1D-0E9F8A7B6C51", wantUUID: emulator.DemoAcmeUUID},
		{name: "by exact name", ref: "Acme Corp", wantUUID: emulator.DemoAcmeUUID},
		{name: "by name, any case", ref: "acme logistics", wantUUID: logisticsUUID},
		{name: "by unique part of a name, accents ignored", ref: "zurich", wantUUID: "b5d9f1a3-7c2e-4a8b-9d0e-2f3a4b5c6d66"},
		{name: "punctuation ignored", ref: "smith sons", wantUUID: "3c8e1a5f-2b6d-4e9a-8f0b-1c2d3e4f5a55"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.emu.ResetRequests()
			res := e.call(t, "get_client", map[string]any{"client": tc.ref})
			require.False(t, res.IsError, textOf(t, res))
			c := structured(t, res)["client"].(map[string]any)
			assert.Equal(t, tc.wantUUID, c["uuid"])
			if tc.requests > 0 {
				assert.Len(t, e.emu.Requests(), tc.requests)
			}
		})
	}

	t.Run("full record in both forms", func(t *testing.T) {
		res := e.call(t, "get_client", map[string]any{"client": emulator.DemoAcmeUUID})
		c := structured(t, res)["client"].(map[string]any)
		assert.Equal(t, map[string]any{
			"uuid": emulator.DemoAcmeUUID, "name": "Acme Corp", "email": "billing@acme.co",
			"phone": "+1-555-0100", "website": "https://acme.co", "address": "123 Main St, San Francisco, CA",
			"notes": "Enterprise client since 2024", "projects_count": float64(5), "invoices_total": float64(125000),
			"created_at": "2025-06-15T10:00:00Z",
		}, c)
		assert.Equal(t, "Acme Corp ("+emulator.DemoAcmeUUID+")\nemail: billing@acme.co\nphone: +1-555-0100\n"+
			"website: https://acme.co\naddress: 123 Main St, San Francisco, CA\nnotes: Enterprise client since 2024\n"+
			"projects: 5; invoiced: 125000; created: 2025-06-15T10:00:00Z", textOf(t, res))
	})
	t.Run("empty fields are listed, multi-line values indented", func(t *testing.T) {
		res := e.call(t, "get_client", map[string]any{"client": "Northwind"})
		containsAll(t, textOf(t, res), "address: Attn: Accounts Payable\n  2 Dock Road, Suite 400\n")
		res = e.call(t, "get_client", map[string]any{"client": "Globex"})
		containsAll(t, textOf(t, res), "empty: address, notes")
	})
	t.Run("ambiguous name lists the candidates with UUIDs", func(t *testing.T) {
		res := e.call(t, "get_client", map[string]any{"client": "acme"})
		require.True(t, res.IsError)
		containsAll(t, textOf(t, res), `"acme" matches 2 clients in workspace demo:`,
			"Acme Corp ("+emulator.DemoAcmeUUID+")", "Acme Logistics ("+logisticsUUID+")",
			"Call get_client again with the UUID")
		assert.Nil(t, res.StructuredContent)
		assert.Equal(t, tools.OutcomeAmbiguous, e.lastOutcome(t))
	})
	t.Run("unknown name suggests the closest", func(t *testing.T) {
		res := e.call(t, "get_client", map[string]any{"client": "globx"})
		require.True(t, res.IsError)
		containsAll(t, textOf(t, res), `No client in workspace demo matches "globx" (404).`, `Closest names: "Globex Corporation"`)
		assert.Equal(t, tools.OutcomeNotFound, e.lastOutcome(t))
	})
	t.Run("unknown uuid", func(t *testing.T) {
		res := e.call(t, "get_client", map[string]any{"client": "00000000-0000-4000-8000-000000000000"})
		require.True(t, res.IsError)
		containsAll(t, textOf(t, res), "No client with UUID 00000000-0000-4000-8000-000000000000 in workspace demo (404)", "list_clients")
	})
}
