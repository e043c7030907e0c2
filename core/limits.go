package core

import "fmt"

// fits checks that setting key to a value of n bytes, replacing one of old
// bytes if exists, keeps the session within l, and accounts for it.
func (st *state) fits(l *Limits, key string, n, old int, exists bool) error {
	if l.ValueBytes >= 0 && n > l.ValueBytes {
		return fmt.Errorf("%w: key %q: value of %d bytes exceeds Limits.ValueBytes (%d)", ErrTooLarge, key, n, l.ValueBytes)
	}
	if l.Keys >= 0 && !exists && len(st.values) >= l.Keys {
		return fmt.Errorf("%w: key %q: session already holds Limits.Keys (%d) keys", ErrTooLarge, key, l.Keys)
	}
	size := st.measure() + n - old
	if !exists {
		size += len(key)
	}
	// A session already over the limit (stored under a larger one) may
	// still shrink.
	if l.SessionBytes >= 0 && size > l.SessionBytes && size > st.measure() {
		return fmt.Errorf("%w: key %q: session of %d bytes would exceed Limits.SessionBytes (%d)", ErrTooLarge, key, size, l.SessionBytes)
	}
	st.size = size
	return nil
}

// measure returns the bytes of the session's keys and values, counting
// them once after a load.
func (st *state) measure() int {
	if st.size < 0 {
		st.size = 0
		for k, v := range st.values {
			st.size += len(k) + len(v)
		}
	}
	return st.size
}

// forget accounts for key, holding n bytes, leaving the session.
func (st *state) forget(key string, n int) {
	if st.size >= 0 {
		st.size -= len(key) + n
	}
}
