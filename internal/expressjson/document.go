package expressjson

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"
)

// Errors returned by this package, for errors.Is. They never carry a
// value, a cookie member's content or any other session data, only which
// rule was broken and, for values, the member's name.
var (
	// ErrInvalidJSON reports a document, or a value given to Encode or
	// Patch, that is not valid JSON, or a name given to them that is not
	// valid UTF-8 (JSON text is Unicode, and Express's client decodes it
	// as UTF-8).
	ErrInvalidJSON = errors.New("expressjson: invalid JSON")

	// ErrNotObject reports a document that is valid JSON but not an
	// object.
	ErrNotObject = errors.New("expressjson: document is not a JSON object")

	// ErrInvalidCookie reports a cookie member that is missing, not an
	// object or has a member of the wrong type or form; express-session
	// cannot load such a record (it throws without a cookie object).
	ErrInvalidCookie = errors.New("expressjson: invalid cookie member")

	// ErrReservedName reports a value named cookie, or named like a
	// property of express-session's Session object (see [Reserved]),
	// given to Encode or Patch.
	ErrReservedName = errors.New("expressjson: reserved name")

	// ErrConflict reports a Patch that both sets and deletes one name.
	ErrConflict = errors.New("expressjson: name both set and deleted")
)

const cookieName = "cookie"

// reserved are the names express-session's Session constructor never
// copies from a stored record, because its object already has them
// (`if (!(prop in this))`, session/session.js): its own id and req, its
// methods, and Object.prototype's properties.
var reserved = map[string]bool{
	"id": true, "req": true,
	"touch": true, "resetMaxAge": true, "save": true, "reload": true, "destroy": true, "regenerate": true,
	"constructor": true, "__proto__": true, "__defineGetter__": true, "__defineSetter__": true,
	"__lookupGetter__": true, "__lookupSetter__": true, "hasOwnProperty": true, "isPrototypeOf": true,
	"propertyIsEnumerable": true, "toString": true, "toLocaleString": true, "valueOf": true,
}

// Reserved reports whether Express ignores a stored member of this name
// when it loads a session, so that the application never sees it and
// Express drops it on its next save: id, req, the Session methods
// (touch, resetMaxAge, save, reload, destroy, regenerate) and the names
// of Object.prototype (constructor, toString, __proto__, …). The cookie
// member is not reserved in this sense; it is the session's cookie, and
// Encode and Patch refuse it as a value name too.
func Reserved(name string) bool { return reserved[name] }

// Decode reads an express-session record: values holds every member of
// the top-level object but the cookie member and the [Reserved] ones,
// each as the exact bytes of its value in doc (a copy, so doc may be
// reused), and c the parsed cookie member.
//
// When a name occurs more than once, the last occurrence wins, as in
// JavaScript's JSON.parse. Names are compared after unescaping, so
// "\u0063ookie" is the cookie member.
//
// The errors are ErrInvalidJSON, ErrNotObject and ErrInvalidCookie.
func Decode(doc []byte) (values map[string][]byte, c Cookie, err error) {
	ms, c, err := readRecord(doc)
	if err != nil {
		return nil, Cookie{}, err
	}
	buf := bytes.Clone(doc)
	values = make(map[string][]byte, len(ms)-1)
	for _, m := range ms {
		if m.name != cookieName && !reserved[m.name] {
			values[m.name] = buf[m.value:m.end:m.end]
		}
	}
	return values, c, nil
}

// readRecord scans doc and parses its cookie member, the last one.
func readRecord(doc []byte) ([]member, Cookie, error) {
	ms, err := scan(doc)
	if err != nil {
		return nil, Cookie{}, err
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].name == cookieName {
			c, err := parseCookie(doc[ms[i].value:ms[i].end])
			return ms, c, err
		}
	}
	return nil, Cookie{}, fmt.Errorf("%w: no cookie member", ErrInvalidCookie)
}

// Encode writes a new record of values and c, as JSON.stringify writes
// the session object express-session saves: its own keys in JavaScript's
// order, that is names that are array indexes ("0", "42") first in
// ascending order, then the cookie member (the first key Express's
// Session gets), then the other names, here in byte order since a map has
// none. Each value is written as its exact bytes, which must be valid
// JSON, less any whitespace around it (not part of the value: Decode
// would not return it); the cookie member is written as express-session writes it (see
// [Cookie]). Express loading the result and saving it unchanged writes
// the same bytes, provided the values are in JSON.stringify's form too.
//
// The errors are ErrInvalidJSON for a value that is not valid JSON,
// ErrReservedName and ErrInvalidCookie.
func Encode(values map[string][]byte, c Cookie) ([]byte, error) {
	size := 200
	for name, v := range values {
		if err := checkValue(name, v); err != nil {
			return nil, err
		}
		size += len(name) + len(v) + 4
	}
	var index []string
	var rest []string
	for name := range values {
		if _, ok := arrayIndex(name); ok {
			index = append(index, name)
		} else {
			rest = append(rest, name)
		}
	}
	slices.SortFunc(index, func(a, b string) int {
		x, _ := arrayIndex(a)
		y, _ := arrayIndex(b)
		return cmp.Compare(x, y)
	})
	slices.Sort(rest)

	b := append(make([]byte, 0, size), '{')
	for _, name := range index {
		b = append(appendMember(b, name, values[name]), ',')
	}
	b = append(b, `"cookie":`...)
	b, err := c.appendJSON(b)
	if err != nil {
		return nil, err
	}
	for _, name := range rest {
		b = appendMember(append(b, ','), name, values[name])
	}
	return append(b, '}'), nil
}

