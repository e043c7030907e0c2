package expressjson

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"
)

// OwnerMember is the member in which sessionkit keeps a session's owner
// (see core.Session.SetOwner) inside an Express record. Express loads it
// as a property of its session and saves it back unchanged.
const OwnerMember = "sessionkitOwner"

// BytesMember is the member in which a store whose column holds only
// UTF-8 text (pgstore's json) keeps the exact bytes of values that are
// not UTF-8, which only Go code can write.
const BytesMember = "sessionkitBytes"

// Members returns every member of the record doc's top-level object, the
// cookie member and [Reserved] names included, each as the exact bytes of
// its value (a copy). It is the view of a store that keeps records as
// Express does but leaves the cookie member to its caller. A name that
// occurs more than once has its last value, as in JSON.parse. The errors
// are ErrInvalidJSON and ErrNotObject.
func Members(doc []byte) (map[string][]byte, error) {
	ms, err := scan(doc)
	if err != nil {
		return nil, err
	}
	buf := bytes.Clone(doc)
	values := make(map[string][]byte, len(ms))
	for _, m := range ms {
		values[m.name] = buf[m.value:m.end:m.end]
	}
	return values, nil
}

// EncodeMembers writes values as one object in JavaScript's key order,
// as JSON.stringify writes express-session's Session: array-index names
// ascending, then the cookie member if values has one, then the other
// names in byte order. Each value is written as its exact bytes less the
// whitespace around it. Unlike [Encode], it neither requires nor refuses
// a cookie member. The error is ErrInvalidJSON, for a value that is not
// JSON or a name that is not UTF-8.
func EncodeMembers(values map[string][]byte) ([]byte, error) {
	size := 2
	for name, v := range values {
		if err := checkMember(name, v); err != nil {
			return nil, err
		}
		size += len(name) + len(v) + 4
	}
	names := slices.SortedFunc(maps.Keys(values), jsKeyOrder)
	b := append(make([]byte, 0, size), '{')
	for i, name := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendMember(b, name, values[name])
	}
	return append(b, '}'), nil
}

// jsKeyOrder orders names as a JavaScript object created by
// express-session holds them: array indexes first, ascending, then the
// cookie member, then the rest.
func jsKeyOrder(a, b string) int {
	x, aIndex := arrayIndex(a)
	y, bIndex := arrayIndex(b)
	switch {
	case aIndex && bIndex:
		return cmp.Compare(x, y)
	case aIndex != bIndex:
		if aIndex {
			return -1
		}
		return 1
	case a == cookieName || b == cookieName:
		if a == b {
			return 0
		}
		if a == cookieName {
			return -1
		}
		return 1
	}
	return cmp.Compare(a, b)
}

// PatchMembers applies set and del to the object doc as [Patch] does,
// keeping every member it does not touch byte for byte, but without
// Patch's rules for the cookie member: a cookie in set is written like
// any value, and doc need not have one. The errors are ErrInvalidJSON
// and ErrNotObject for doc, ErrInvalidJSON for a value, and ErrConflict.
func PatchMembers(doc []byte, set map[string][]byte, del []string) ([]byte, error) {
	ms, err := scan(doc)
	if err != nil {
		return nil, err
	}
	for name, v := range set {
		if err := checkMember(name, v); err != nil {
			return nil, err
		}
	}
	gone := make(map[string]bool, len(del))
	for _, name := range del {
		if _, ok := set[name]; ok {
			return nil, fmt.Errorf("%w: %q", ErrConflict, name)
		}
		gone[name] = true
	}
	size := len(doc) + 2
	for name, v := range set {
		size += len(name) + len(v) + 4
	}
	b, written := appendKept(append(make([]byte, 0, size), '{'), doc, ms, set, gone, nil)
	for _, name := range slices.Sorted(maps.Keys(set)) {
		if written[name] {
			continue
		}
		if len(written) > 0 {
			b = append(b, ',')
		}
		written[name] = true
		b = appendMember(b, name, set[name])
	}
	return append(b, '}'), nil
}

func checkMember(name string, v []byte) error {
	if !utf8.ValidString(name) {
		return fmt.Errorf("expressjson: a name that is not UTF-8: %w", ErrInvalidJSON)
	}
	if !json.Valid(v) {
		return fmt.Errorf("expressjson: value %q: %w", name, ErrInvalidJSON)
	}
	return nil
}

// ParseCookie parses the value of a record's cookie member, as [Decode]
// does. The error is ErrInvalidCookie.
func ParseCookie(raw []byte) (Cookie, error) { return parseCookie(trimSpace(raw)) }

// AppendJSON appends c's JSON as express-session writes its cookie member
// (see [Cookie]). The error is ErrInvalidCookie.
func (c Cookie) AppendJSON(b []byte) ([]byte, error) { return c.appendJSON(b) }
