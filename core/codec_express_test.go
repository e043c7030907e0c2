package core

import (
	"strings"
	"testing"
)

// TestExpressCodec checks the cookie format against express-session's own
// (cookie-signature's sign, then encodeURIComponent), with its documented
// example, secret rotation and the values it refuses.
func TestExpressCodec(t *testing.T) {
	c := expressCodec{secrets: [][]byte{[]byte("keyboard cat")}}
	const apple = "s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU"
	if got := c.encode(identity{id: "apple"}); got != apple {
		t.Errorf("encode(apple) = %q; want express-session's %q", got, apple)
	}
	rotated := expressCodec{secrets: [][]byte{[]byte("new secret"), []byte("keyboard cat")}}
	tests := []struct {
		name    string
		codec   expressCodec
		value   string
		wantID  string
		secret  int
		wantBad Reason
	}{
		{"the example", c, apple, "apple", 0, 0},
		{"not URL-encoded", c, "s:apple.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU", "apple", 0, 0},
		{"an older secret verifies", rotated, apple, "apple", 1, 0},
		{"a retired secret does not", expressCodec{secrets: [][]byte{[]byte("new secret")}}, apple, "", 0, ReasonBadSignature},
		{"tampered ID", c, strings.Replace(apple, "apple", "apples", 1), "", 0, ReasonBadSignature},
		{"padded signature", c, apple + "%3D", "", 0, ReasonBadSignature},
		{"unsigned", c, "apple", "", 0, ReasonMalformed},
		{"no signature", c, "s%3Aapple", "", 0, ReasonMalformed},
		{"empty ID", c, "s%3A.D8Y", "", 0, ReasonMalformed},
		{"bad escape", c, "s%3Aapple.%ZZ", "", 0, ReasonMalformed},
		{"control character in the ID", c, "s%3Aap%0Aple.D8Y", "", 0, ReasonMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, secret, bad := tc.codec.decode(tc.value)
			if id.id != tc.wantID || secret != tc.secret || bad != tc.wantBad {
				t.Errorf("decode(%q) = %q, secret %d, %v; want %q, %d, %v", tc.value, id.id, secret, bad, tc.wantID, tc.secret, tc.wantBad)
			}
			if !id.created.IsZero() || !id.touched.IsZero() {
				t.Errorf("decode(%q) has timestamps %v, %v; an Express cookie carries none", tc.value, id.created, id.touched)
			}
		})
	}
	if k := c.storeKey("apple"); k != "apple" {
		t.Errorf("storeKey(apple) = %q; want the raw ID, as Express's stores key records", k)
	}
}

func TestEncodeURIComponent(t *testing.T) {
	for in, want := range map[string]string{
		"abcXYZ019-_.!~*'()": "abcXYZ019-_.!~*'()",
		"s:a+b/c=":           "s%3Aa%2Bb%2Fc%3D",
		"é ;,":               "%C3%A9%20%3B%2C",
	} {
		if got := encodeURIComponent(in); got != want {
			t.Errorf("encodeURIComponent(%q) = %q; want %q", in, got, want)
		}
	}
}

// FuzzExpressCodec: decode never panics, and every value encode makes
// decodes to its ID under the same secrets.
func FuzzExpressCodec(f *testing.F) {
	f.Add("apple", "s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU")
	f.Add("x.y.z", "s:%")
	c := expressCodec{secrets: [][]byte{[]byte("keyboard cat"), []byte("old")}}
	f.Fuzz(func(t *testing.T, id, value string) {
		c.decode(value)
		if !validExpressID(id) {
			return
		}
		got, secret, bad := c.decode(c.encode(identity{id: id}))
		if bad != 0 || got.id != id || secret != 0 {
			t.Errorf("decode(encode(%q)) = %q, %d, %v", id, got.id, secret, bad)
		}
	})
}
