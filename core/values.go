package core

import (
	"encoding/json"
	"fmt"
)

// Get returns the value stored under key, decoded into T. An absent key
// yields T's zero value and a nil error; use Lookup to tell the two apart.
// A value that does not decode into T returns an error wrapping
// ErrTypeMismatch, never a silent zero. If the session cannot be loaded,
// Get returns the load error.
func Get[T any](s *Session, key string) (T, error) {
	v, _, err := Lookup[T](s, key)
	return v, err
}

// Lookup is like Get and also reports whether key was present.
func Lookup[T any](s *Session, key string) (T, bool, error) {
	var v T
	s.mu.Lock()
	err := s.ready()
	raw, ok := s.values[key]
	s.mu.Unlock()
	if err != nil || !ok {
		return v, false, err
	}
	if err := decode(raw, &v, key); err != nil {
		return v, true, err
	}
	return v, true, nil
}

// Pop returns the value under key and deletes it, atomically within the
// request: the flash-message pattern. An absent key yields T's zero value
// and a nil error. A value that does not decode into T is left in place.
func Pop[T any](s *Session, key string) (T, error) {
	var v T
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ready(); err != nil {
		return v, err
	}
	raw, ok := s.values[key]
	if !ok {
		return v, nil
	}
	if err := decode(raw, &v, key); err != nil {
		return v, err
	}
	return v, s.deleteLocked(key)
}

func decode[T any](raw []byte, v *T, key string) error {
	// Fast paths for the most common types avoid the reflection decoder.
	if p, ok := any(v).(*string); ok {
		if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && simpleString(raw[1:len(raw)-1]) {
			*p = string(raw[1 : len(raw)-1])
			return nil
		}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%w: key %q as %T: %v", ErrTypeMismatch, key, *v, err)
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
