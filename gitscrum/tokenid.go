package gitscrum

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
)

// tokenID is a token as a Client and its WithToken copies know it: an HMAC-SHA-256
// of the token under a random key of their own, drawn in New. The token gate and the
// list cache know a token only by its tokenID, so neither holds a token, and an ID
// is useless outside the client that made it: nothing computed elsewhere, no table
// of hashed tokens, maps it back to the token.
type tokenID [sha256.Size]byte

// tokenIDKey is the random key a Client and its copies make tokenIDs with.
type tokenIDKey [32]byte

// newTokenIDKey draws a key.
func newTokenIDKey() *tokenIDKey {
	k := new(tokenIDKey)
	_, _ = rand.Read(k[:]) // never fails
	return k
}

// id returns the tokenID of token.
func (k *tokenIDKey) id(token string) tokenID {
	m := hmac.New(sha256.New, k[:])
	m.Write([]byte(token))
	var id tokenID
	m.Sum(id[:0])
	return id
}
