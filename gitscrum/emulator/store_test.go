package emulator_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

func TestAddClientsFillsUUIDAndCreatedAt(t *testing.T) {
	srv := emulator.New()
	fixed := gitscrum.Timestamp{Time: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)}
	got := srv.AddClients("ws",
		gitscrum.ClientCompany{Name: "A"},
		gitscrum.ClientCompany{UUID: "given-uuid", Name: "B", CreatedAt: fixed},
		gitscrum.ClientCompany{Name: "C"},
	)
	require.Len(t, got, 3)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, got[0].UUID)
	assert.Equal(t, "given-uuid", got[1].UUID)
	assert.NotEqual(t, got[0].UUID, got[2].UUID)
	assert.Equal(t, fixed, got[1].CreatedAt)
	assert.False(t, got[0].CreatedAt.IsZero())
	assert.Equal(t, 2*time.Minute, got[2].CreatedAt.Sub(got[0].CreatedAt.Time))
	assert.Equal(t, got, srv.Clients("ws"), "stored in creation order")

	c, ok := srv.Client("ws", "given-uuid")
	require.True(t, ok)
	assert.Equal(t, "B", c.Name)
	_, ok = srv.Client("ws", "nope")
	assert.False(t, ok)
	_, ok = srv.Client("nope", "given-uuid")
	assert.False(t, ok)
	assert.Nil(t, srv.Clients("nope"))
}

func TestAddClientsReplacesSameUUIDInPlace(t *testing.T) {
	srv := emulator.New()
	srv.AddClients("ws", gitscrum.ClientCompany{UUID: "u1", Name: "One"}, gitscrum.ClientCompany{UUID: "u2", Name: "Two"})
	srv.AddClients("ws", gitscrum.ClientCompany{UUID: "u1", Name: "Uno"})
	cs := srv.Clients("ws")
	require.Len(t, cs, 2)
	assert.Equal(t, "Uno", cs[0].Name)
	assert.Equal(t, "Two", cs[1].Name)
}

func TestClientsIsASnapshot(t *testing.T) {
	srv := emulator.New()
	srv.AddClients("ws", gitscrum.ClientCompany{UUID: "u1", Name: "One"})
	cs := srv.Clients("ws")
	cs[0].Name = "changed"
	c, _ := srv.Client("ws", "u1")
	assert.Equal(t, "One", c.Name)
}

func TestAddWorkspaceIsIdempotent(t *testing.T) {
	srv := emulator.New()
	srv.AddClients("ws", gitscrum.ClientCompany{Name: "One"})
	srv.AddWorkspace("ws")
	assert.Len(t, srv.Clients("ws"), 1)
	srv.AddWorkspace("empty")
	assert.NotNil(t, srv.Clients("empty"))
	assert.Empty(t, srv.Clients("empty"))
}
