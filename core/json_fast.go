package core

import (
	"strconv"
	"unicode/utf8"
)

// The fast paths below encode and decode the values sessions hold most,
// integers, booleans and plain strings, byte for byte as encoding/json
// does, without its reflection and the allocations that come with it: a
// read of an int then allocates nothing, a write only the encoded bytes.
// Anything else, or any input they are unsure of, goes to encoding/json,
// so its results and errors stand.

// encodeFast returns v's JSON, as json.Marshal would produce it, for the
// types it knows; ok is false for the rest.
func encodeFast(v any) (b []byte, ok bool) {
	switch x := v.(type) {
	case int:
		return strconv.AppendInt(make([]byte, 0, 20), int64(x), 10), true
	case int64:
		return strconv.AppendInt(make([]byte, 0, 20), x, 10), true
	case bool:
		return strconv.AppendBool(make([]byte, 0, 5), x), true
	case string:
		if !plainString(x) {
			return nil, false
		}
		b = make([]byte, 0, len(x)+2)
		return append(append(append(b, '"'), x...), '"'), true
	}
	return nil, false
}

// plainString reports whether json.Marshal writes s as it is between
// quotes: printable ASCII with nothing it escapes (quotes, backslashes,
// and <, > and &, which it escapes for HTML).
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// decodeFast decodes raw into v, a pointer, as json.Unmarshal would, for
// the types and inputs it knows, and reports whether it did. v does not
// escape, so a caller's variable stays on its stack.
func decodeFast(raw []byte, v any) bool {
	switch p := v.(type) {
	case *int:
		n, ok := jsonInt(raw, strconv.IntSize)
		*p = int(n)
		return ok
	case *int64:
		n, ok := jsonInt(raw, 64)
		*p = n
		return ok
	case *bool:
		switch string(raw) {
		case "true":
			*p = true
			return true
		case "false":
			*p = false
			return true
		}
	case *string:
		if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && simpleString(raw[1:len(raw)-1]) {
			*p = string(raw[1 : len(raw)-1])
			return true
		}
	}
	return false
}

// jsonInt parses raw if it is a JSON integer (-?(0|[1-9][0-9]*), no
// fraction, exponent or space) that fits in bits.
func jsonInt(raw []byte, bits int) (int64, bool) {
	digits := raw
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	switch {
	case len(digits) == 0, len(digits) > 1 && digits[0] == '0':
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(string(raw), 10, bits)
	return n, err == nil
}

// simpleString reports whether b, a JSON string's contents, decodes to
// itself: no escapes, no control bytes, valid UTF-8 (encoding/json
// replaces invalid bytes).
func simpleString(b []byte) bool {
	for _, c := range b {
		if c == '\\' || c == '"' || c < 0x20 {
			return false
		}
	}
	return utf8.Valid(b)
}
