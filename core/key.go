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
// to v are not seen. Setting a key to the value it already holds, as the
// request read it, is not a modification: it costs no store write and
// sends no cookie.
//
// Set reads the session first, so that Limits.Keys and
// Limits.SessionBytes can be enforced on the whole record. With both of
// them off (negative) and a store that patches natively (a Patcher: the
// memory, Redis and PostgreSQL stores), it need not: a handler that sets
// keys of a stored session without reading it commits them as one blind
// patch, one store call instead of a load and a patch, and a value equal
// to the stored one is written all the same. If that record turns out to
// be gone, the keys start a new session, as they would have after a load.
func (k Key[T]) Set(s *Session, v T) {
	b, err := encode(string(k), v)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.fail(err)
		return
	}
	if !s.writable() {
		return
	}
	if err := s.setRaw(string(k), b); err != nil {
		s.fail(err)
	}
}

// setRaw stores encoded bytes under key, within Config.Limits. Callers
// hold s.mu and have loaded.
func (s *Session) setRaw(key string, b []byte) error {
	if err := s.m.reservedKey(key); err != nil {
		return err
	}
	old, exists := s.st.values[key]
	if exists && bytes.Equal(old, b) {
		return nil
	}
	if err := s.st.fits(&s.m.cfg.Limits, key, len(b), len(old), exists); err != nil {
		return err
	}
	s.own()
	s.st.values[key] = b
	s.st.changes.set[key] = struct{}{}
	delete(s.st.changes.del, key)
	return nil
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
	v, ok := s.st.values[key]
	if !ok {
		return
	}
	s.st.forget(key, len(v))
	s.own()
	delete(s.st.values, key)
	delete(s.st.changes.set, key)
	s.st.changes.del[key] = struct{}{}
}

// Pop returns the value under k and deletes it: the flash-message
// pattern. An absent key yields T's zero value. With a store that pops
// natively (a core.Popper, such as the memory store), the value is taken
// from the store in one atomic step, so of concurrent requests exactly one
// sees it; with other stores Pop is atomic within the request only, and
// racing requests may each see the value. A value that does not decode
// into T is left in place, and the mismatch is kept for the commit.
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
	popped, found := s.popRaw(string(k))
	var zero T
	switch {
	case !found:
		return zero // another request took it first
	case !bytes.Equal(popped, raw):
		// Changed since this request loaded it: the store's value counts.
		if err := decode(popped, &zero, string(k)); err != nil {
			s.fail(err)
			var none T
			return none
		}
		return zero
	}
	return v
}

// popRaw removes name and returns its bytes: from the store in one step
// when the store pops natively and the value is stored, otherwise from
// this request's view, committed as a deletion. Callers hold s.mu, have
// loaded, and checked that name is present.
func (s *Session) popRaw(name string) ([]byte, bool) {
	raw := s.st.values[name]
	_, pending := s.st.changes.set[name]
	if s.m.store.popper == nil || s.st.load != stored || s.st.changes.regenerated || pending {
		s.deleteRaw(name)
		return raw, true
	}
	raw, found, err := s.m.store.Pop(s.req.Context(), s.st.key, name)
	if err != nil {
		s.fail(wrapSave("pop", err))
		return nil, false
	}
	// The store no longer holds it: drop it from the view without a
	// deletion to commit.
	s.st.forget(name, len(s.st.values[name]))
	s.own()
	delete(s.st.values, name)
	return raw, found
}

// Name returns the key's name.
func (k Key[T]) Name() string { return string(k) }

func encode[T any](key string, v T) ([]byte, error) {
	if !utf8.ValidString(key) || strings.IndexByte(key, 0) >= 0 {
		// Stores keep keys in JSON objects, jsonb columns or hash fields;
		// only valid UTF-8 without NUL survives all of them unchanged.
		return nil, fmt.Errorf("%w: key %q is not valid UTF-8 text without NUL", ErrEncode, key)
	}
	if b, ok := encodeFast(v); ok {
		return b, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: key %q: %w", ErrEncode, key, err)
	}
	return b, nil
}

// decode decodes raw into v. Callers' v stays on their stack when the
// fast path takes the value (see decodeFast).
func decode[T any](raw []byte, v *T, key string) error {
	if decodeFast(raw, v) {
		return nil
	}
	w, err := decodeJSON[T](raw, key)
	*v = w
	return err
}

// decodeJSON decodes raw with encoding/json, into a T of its own so that
// only this path moves it to the heap.
func decodeJSON[T any](raw []byte, key string) (T, error) {
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		var zero T
		return zero, fmt.Errorf("%w: key %q as %T: %w", ErrTypeMismatch, key, *v, err)
	}
	return *v, nil
}
