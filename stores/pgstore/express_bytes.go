package pgstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"unicode/utf8"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/expressjson"
)

// bytesMember is the member of sess that holds, in base64 by name, the
// exact bytes of the values whose text is not UTF-8. A json column holds
// only UTF-8 text, so such a value is stored with each invalid byte as the
// escape \ufffd, which Node reads as U+FFFD, as it reads those bytes from
// any other store. Node keeps this member as a session property, like the
// owner member.
const bytesMember = expressjson.BytesMember

func badRecord(err error) error { return fmt.Errorf("%w: %w", core.ErrBadRecord, err) }

// pack returns the sess text for the record document doc: doc itself
// unless a value is not UTF-8 text. Then each such value is written with
// its invalid bytes escaped, and bytesMember holds their exact bytes. A
// value named bytesMember is refused with core.ErrBadRecord: it would be
// taken for the member on the next read.
func pack(doc []byte) ([]byte, error) {
	if utf8.Valid(doc) && !bytes.Contains(doc, []byte(bytesMember)) {
		return doc, nil
	}
	vals, err := expressjson.Members(doc)
	if err != nil {
		return nil, badRecord(err)
	}
	if _, ok := vals[bytesMember]; ok {
		return nil, fmt.Errorf("%w: a value is named %s", core.ErrBadRecord, bytesMember)
	}
	exact, set := map[string][]byte{}, map[string][]byte{}
	for name, v := range vals {
		if !utf8.Valid(v) {
			exact[name], set[name] = v, escapeInvalid(v)
		}
	}
	if len(exact) == 0 {
		return doc, nil
	}
	set[bytesMember], err = json.Marshal(exact) // []byte values as base64
	if err != nil {
		return nil, badRecord(err)
	}
	out, err := expressjson.PatchMembers(doc, set, nil)
	if err != nil {
		return nil, badRecord(err)
	}
	return out, nil
}

// unpack reverses pack: it returns the document sess holds, each value
// that bytesMember keeps restored to its exact bytes and bytesMember
// removed. A kept value is restored only while the stored one still means
// the same to JavaScript: once an app has changed it, the kept bytes are
// stale and dropped. A malformed bytesMember is an error wrapping
// core.ErrBadRecord.
func unpack(sess []byte) ([]byte, error) {
	if !bytes.Contains(sess, []byte(bytesMember)) {
		return sess, nil
	}
	vals, err := expressjson.Members(sess)
	if err != nil {
		return nil, badRecord(err)
	}
	kept, ok := vals[bytesMember]
	if !ok {
		return sess, nil
	}
	var exact map[string][]byte
	if err := json.Unmarshal(kept, &exact); err != nil {
		return nil, badRecord(fmt.Errorf("member %s: %w", bytesMember, err))
	}
	set := map[string][]byte{}
	for name, v := range exact {
		if cur, ok := vals[name]; ok && name != bytesMember && sameToJS(cur, v) {
			set[name] = v
		}
	}
	out, err := expressjson.PatchMembers(sess, set, []string{bytesMember})
	if err != nil {
		return nil, badRecord(err)
	}
	return out, nil
}

// escapeInvalid returns the JSON text v with each byte that is not part of
// UTF-8 written as \ufffd. Such bytes can only be inside strings, where
// the escape is valid.
func escapeInvalid(v []byte) []byte {
	out := make([]byte, 0, len(v)+16)
	for len(v) > 0 {
		r, n := utf8.DecodeRune(v)
		if r == utf8.RuneError && n == 1 {
			out = append(out, `\ufffd`...)
		} else {
			out = append(out, v[:n]...)
		}
		v = v[n:]
	}
	return out
}

// sameToJS reports whether the JSON texts a and b are one value to
// JavaScript's JSON.parse, near enough: numbers as float64, and each byte
// that is not UTF-8 as U+FFFD, so a value Express loaded and saved back
// unchanged, reformatted by JSON.stringify, is still the same.
func sameToJS(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
