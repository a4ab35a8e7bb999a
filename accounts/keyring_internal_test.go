package accounts

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSealOpensOnlyAsSealed(t *testing.T) {
	k := NewEphemeralKeyring()
	const token = "gs_live_0123456789abcdef"
	sealed := k.seal("acct_a", token)
	got, err := k.open("acct_a", k.KeyID(), sealed)
	require.NoError(t, err)
	assert.Equal(t, token, got)
	assert.False(t, bytes.Contains(sealed, []byte(token)))
	assert.NotEqual(t, sealed, k.seal("acct_a", token), "a random nonce per seal")
	assert.Len(t, sealed, 1+12+len(token)+16, "version, nonce, ciphertext, tag")

	flipped := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 1
		return b
	}
	other := NewEphemeralKeyring()
	refusals := []struct {
		name    string
		k       *Keyring
		account string
		keyID   string
		sealed  []byte
	}{
		{"another account's row", k, "acct_b", k.KeyID(), sealed},
		{"a nonce altered", k, "acct_a", k.KeyID(), flipped(3)},
		{"the ciphertext altered", k, "acct_a", k.KeyID(), flipped(14)},
		{"the tag altered", k, "acct_a", k.KeyID(), flipped(len(sealed) - 1)},
		{"another version", k, "acct_a", k.KeyID(), flipped(0)},
		{"truncated", k, "acct_a", k.KeyID(), sealed[:20]},
		{"empty", k, "acct_a", k.KeyID(), nil},
		{"an unknown key id", k, "acct_a", other.KeyID(), sealed},
		{"another key under this id", &Keyring{current: other.current, byID: map[string]*key{k.KeyID(): other.current}}, "acct_a", k.KeyID(), sealed},
	}
	for _, tc := range refusals {
		_, err := tc.k.open(tc.account, tc.keyID, tc.sealed)
		assert.Error(t, err, tc.name)
		if err != nil {
			assert.NotContains(t, err.Error(), token, tc.name)
		}
	}
}

func TestTokenMAC(t *testing.T) {
	k, other := NewEphemeralKeyring(), NewEphemeralKeyring()
	assert.Equal(t, k.mac("gs_1"), k.mac("gs_1"), "one token, one MAC under one key")
	assert.NotEqual(t, k.mac("gs_1"), k.mac("gs_2"))
	assert.NotEqual(t, k.mac("gs_1"), other.mac("gs_1"), "keyed: another key, another MAC")
	assert.Len(t, k.mac("gs_1"), 32)
}
