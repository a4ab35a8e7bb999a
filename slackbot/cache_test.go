package slackbot_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// TestCommandsUseTheListCache: once the workspace is listed, show and a bare
// lookup cost one GET and are answered inline, with the record GitScrum has now.
func TestCommandsUseTheListCache(t *testing.T) {
	e := newEnv(t, func(c *slackbot.Config) { c.InlineBudget = testBudget })
	e.emu.SetPageSize(4) // the demo's dozen clients in three pages

	msg := e.run("list", reader)
	assert.Contains(t, joined(t, msg), "Initech")

	initech, acme := clientNamed(t, e.emu, "Initech"), clientNamed(t, e.emu, "Acme Corp")
	initech.Notes = "Changed in GitScrum since the listing"
	acme.Phone = "+1-555-0777"
	e.emu.AddClients(emulator.DemoWorkspace, initech, acme)
	e.emu.SetLatency(50 * time.Millisecond)
	e.emu.ResetRequests()

	msg = e.run("show acme corp", reader)
	assert.Contains(t, joined(t, msg), "+1-555-0777", "answered inline, from a fresh GET")
	msg = e.run("initech", reader)
	assert.Contains(t, joined(t, msg), "Changed in GitScrum since the listing")
	var paths []string
	for _, r := range e.emu.Requests() {
		paths = append(paths, r.Path)
	}
	assert.Equal(t, []string{"/contact-companies/" + acme.UUID, "/contact-companies/" + initech.UUID}, paths,
		"one GET each, no listing")
	assert.Empty(t, e.hooks.received(), "nothing deferred")
}

func clientNamed(t *testing.T, emu *emulator.Server, name string) gitscrum.ClientCompany {
	t.Helper()
	for _, c := range emu.Clients(emulator.DemoWorkspace) {
		if c.Name == name {
			return c
		}
	}
	require.FailNow(t, "no demo client "+name)
	return gitscrum.ClientCompany{}
}
