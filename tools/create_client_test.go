package tools_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

func TestCreateClient(t *testing.T) {
	t.Run("creates and returns the record", func(t *testing.T) {
		e := newEnv(t)
		res := e.call(t, "create_client", map[string]any{
			"name": "  Umbrella Corp ", "email": "ceo@umbrella.example", "website": "https://umbrella.example",
			"address": "1 Hive Way\nRaccoon City", "notes": "Met at the fair",
		})
		require.False(t, res.IsError, textOf(t, res))
		c := structured(t, res)["client"].(map[string]any)
		assert.Equal(t, "Umbrella Corp", c["name"], "values are trimmed")
		assert.Equal(t, "", c["phone"])
		containsAll(t, textOf(t, res), "Created in workspace demo:\nUmbrella Corp (", "empty: phone")

		stored, ok := e.emu.Client(emulator.DemoWorkspace, c["uuid"].(string))
		require.True(t, ok)
		assert.Equal(t, "1 Hive Way\nRaccoon City", stored.Address)
	})

	t.Run("duplicate guard: a retried create is refused and only one POST is sent", func(t *testing.T) {
		e := newEnv(t)
		args := map[string]any{"name": "Stark Industries", "email": "tony@stark.example"}
		first := e.call(t, "create_client", args)
		require.False(t, first.IsError, textOf(t, first))
		uuid := structured(t, first)["client"].(map[string]any)["uuid"].(string)

		second := e.call(t, "create_client", args)
		require.True(t, second.IsError)
		containsAll(t, textOf(t, second), "Not created: workspace demo already has a client with the same name or email:",
			"Stark Industries ("+uuid+")", "allow_duplicate: true")
		assert.Equal(t, tools.OutcomeDuplicate, e.lastOutcome(t))
		assert.Equal(t, 1, postsTo(e.emu, http.MethodPost), "the emulator saw one POST")
		assert.Len(t, e.emu.Clients(emulator.DemoWorkspace), 13)
	})

	t.Run("same name spelled differently, or same email, is a duplicate", func(t *testing.T) {
		e := newEnv(t)
		for _, args := range []map[string]any{
			{"name": "ACME, corp."},
			{"name": "Totally New Name", "email": "BILLING@acme.co"},
		} {
			res := e.call(t, "create_client", args)
			require.True(t, res.IsError)
			containsAll(t, textOf(t, res), "Acme Corp ("+emulator.DemoAcmeUUID+")")
		}
		assert.Zero(t, postsTo(e.emu, http.MethodPost))
	})

	t.Run("allow_duplicate creates a second client", func(t *testing.T) {
		e := newEnv(t)
		res := e.call(t, "create_client", map[string]any{"name": "Acme Corp", "allow_duplicate": true})
		require.False(t, res.IsError, textOf(t, res))
		assert.Equal(t, 1, postsTo(e.emu, http.MethodPost))
		n := 0
		for _, c := range e.emu.Clients(emulator.DemoWorkspace) {
			if c.Name == "Acme Corp" {
				n++
			}
		}
		assert.Equal(t, 2, n)
	})

	t.Run("invalid input is refused before anything is sent", func(t *testing.T) {
		e := newEnv(t)
		res := e.call(t, "create_client", map[string]any{"name": "Bad Data Ltd", "email": "not-an-email", "website": "ftp://x"})
		require.True(t, res.IsError)
		containsAll(t, textOf(t, res), "Invalid input; nothing was sent to GitScrum:",
			"- email: must be a valid email address", "- website: must be an http:// or https:// URL", "Fix these arguments")
		assert.Equal(t, tools.OutcomeValidation, e.lastOutcome(t))
		assert.Empty(t, e.emu.Requests())
	})

	for _, status := range []int{http.StatusUnprocessableEntity, http.StatusConflict} {
		t.Run("GitScrum validation "+http.StatusText(status)+": each field and its message", func(t *testing.T) {
			// Our checks pass these values; the GitScrum in front lengthens them past its
			// own limits, so that its validation answer is what the tool explains.
			e := newEnv(t, withUpstream(lengthen("name", "phone")))
			e.emu.SetValidationStatus(status)
			res := e.call(t, "create_client", map[string]any{"name": "Long Name Co", "phone": "+1 555 0100"})
			require.True(t, res.IsError)
			containsAll(t, textOf(t, res), "GitScrum refused the input (", "nothing was changed",
				"- name: The name field must not be greater than 255 characters.",
				"- phone: The phone field must not be greater than 255 characters.")
			assert.Equal(t, tools.OutcomeValidation, e.lastOutcome(t))
		})
	}

	t.Run("the request carries only what was given", func(t *testing.T) {
		e := newEnv(t)
		e.emu.AddWorkspace("other")
		res := e.call(t, "create_client", map[string]any{"name": "Minimal Co", "company_slug": "other"})
		require.False(t, res.IsError, textOf(t, res))
		var body map[string]any
		reqs := e.emu.Requests()
		require.NoError(t, json.Unmarshal(reqs[len(reqs)-1].Body, &body))
		assert.Equal(t, map[string]any{"company_slug": "other", "name": "Minimal Co"}, body)
	})
}

// lengthen stands for a GitScrum stricter than our checks: it makes the named fields
// of every write 300 characters long before the emulator reads them.
func lengthen(fields ...string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var body map[string]any
			if r.Method == http.MethodPost && json.NewDecoder(r.Body).Decode(&body) == nil {
				for _, f := range fields {
					body[f] = strings.Repeat("x", 300)
				}
				b, _ := json.Marshal(body)
				r.Body = io.NopCloser(bytes.NewReader(b))
				r.ContentLength = int64(len(b))
			}
			h.ServeHTTP(w, r)
		})
	}
}
