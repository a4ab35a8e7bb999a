package tools_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

func TestUpdateClient(t *testing.T) {
	t.Run("partial update: one field changes, the others are untouched", func(t *testing.T) {
		e := newEnv(t)
		before, _ := e.emu.Client(emulator.DemoWorkspace, emulator.DemoAcmeUUID)
		res := e.call(t, "update_client", map[string]any{"client": emulator.DemoAcmeUUID, "notes": "Renewed for 2026"})
		require.False(t, res.IsError, textOf(t, res))

		sc := structured(t, res)
		assert.Equal(t, []any{map[string]any{"field": "notes", "before": "Enterprise client since 2024", "after": "Renewed for 2026"}}, sc["changes"])
		containsAll(t, textOf(t, res), "Updated in workspace demo:\nnotes: \"Enterprise client since 2024\" → \"Renewed for 2026\"\nAcme Corp (")

		after, _ := e.emu.Client(emulator.DemoWorkspace, emulator.DemoAcmeUUID)
		want := before
		want.Notes = "Renewed for 2026"
		assert.Equal(t, want, after)

		var body map[string]any
		puts := 0
		for _, r := range e.emu.Requests() {
			if r.Method == http.MethodPut {
				puts++
				require.NoError(t, json.Unmarshal(r.Body, &body))
			}
		}
		assert.Equal(t, 1, puts)
		assert.Equal(t, map[string]any{"company_slug": "demo", "notes": "Renewed for 2026"}, body, "only the named field is sent")
	})

	t.Run("an empty string clears a field", func(t *testing.T) {
		e := newEnv(t)
		res := e.call(t, "update_client", map[string]any{"client": "Initech", "phone": ""})
		require.False(t, res.IsError, textOf(t, res))
		containsAll(t, textOf(t, res), `phone: "+1-555-0199" → "" (cleared)`)
		got, _ := e.emu.Client(emulator.DemoWorkspace, "e7b2c4d6-8f0a-4b1c-b2d3-e4f5a6b7c844")
		assert.Empty(t, got.Phone)
		assert.Equal(t, "info@initech.example", got.Email)
	})

	t.Run("by name, several fields, changes in field order", func(t *testing.T) {
		e := newEnv(t)
		res := e.call(t, "update_client", map[string]any{"client": "globex corporation", "website": "https://globex.example", "name": "Globex Corp"})
		require.False(t, res.IsError, textOf(t, res))
		changes := structured(t, res)["changes"].([]any)
		require.Len(t, changes, 2)
		assert.Equal(t, "name", changes[0].(map[string]any)["field"])
		assert.Equal(t, "website", changes[1].(map[string]any)["field"])
	})

	t.Run("same values again: no change, still a success", func(t *testing.T) {
		e := newEnv(t)
		res := e.call(t, "update_client", map[string]any{"client": emulator.DemoAcmeUUID, "email": "billing@acme.co"})
		require.False(t, res.IsError, textOf(t, res))
		assert.Equal(t, []any{}, structured(t, res)["changes"])
		containsAll(t, textOf(t, res), "No field changed")
	})

	t.Run("no field given", func(t *testing.T) {
		e := newEnv(t)
		res := e.call(t, "update_client", map[string]any{"client": "Initech"})
		require.True(t, res.IsError)
		containsAll(t, textOf(t, res), "update_client needs at least one field to change")
		assert.Equal(t, tools.OutcomeBadArguments, e.lastOutcome(t))
		assert.Empty(t, e.emu.Requests())
	})

	t.Run("name cannot be cleared", func(t *testing.T) {
		e := newEnv(t)
		res := e.call(t, "update_client", map[string]any{"client": "Initech", "name": " "})
		require.True(t, res.IsError)
		containsAll(t, textOf(t, res), "- name: cannot be cleared")
		assert.Empty(t, e.emu.Requests())
	})

	t.Run("ambiguous name changes nothing", func(t *testing.T) {
		e := newEnv(t)
		res := e.call(t, "update_client", map[string]any{"client": "acme", "notes": "x"})
		require.True(t, res.IsError)
		containsAll(t, textOf(t, res), `"acme" is not exactly the name of one client in workspace demo, so nothing was changed`,
			"It matches 2 clients:", "Acme Corp (", "Acme Logistics (", "Call update_client again with the UUID")
		assert.Zero(t, postsTo(e.emu, http.MethodPut))
	})

	// A write names its client exactly: a reference that only matches loosely (one
	// character of "Globex Corporation", one CJK character of a name) changes
	// nothing, and the answer says how to be exact.
	for _, ref := range []string{"../x", "東", "globex"} {
		t.Run("loose reference "+ref+" changes nothing", func(t *testing.T) {
			e := newEnv(t)
			e.emu.AddClients(emulator.DemoWorkspace, gitscrum.ClientCompany{Name: "東京 Trading"})
			before := e.emu.Clients(emulator.DemoWorkspace)
			res := e.call(t, "update_client", map[string]any{"client": ref, "phone": "+1-555-9999"})
			require.True(t, res.IsError)
			containsAll(t, textOf(t, res), "is not exactly the name of one client", "nothing was changed",
				"its UUID or its full name exactly as listed", "Call update_client again with the UUID")
			assert.Equal(t, tools.OutcomeAmbiguous, e.lastOutcome(t))
			assert.Zero(t, postsTo(e.emu, http.MethodPut))
			assert.Equal(t, before, e.emu.Clients(emulator.DemoWorkspace), "nothing changed upstream")
		})
	}

	t.Run("the full name, in another case and spacing, updates", func(t *testing.T) {
		e := newEnv(t)
		res := e.call(t, "update_client", map[string]any{"client": " GLOBEX  corporation ", "phone": "+1-555-9999"})
		require.False(t, res.IsError, textOf(t, res))
		assert.Equal(t, 1, postsTo(e.emu, http.MethodPut))
	})
}
