package store

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"time"
)

// digest returns the SHA-256 digest of parts, each prefixed by its length so that
// no two lists of parts share one.
func digest(parts ...string) []byte {
	h := sha256.New()
	var n [4]byte
	for _, p := range parts {
		binary.BigEndian.PutUint32(n[:], uint32(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return h.Sum(nil)
}

// micros returns t in Unix microseconds, the store's time column unit.
func micros(t time.Time) int64 { return t.UnixMicro() }

// clean returns s as PostgreSQL text accepts it: valid UTF-8, no NUL byte (each
// replaced by U+FFFD), so both databases store the same value.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// nowSQL is the SQL expression of the database's clock in Unix microseconds. Lock
// leases are compared with it, so that replicas whose clocks disagree still agree
// on when a lease ends.
func (s *Store) nowSQL() string {
	if s.kind == postgres {
		return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)"
	}
	return "CAST(unixepoch('subsec') * 1000000 AS INTEGER)"
}
