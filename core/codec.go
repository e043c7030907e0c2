package core

import (
	"crypto/sha256"
	"encoding/base64"
)

// codec is how a session's identity travels to the client and becomes a
// store key. The commit never sees the format: a second codec (for
// example one that reads another framework's cookies and keys its records
// by raw ID) plugs in here.
type codec interface {
	// encode returns the value the client carries for id.
	encode(id identity) string
	// decode verifies a value from the client. secret is the index of the
	// secret that verified it; a codec that carries no timestamps returns
	// zero created and touched times. bad is 0 for a valid value, and
	// otherwise why it is not (ReasonMalformed or ReasonBadSignature).
	decode(v string) (id identity, secret int, bad Reason)
	// storeKey returns the key the session with this ID is stored under.
	storeKey(id string) string
}

// nativeCodec is sessionkit's own format: signed tokens (see signer) and
// SHA-256 store keys.
type nativeCodec struct{ *signer }

// storeKey returns the base64url SHA-256 of the ID. Stores never see raw
// IDs, so a dump of a store yields no usable cookie.
func (nativeCodec) storeKey(id string) string {
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