func checkValue(name string, v []byte) error {
	if name == cookieName || reserved[name] {
		return fmt.Errorf("%w: %q", ErrReservedName, name)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("expressjson: a name that is not UTF-8: %w", ErrInvalidJSON)
	}
	if !json.Valid(v) {
		return fmt.Errorf("expressjson: value %q: %w", name, ErrInvalidJSON)
	}
	return nil
}

func appendMember(b []byte, name string, v []byte) []byte {
	return append(append(appendString(b, name), ':'), trimSpace(v)...)
}

// trimSpace drops the JSON whitespace around a value, which is not part
// of it: Decode would not return it.
func trimSpace(v []byte) []byte {
	return v[skipSpace(v, 0):trimEnd(v)]
}

func trimEnd(v []byte) int {
	i := len(v)
	for i > 0 && (v[i-1] == ' ' || v[i-1] == '\t' || v[i-1] == '\n' || v[i-1] == '\r') {
		i--
	}
	return i
}

// Patch applies one change set to the record doc, which must be a
// document Decode accepts, and returns the new record. It is what a
// store's per-key compare-and-set applies to the record it has read:
//
//   - the members of doc it does not touch keep their exact bytes (key,
//     spacing around the colon and value) and their order;
//   - a name in set gets that value, less whitespace around it: in place if doc has it, else
//     appended after the others (in byte order of the names);
//   - a name in del goes; one doc lacks is ignored;
//   - the cookie member is rewritten from c, in place.
//
// A name doc holds more than once is written once, where it first
// occurred and with the text of its last occurrence, so that the result
// means to JSON.parse what doc did. Whitespace between members and around
// the braces is not kept. Array-index names Patch appends stay at the
// end; Express reorders them when it next saves, and reads either order
// the same.
//
// The errors are those of Decode for doc, ErrInvalidJSON for a value that
// is not valid JSON, ErrReservedName for a value named cookie or
// [Reserved], or for deleting cookie, ErrConflict for a name both set and
// deleted, and ErrInvalidCookie for c.
func Patch(doc []byte, set map[string][]byte, del []string, c Cookie) ([]byte, error) {
	ms, _, err := readRecord(doc)
	if err != nil {
		return nil, err
	}
	gone, err := checkPatch(set, del)
	if err != nil {
		return nil, err
	}
	cookieJSON, err := c.appendJSON(nil)
	if err != nil {
		return nil, err
	}

	size := len(doc) + len(cookieJSON)
	for name, v := range set {
		size += len(name) + len(v) + 4
	}
	b, written := appendKept(append(make([]byte, 0, size), '{'), doc, ms, set, gone, cookieJSON)
	for _, name := range slices.Sorted(maps.Keys(set)) {
		if !written[name] {
			b = appendMember(append(b, ','), name, set[name])
		}
	}
	return append(b, '}'), nil
}

// appendKept appends the members of doc that stay, each name once where
// it first occurred, with set's values and the cookie JSON (unless nil)
// in place, and returns the names it wrote.
func appendKept(b, doc []byte, ms []member, set map[string][]byte, gone map[string]bool, cookieJSON []byte) ([]byte, map[string]bool) {
	lastAt := make(map[string]int, len(ms))
	for i, m := range ms {
		lastAt[m.name] = i
	}
	written := make(map[string]bool, len(ms))
	for _, m := range ms {
		if written[m.name] || gone[m.name] {
			continue
		}
		written[m.name] = true
		last := ms[lastAt[m.name]]
		if len(written) > 1 {
			b = append(b, ',')
		}
		switch v, ok := set[m.name]; {
		case m.name == cookieName && cookieJSON != nil:
			b = append(append(b, doc[last.start:last.value]...), cookieJSON...)
		case ok:
			b = append(append(b, doc[last.start:last.value]...), trimSpace(v)...)
		default:
			b = append(b, doc[last.start:last.end]...)
		}
	}
	return b, written
}

// checkPatch validates a change set and returns del as a set.
func checkPatch(set map[string][]byte, del []string) (map[string]bool, error) {
	for name, v := range set {
		if err := checkValue(name, v); err != nil {
			return nil, err
		}
	}
	gone := make(map[string]bool, len(del))
	for _, name := range del {
		if name == cookieName {
			return nil, fmt.Errorf("%w: cannot delete the cookie member", ErrReservedName)
		}
		if _, ok := set[name]; ok {
			return nil, fmt.Errorf("%w: %q", ErrConflict, name)
		}
		gone[name] = true
	}
	return gone, nil
}
