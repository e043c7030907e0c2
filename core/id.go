package core

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
)

// randomID returns 256 bits from crypto/rand, base64url-encoded.
func randomID(*http.Request) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// newID returns a new session ID for the session of r.
func (m *Manager) newID(r *http.Request) (string, error) {
	id, err := m.cfg.IDGenerator(r)
	if err != nil {
		return "", fmt.Errorf("sessionkit: generate session ID: %w", err)
	}
	if len(id) < minIDLen || len(id) > maxIDLen {
		return "", fmt.Errorf("sessionkit: IDGenerator returned %d bytes; want %d to %d", len(id), minIDLen, maxIDLen)
	}
	return id, nil
}
