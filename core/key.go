package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Key is a typed session key: declare it once and read and write its value
// in one line, with the type checked by the compiler.
//
//	var Views = core.Key[int]("views")
//
//	n := Views.Get(s) // 0 when absent
//	Views.Set(s, n+1)
//
// Values are stored as JSON, so T may be any type encoding/json handles,
// including the application's own structs; no registration is needed.
// The key's name must be valid UTF-8 without NUL bytes, which every store
// keeps unchanged.
//
// Errors are sticky rather than returned: a session that cannot be loaded,
// a value that cannot be encoded, or a stored value that does not decode
// into T is remembered and reported when the session commits, through the
// middleware's error path (a 500 by default), so the handler's response
// never silently reflects a zero value or a lost write. A handler that
// wants to answer for such errors itself checks Session.Err.
//
// A Key is a string, so keys chosen at run time are keys too:
// core.Key[string](name).Get(s).
type Key[T any] string

// Get returns the value under k, or T's zero value when it is absent or
// cannot be read (the error is kept for the commit; see Key).
func (k Key[T]) Get(s *Session) T {
	v, _ := k.Lookup(s)
	return v
}

// Lookup returns the value under k and whether it is present. A value that
// does not decode into T reports false, and the mismatch, wrapping
// ErrTypeMismatch, is kept for the commit.
func (k Key[T]) Lookup(s *Session) (T, bool) {
	var v T
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.use() {
		return v, false
	}
	raw, ok := s.st.values[string(k)]
	if !ok {
		return v, false
	}
	if err := decode(raw, &v, string(k)); err != nil {
		s.fail(err)
		var zero T
		return zero, false
	}
	return v, true
}

// Set stores v under k. The value is encoded immediately, so later changes
// to v are not seen. Setting a key to the value it already holds is not a
// modification: it costs no store write and sends no cookie.
func (k Key[T]) Set(s *Session, v T) {
	b, err := encode(string(k), v)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.fail(err)
		return
	}
	if !s.use() {
		return
	}
	s.setRaw(string(k), b)
}

// setRaw stores encoded bytes under key. Callers hold s.mu and have loaded.
func (s *Session) setRaw(key string, b []byte) {
	if old, ok := s.st.values[key]; ok && bytes.Equal(old, b) {
		return
	}
	s.own()
	s.st.values[key] = b
	s.st.changes.set[key] = struct{}{}
	delete(s.st.changes.del, key)
}

// Delete removes k. Deleting an absent key is not a modification.
func (k Key[T]) Delete(s *Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.use() {
		s.deleteRaw(string(k))
	}
}

func (s *Session) deleteRaw(key string) {
	if _, ok := s.st.values[key]; !ok {
		return
	}
	s.own()
	delete(s.st.values, key)
	delete(s.st.changes.set, key)
	s.st.changes.del[key] = struct{}{}
}

// Pop returns the value under k and deletes it, atomically within the
// request: the flash-message pattern. An absent key yields T's zero value.
// A value that does not decode into T is left in place, and the mismatch
// is kept for the commit.
func (k Key[T]) Pop(s *Session) T {
	var v T
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.use() {
		return v
	}
	raw, ok := s.st.values[string(k)]
	if !ok {
		return v
	}
	if err := decode(raw, &v, string(k)); err != nil {
		s.fail(err)
		var zero T
		return zero
	}
	s.deleteRaw(string(k))
	return v
}

// Name returns the key's name.
func (k Key[T]) Name() string { return string(k) }

func encode(key string, v any) ([]byte, error) {
	if !utf8.ValidString(key) || strings.IndexByte(key, 0) >= 0 {
		// Stores keep keys in JSON objects, jsonb columns or hash fields;
		// only valid UTF-8 without NUL survives all of them unchanged.
		return nil, fmt.Errorf("%w: key %q is not valid UTF-8 text without NUL", ErrEncode, key)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: key %q: %w", ErrEncode, key, err)
	}
	return b, nil
}

func decode[T any](raw []byte, v *T, key string) error {
	// Fast path for the most common type avoids the reflection decoder.
	if p, ok := any(v).(*string); ok {
		if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && simpleString(raw[1:len(raw)-1]) {
			*p = string(raw[1 : len(raw)-1])
			return nil
		}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%w: key %q as %T: %w", ErrTypeMismatch, key, *v, err)
	}
	return nil
}

// simpleString reports whether b needs no JSON unescaping.
func simpleString(b []byte) bool {
	for _, c := range b {
		if c == '\\' || c == '"' || c < 0x20 {
			return false
		}
	}
	return true
}
