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

// A token is what the cookie carries: the session ID and the timestamps the
// manager needs to decide, without a store round trip, whether the session
// can still be alive and whether it is due for an idle touch. All of it is
// covered by the HMAC.
//
// Wire form: base64url(payload || mac), where
//
//	payload = version(1) | flags(1) | created ms(8) | touched ms(8) | id
//	mac     = HMAC-SHA256(secret, "sessionkit/v1\x00" + cookie name + "\x00" + payload)
type token struct {
	id       string
	created  time.Time // start of the absolute lifetime
	touched  time.Time // last idle touch recorded in the cookie
	remember int8      // 0: follow config; 1: persistent; -1: browser-session
}

const (
	tokenVersion   = 1
	tokenHeaderLen = 1 + 1 + 8 + 8
	macLen         = sha256.Size
	minIDLen       = 16
	maxIDLen       = 128
	maxTokenLen    = (tokenHeaderLen + maxIDLen + macLen + 2) / 3 * 4
	flagRemember   = 1 << 0
	flagForget     = 1 << 1
)

// signer signs and verifies tokens with a list of secrets. HMAC states are
// pooled: building one costs several allocations per request otherwise.
type signer struct {
	domain []byte
	pools  []sync.Pool
}

func newSigner(cookieName string, secrets [][]byte) *signer {
	s := &signer{
		domain: []byte("sessionkit/v1\x00" + cookieName + "\x00"),
		pools:  make([]sync.Pool, len(secrets)),
	}
	for i, sec := range secrets {
		key := append([]byte(nil), sec...)
		s.pools[i].New = func() any { return hmac.New(sha256.New, key) }
	}
	return s
}

func (s *signer) mac(i int, payload []byte, out []byte) []byte {
	h := s.pools[i].Get().(hash.Hash)
	h.Reset()
	h.Write(s.domain)
	h.Write(payload)
	out = h.Sum(out)
	s.pools[i].Put(h)
	return out
}

// encode signs t with the first secret.
func (s *signer) encode(t token) string {
	var buf [tokenHeaderLen + maxIDLen + macLen]byte
	b := buf[:0]
	var flags byte
	switch t.remember {
	case 1:
		flags |= flagRemember
	case -1:
		flags |= flagForget
	}
	b = append(b, tokenVersion, flags)
	b = binary.BigEndian.AppendUint64(b, uint64(t.created.UnixMilli()))
	b = binary.BigEndian.AppendUint64(b, uint64(t.touched.UnixMilli()))
	b = append(b, t.id...)
	b = s.mac(0, b, b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decode verifies v and returns its token, and which secret verified it.
// Any malformed, truncated, oversized or forged value yields ok == false.
func (s *signer) decode(v string) (t token, secret int, ok bool) {
	if len(v) > maxTokenLen || len(v) < (tokenHeaderLen+minIDLen+macLen)*4/3 {
		return token{}, 0, false
	}
	var buf [tokenHeaderLen + maxIDLen + macLen + 3]byte
	n, err := base64.RawURLEncoding.Decode(buf[:], []byte(v))
	if err != nil || n < tokenHeaderLen+minIDLen+macLen {
		return token{}, 0, false
	}
	payload, sig := buf[:n-macLen], buf[n-macLen:n]
	var want [macLen]byte
	secret = -1
	for i := range s.pools {
		if hmac.Equal(s.mac(i, payload, want[:0]), sig) {
			secret = i
			break
		}
	}
	if secret < 0 || payload[0] != tokenVersion {
		return token{}, 0, false
	}
	flags := payload[1]
	switch {
	case flags&^(flagRemember|flagForget) != 0 || flags == flagRemember|flagForget:
		return token{}, 0, false
	case flags&flagRemember != 0:
		t.remember = 1
	case flags&flagForget != 0:
		t.remember = -1
	}
	t.created = time.UnixMilli(int64(binary.BigEndian.Uint64(payload[2:10])))
	t.touched = time.UnixMilli(int64(binary.BigEndian.Uint64(payload[10:18])))
	t.id = string(payload[tokenHeaderLen:])
	return t, secret, true
}
