package core

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"
	"unicode/utf8"
)

// expressCodec is express-session's format: the cookie carries
// "s:" + ID + "." + the standard-base64 HMAC-SHA256 of the ID under the
// first secret, "=" padding stripped, the whole URL-encoded as
// encodeURIComponent does ("s%3A..."); every secret verifies. Records are
// keyed by the raw ID, as express-session's stores key them (connect-redis
// adds its "sess:" prefix; connect-pg-simple uses the sid column). The
// cookie carries no timestamps, so the store's expiry is the only
// authority on a session's life.
//
// It is the seam for sharing sessions with a running Express app; the
// configuration that selects it comes with the stores that read and write
// express-session's records.
type expressCodec struct {
	secrets [][]byte
}

// expressMaxIDLen bounds an ID read from an Express cookie. Express's own
// IDs are 32 characters; a custom genid may make longer ones.
const expressMaxIDLen = 256

func (c expressCodec) sign(i int, id string) string {
	m := hmac.New(sha256.New, c.secrets[i])
	m.Write([]byte(id))
	return strings.TrimRight(base64.StdEncoding.EncodeToString(m.Sum(nil)), "=")
}

// encode returns the cookie value express-session sets for id.
func (c expressCodec) encode(id identity) string {
	return encodeURIComponent("s:" + id.id + "." + c.sign(0, id.id))
}

// decode verifies an express-session cookie value: URL-decoded, then
// "s:" + ID + "." + a signature some secret makes. An unsigned value,
// which express-session also refuses once it has a secret, is malformed.
func (c expressCodec) decode(v string) (identity, int, Reason) {
	raw := v
	if strings.IndexByte(v, '%') >= 0 {
		var err error
		if raw, err = url.PathUnescape(v); err != nil {
			return identity{}, 0, ReasonMalformed
		}
	}
	signed, ok := strings.CutPrefix(raw, "s:")
	dot := strings.LastIndexByte(signed, '.')
	if !ok || dot <= 0 {
		return identity{}, 0, ReasonMalformed
	}
	id, sig := signed[:dot], signed[dot+1:]
	if !validExpressID(id) {
		return identity{}, 0, ReasonMalformed
	}
	for i := range c.secrets {
		if hmac.Equal([]byte(c.sign(i, id)), []byte(sig)) {
			return identity{id: id}, i, 0
		}
	}
	return identity{}, 0, ReasonBadSignature
}

// storeKey is the raw ID: Express's stores key records by it.
func (expressCodec) storeKey(id string) string { return id }

// validExpressID accepts the IDs an Express app may have issued: 1 to
// expressMaxIDLen bytes of UTF-8 without control characters.
func validExpressID(id string) bool {
	if id == "" || len(id) > expressMaxIDLen || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// encodeURIComponent escapes s as JavaScript's encodeURIComponent does:
// every byte but A-Z a-z 0-9 - _ . ! ~ * ' ( ) as %XX.
func encodeURIComponent(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if uriUnreserved(ch) {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

func uriUnreserved(ch byte) bool {
	switch {
	case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9':
		return true
	}
	return strings.IndexByte("-_.!~*'()", ch) >= 0
}
