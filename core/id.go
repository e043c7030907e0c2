package core

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// randomID returns 256 bits from crypto/rand, base64url-encoded.
func randomID() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func (m *Manager) newID() (string, error) {
	id, err := m.cfg.IDGenerator()
	if err != nil {
		return "", fmt.Errorf("sessionkit: generate session ID: %w", err)
	}
	if len(id) < minIDLen || len(id) > maxIDLen {
		return "", fmt.Errorf("sessionkit: IDGenerator returned %d bytes; want %d to %d", len(id), minIDLen, maxIDLen)
	}
	return id, nil
}

// StoreKey returns the key under which the session with this ID is stored:
// the base64url SHA-256 of the ID. Stores never see raw IDs, so a dump of a
// store yields no usable cookie. Admin tools use StoreKey to find or delete
// one session by ID.
func StoreKey(id string) string {
	// Fixed-size buffers keep this to one allocation for the IDs the
	// manager issues; it runs on every request that carries a cookie.
	var b [maxIDLen]byte
	in := b[:copy(b[:], id)]
	if len(id) > maxIDLen {
		in = []byte(id)
	}
	sum := sha256.Sum256(in)
	var out [(sha256.Size*8 + 5) / 6]byte
	base64.RawURLEncoding.Encode(out[:], sum[:])
	return string(out[:])
}
