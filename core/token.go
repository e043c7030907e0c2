package core

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"sync"
	"time"
)

// The native token is what the cookie carries: the session's identity,
// with the timestamps the manager needs to decide, without a store round
// trip, whether the session can still be alive and whether it is due for
// an idle touch. All of it is covered by the HMAC.
//
// Wire form: base64url(payload || mac), where
//
//	payload = version(1) | flags(1) | created ms(8) | touched ms(8) | [lifetime ms(8)] | id
//	mac     = HMAC-SHA256(secret, "sessionkit/v1\x00" + cookie name + "\x00" + payload)
//
// The lifetime is present only with flagLifetime (SetLifetime), so tokens
// of sessions on the configured lifetime keep their size.

const (
	tokenVersion   = 1
	tokenHeaderLen = 1 + 1 + 8 + 8
	lifetimeLen    = 8
	macLen         = sha256.Size
	minIDLen       = 16
	maxIDLen       = 128
	maxPayloadLen  = tokenHeaderLen + lifetimeLen + maxIDLen
	maxTokenLen    = (maxPayloadLen + macLen + 2) / 3 * 4
	flagRemember   = 1 << 0
	flagForget     = 1 << 1
	flagLifetime   = 1 << 2
	knownFlags     = flagRemember | flagForget | flagLifetime
	// maxLifetimeMillis keeps a token's lifetime within time.Duration.
	maxLifetimeMillis = int64(1<<63-1) / int64(time.Millisecond)
)

// tokenEncoding is strict, so non-zero padding bits make a value invalid
// rather than a second spelling of the same token. (Decode still skips CR
// and LF; decode rejects those by checking the length.)
var tokenEncoding = base64.RawURLEncoding.Strict()

// signer signs and verifies tokens with a list of secrets. HMAC states and
// decoding buffers are pooled: without them verifying a cookie costs several
// allocations per request, because hash.Hash is an interface and everything
// passed to it escapes.
type signer struct {
	domain []byte
	pools  []sync.Pool // of *macState, one pool per secret
	bufs   sync.Pool   // of *[decodeBufLen]byte
}

// macState is a pooled HMAC with room for its sum.
type macState struct {
	h   hash.Hash
	sum [macLen]byte
}

const decodeBufLen = maxPayloadLen + macLen + 3

func newSigner(cookieName string, secrets [][]byte) *signer {
	s := &signer{
		domain: []byte("sessionkit/v1\x00" + cookieName + "\x00"),
		pools:  make([]sync.Pool, len(secrets)),
	}
	for i, sec := range secrets {
		key := append([]byte(nil), sec...)
		s.pools[i].New = func() any { return &macState{h: hmac.New(sha256.New, key)} }
	}
	s.bufs.New = func() any { return new([decodeBufLen]byte) }
	return s
}

// mac appends the MAC of payload under secret i to out.
func (s *signer) mac(i int, payload []byte, out []byte) []byte {
	m := s.pools[i].Get().(*macState)
	m.h.Reset()
	m.h.Write(s.domain)
	m.h.Write(payload)
	out = append(out, m.h.Sum(m.sum[:0])...)
	s.pools[i].Put(m)
	return out
}

// verify reports whether sig is the MAC of payload under secret i.
func (s *signer) verify(i int, payload, sig []byte) bool {
	m := s.pools[i].Get().(*macState)
	m.h.Reset()
	m.h.Write(s.domain)
	m.h.Write(payload)
	ok := hmac.Equal(m.h.Sum(m.sum[:0]), sig)
	s.pools[i].Put(m)
	return ok
}

// encode signs id with the first secret.
func (s *signer) encode(id identity) string {
	var buf [maxPayloadLen + macLen]byte
	b := buf[:0]
	var flags byte
	switch id.persist {
	case persistAlways:
		flags |= flagRemember
	case persistNever:
		flags |= flagForget
	}
	if id.lifetime > 0 {
		flags |= flagLifetime
	}
	b = append(b, tokenVersion, flags)
	b = binary.BigEndian.AppendUint64(b, uint64(id.created.UnixMilli()))
	b = binary.BigEndian.AppendUint64(b, uint64(id.touched.UnixMilli()))
	if id.lifetime > 0 {
		b = binary.BigEndian.AppendUint64(b, uint64(id.lifetime.Milliseconds()))
	}
	b = append(b, id.id...)
	b = s.mac(0, b, b)
	return tokenEncoding.EncodeToString(b)
}

// decode verifies v and returns its identity, and which secret verified
// it. Any malformed, truncated, oversized or forged value yields a
// reason, as does any encoding of a valid token other than the one
// encode produces, so exactly one cookie value names each token.
func (s *signer) decode(v string) (id identity, secret int, bad Reason) {
	if len(v) > maxTokenLen || len(v) < (tokenHeaderLen+minIDLen+macLen)*4/3 {
		return identity{}, 0, ReasonMalformed
	}
	buf := s.bufs.Get().(*[decodeBufLen]byte)
	defer s.bufs.Put(buf)
	n, err := tokenEncoding.Decode(buf[:], []byte(v))
	if err != nil || n < tokenHeaderLen+minIDLen+macLen || tokenEncoding.EncodedLen(n) != len(v) {
		return identity{}, 0, ReasonMalformed
	}
	payload, sig := buf[:n-macLen], buf[n-macLen:n]
	secret = -1
	for i := range s.pools {
		if s.verify(i, payload, sig) {
			secret = i
			break
		}
	}
	if secret < 0 {
		return identity{}, 0, ReasonBadSignature
	}
	// Signed, yet unreadable: a version or flag this build does not know.
	if id, ok := parsePayload(payload); ok {
		return id, secret, 0
	}
	return identity{}, 0, ReasonMalformed
}

// parsePayload reads a verified payload.
func parsePayload(payload []byte) (id identity, ok bool) {
	flags := payload[1]
	if payload[0] != tokenVersion || flags&^knownFlags != 0 || flags&(flagRemember|flagForget) == flagRemember|flagForget {
		return identity{}, false
	}
	switch {
	case flags&flagRemember != 0:
		id.persist = persistAlways
	case flags&flagForget != 0:
		id.persist = persistNever
	}
	id.created = time.UnixMilli(int64(binary.BigEndian.Uint64(payload[2:10])))
	id.touched = time.UnixMilli(int64(binary.BigEndian.Uint64(payload[10:18])))
	rest := payload[tokenHeaderLen:]
	if flags&flagLifetime != 0 {
		if len(rest) < lifetimeLen {
			return identity{}, false
		}
		ms := int64(binary.BigEndian.Uint64(rest[:lifetimeLen]))
		if ms <= 0 || ms > maxLifetimeMillis {
			return identity{}, false
		}
		id.lifetime = time.Duration(ms) * time.Millisecond
		rest = rest[lifetimeLen:]
	}
	if len(rest) < minIDLen || len(rest) > maxIDLen {
		return identity{}, false
	}
	id.id = string(rest)
	return id, true
}
