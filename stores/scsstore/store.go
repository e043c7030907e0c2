package scsstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/sessionkit/sessionkit/core"
)

// errNoExpiry rejects records that would never expire: every scs store
// needs a deadline, and the manager always sets one.
var errNoExpiry = errors.New("record has no expiry; scs stores require one")

// Store adapts an scs.Store to core.Store. Each record is one blob written by
// core.EncodeRecord and committed with the record's expiry as the scs
// deadline. It implements core.Store only: it is a whole-record store (see
// the package documentation on concurrent requests), and expired blobs are
// removed by the scs store's own cleanup, not by core.Cleaner.
//
// Store is safe for concurrent use if the scs store is.
type Store struct {
	plain   scs.Store
	withCtx scs.CtxStore // nil unless plain implements scs.CtxStore
}

// New returns a Store that keeps its records in s.
//
// If s implements scs.CtxStore, its Ctx methods receive each call's context,
// so deadlines and cancellation reach the backend. Otherwise the context is
// checked before and after each call: a call that has started cannot be
// interrupted, and when the context ends while it runs the call reports the
// context's error even though the backend may have completed it.
//
// New does not take ownership of s: stop the scs store's cleanup goroutine
// and close its connections yourself. A nil s yields a Store whose every
// call fails. To expose core.Iterator as well, use NewIterable.
func New(s scs.Store) *Store {
	if s == nil {
		s = nilBackend{}
	}
	st := &Store{plain: s}
	st.withCtx, _ = s.(scs.CtxStore)
	return st
}

// Load implements core.Store. A record whose expiry has passed is reported
// as not found even if the scs store still returns it, and a blob that is
// not a record yields an error wrapping core.ErrBadRecord.
func (s *Store) Load(ctx context.Context, key string) (core.Record, bool, error) {
	b, found, err := s.find(ctx, key)
	if err != nil {
		return core.Record{}, false, fmt.Errorf("scsstore: load: %w", err)
	}
	if !found {
		return core.Record{}, false, nil
	}
	rec, err := core.DecodeRecord(b)
	if err != nil {
		return core.Record{}, false, fmt.Errorf("scsstore: load: %w", err)
	}
	if expired(rec, time.Now()) {
		return core.Record{}, false, nil
	}
	return rec, true, nil
}

// Save implements core.Store. A record whose expiry has already passed is
// not committed: the key is deleted instead, so neither it nor the record it
// replaces can be loaded afterwards. A record with a zero Expiry is rejected
// with an error, because scs stores cannot keep a record forever.
func (s *Store) Save(ctx context.Context, key string, rec core.Record) error {
	if rec.Expiry.IsZero() {
		return fmt.Errorf("scsstore: save: %w", errNoExpiry)
	}
	if expired(rec, time.Now()) {
		if err := s.delete(ctx, key); err != nil {
			return fmt.Errorf("scsstore: save expired record: %w", err)
		}
		return nil
	}
	b, err := core.EncodeRecord(rec)
	if err != nil {
		return fmt.Errorf("scsstore: save: %w", err)
	}
	if err := s.commit(ctx, key, b, rec.Expiry); err != nil {
		return fmt.Errorf("scsstore: save: %w", err)
	}
	return nil
}

// Delete implements core.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.delete(ctx, key); err != nil {
		return fmt.Errorf("scsstore: delete: %w", err)
	}
	return nil
}

// expired reports whether rec is past its expiry. A zero expiry, which only
// a blob written by something other than Save can carry, never expires, as
// in core.MemoryStore.
func expired(rec core.Record, now time.Time) bool {
	return !rec.Expiry.IsZero() && !now.Before(rec.Expiry)
}
