package expresstest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
)

// cookieValue is express-session's cookie value after encodeURIComponent:
// s: ID . signature, the signature standard base64 without padding.
var cookieValue = regexp.MustCompile(`^s%3A([A-Za-z0-9_-]+)\.((?:[A-Za-z0-9]|%2B|%2F)+)$`)

// SessionID returns the session ID an express-session cookie value
// carries, or an error unless secret signed it: HMAC-SHA256 of the ID,
// standard base64 without padding, + and / URL-encoded. Tests of either
// side use it to check the other's cookies. Its errors never show the
// value.
func SessionID(value, secret string) (string, error) {
	m := cookieValue.FindStringSubmatch(value)
	if m == nil {
		return "", errors.New("cookie value is not s%3A<id>.<signature>")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(m[1]))
	want := strings.NewReplacer("+", "%2B", "/", "%2F").Replace(base64.RawStdEncoding.EncodeToString(mac.Sum(nil)))
	if !hmac.Equal([]byte(m[2]), []byte(want)) {
		return "", errors.New("cookie signature does not verify")
	}
	return m[1], nil
}
