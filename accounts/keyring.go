package accounts

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the size of a key: 32 bytes (AES-256).
const KeySize = 32

// sealVersion is the first byte of a sealed token: the format below.
const sealVersion byte = 1

// The labels that derive a key's parts from it (HKDF-SHA256 info strings).
const (
	infoSeal  = "gitscrum-bridge accounts v1: seal"
	infoMAC   = "gitscrum-bridge accounts v1: token mac"
	infoKeyID = "gitscrum-bridge accounts v1: key id"
)

// Keyring holds the key that seals tokens (the current key, of [EnvKey]) and the
// older keys (of [EnvOldKeys]) that still open the tokens sealed under them. It
// never shows a key: a key is named by its id, derived from it one way.
//
// A sealed token is: one version byte, a random 12-byte nonce, then the token
// sealed with AES-256-GCM under a key derived from the key (HKDF-SHA256), with
// the account id as additional data, so a sealed token copied onto another
// account does not open.
type Keyring struct {
	current *key
	byID    map[string]*key
}

// key is one key's derived parts.
type key struct {
	id   string
	aead cipher.AEAD
	mac  []byte // the token MAC key
}

// newKey derives the parts of raw, a key of [KeySize] bytes.
func newKey(raw []byte) (*key, error) {
	sealKey, err := hkdf.Key(sha256.New, raw, nil, infoSeal, KeySize)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(sealKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	macKey, err := hkdf.Key(sha256.New, raw, nil, infoMAC, KeySize)
	if err != nil {
		return nil, err
	}
	idBytes, err := hkdf.Key(sha256.New, raw, nil, infoKeyID, 8)
	if err != nil {
		return nil, err
	}
	return &key{id: "k" + hex.EncodeToString(idBytes), aead: aead, mac: macKey}, nil
}

// ParseKeyring reads the keys of [EnvKey] (current) and [EnvOldKeys] (old): each
// is 32 bytes in base64 (standard or URL alphabet, padded or not), as `openssl
// rand -base64 32` prints; old holds any number of them separated by commas or
// white space. An empty current is [ErrNoKey]. An error names the variable and
// the position of the key at fault, never a key.
func ParseKeyring(current, old string) (*Keyring, error) {
	current = strings.TrimSpace(current)
	if current == "" {
		if strings.TrimSpace(old) != "" {
			return nil, fmt.Errorf("%w (%s is set, but old keys only open tokens: the current key seals them)", ErrNoKey, EnvOldKeys)
		}
		return nil, ErrNoKey
	}
	raw, err := decodeKey(current)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvKey, err)
	}
	cur, err := newKey(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvKey, err)
	}
	k := &Keyring{current: cur, byID: map[string]*key{cur.id: cur}}
	olds := strings.FieldsFunc(old, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	for i, o := range olds {
		raw, err := decodeKey(o)
		if err != nil {
			return nil, fmt.Errorf("%s: key %d of %d: %w", EnvOldKeys, i+1, len(olds), err)
		}
		ok, err := newKey(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: key %d of %d: %w", EnvOldKeys, i+1, len(olds), err)
		}
		if _, dup := k.byID[ok.id]; !dup {
			k.byID[ok.id] = ok
		}
	}
	return k, nil
}

// decodeKey decodes one base64 key of [KeySize] bytes.
func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(s); err == nil {
			if len(raw) != KeySize {
				return nil, fmt.Errorf("the key is %d bytes, not %d (make one with: openssl rand -base64 32)", len(raw), KeySize)
			}
			return raw, nil
		}
	}
	return nil, errors.New("the key is not base64 (make one with: openssl rand -base64 32)")
}

// NewEphemeralKeyring returns a keyring of one random key, kept in memory only:
// for a sandbox and tests, whose tokens need not outlive the process.
func NewEphemeralKeyring() *Keyring {
	raw := make([]byte, KeySize)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails
	cur, err := newKey(raw)
	if err != nil {
		panic("accounts: deriving an ephemeral key: " + err.Error()) // unreachable: the size is right
	}
	return &Keyring{current: cur, byID: map[string]*key{cur.id: cur}}
}

// KeyID returns the id of the current key: derived from it one way (HKDF-SHA256),
// safe to store and to log.
func (k *Keyring) KeyID() string { return k.current.id }

// has reports whether the keyring holds the key of id.
func (k *Keyring) has(id string) bool {
	_, ok := k.byID[id]
	return ok
}

// seal seals token for the account accountID under the current key.
func (k *Keyring) seal(accountID, token string) []byte {
	out := make([]byte, 1, 1+k.current.aead.NonceSize()+len(token)+k.current.aead.Overhead())
	out[0] = sealVersion
	nonce := make([]byte, k.current.aead.NonceSize())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails
	out = append(out, nonce...)
	return k.current.aead.Seal(out, nonce, []byte(token), []byte(accountID))
}

// errOpen is the error of a sealed token that does not open: another account's,
// or altered, or sealed under another key of the same id (which cannot happen
// short of a collision).
var errOpen = errors.New("the sealed token does not open (altered, or not this account's)")

// open opens the token of the account accountID sealed under the key keyID.
func (k *Keyring) open(accountID, keyID string, sealed []byte) (string, error) {
	kk, ok := k.byID[keyID]
	if !ok {
		return "", fmt.Errorf("sealed under key %s, which is neither %s nor in %s", keyID, EnvKey, EnvOldKeys)
	}
	n := kk.aead.NonceSize()
	if len(sealed) < 1+n+kk.aead.Overhead() || sealed[0] != sealVersion {
		return "", errOpen
	}
	plain, err := kk.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(accountID))
	if err != nil {
		return "", errOpen
	}
	return string(plain), nil
}

// mac returns the keyed MAC of token under the current key: the same token gives
// the same MAC while the key is the same, and the token cannot be read back from
// it.
func (k *Keyring) mac(token string) []byte {
	m := hmac.New(sha256.New, k.current.mac)
	m.Write([]byte(token))
	return m.Sum(nil)
}
