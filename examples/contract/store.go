package contract

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// storeDetail is the text of the failing store's errors, and leakMarker
// the part of it no response may contain.
const (
	storeDetail = leakMarker + ": dial tcp 10.9.8.7:5432: password authentication failed for user app"
	leakMarker  = "store-detail"
)

// ErrStore is the error a FailingStore returns, or panics with. Its text
// reads like a real store's (an address, a user name), so a test can
// check that none of it reaches a client.
var ErrStore = errors.New(storeDetail)

// Mode is what a FailingStore does on each call.
type Mode int32

const (
	// Working passes every call to the memory store.
	Working Mode = iota
	// Failing returns ErrStore from every call, as a store whose server
	// went away does.
	Failing
	// Panicking panics with ErrStore in every call, as a buggy store does.
	Panicking
	// FailingOwned returns ErrStore from Owned only, as a store whose
	// owner index is broken does; every other call works.
	FailingOwned
)

// FailingStore is a memory store whose calls fail, or panic, while its
// mode says so. It implements core.Patcher, core.Toucher and
// core.OwnerIndex, as the stores of the example apps do. Use
// NewFailingStore.
type FailingStore struct {
	mem  *core.MemoryStore
	mode atomic.Int32
}

// NewFailingStore returns a working FailingStore over a new memory store
// that t's cleanup closes.
func NewFailingStore(t testing.TB) *FailingStore {
	s := &FailingStore{mem: core.NewMemoryStore(core.MemoryStoreOptions{})}
	t.Cleanup(func() { s.mem.Close() })
	return s
}

// Set switches the store to mode m, for every call from now on.
func (s *FailingStore) Set(m Mode) { s.mode.Store(int32(m)) }

func (s *FailingStore) fail() error {
	switch Mode(s.mode.Load()) {
	case Failing:
		return ErrStore
	case Panicking:
		panic(ErrStore)
	}
	return nil
}

// Load loads through the memory store, unless the mode says otherwise.
func (s *FailingStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	if err := s.fail(); err != nil {
		return core.Record{}, false, err
	}
	return s.mem.Load(ctx, key)
}

// Save saves through the memory store, unless the mode says otherwise.
func (s *FailingStore) Save(ctx context.Context, key string, rec core.Record) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.mem.Save(ctx, key, rec)
}

// Delete deletes through the memory store, unless the mode says
// otherwise.
func (s *FailingStore) Delete(ctx context.Context, key string) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.mem.Delete(ctx, key)
}

// Patch patches through the memory store, unless the mode says otherwise.
func (s *FailingStore) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	if err := s.fail(); err != nil {
		return false, err
	}
	return s.mem.Patch(ctx, key, p)
}

// Touch touches through the memory store, unless the mode says otherwise.
func (s *FailingStore) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	if err := s.fail(); err != nil {
		return false, err
	}
	return s.mem.Touch(ctx, key, expiry)
}

// Owned lists an owner's sessions through the memory store, unless the
// mode says otherwise.
func (s *FailingStore) Owned(ctx context.Context, owner string) ([]core.OwnedRecord, error) {
	if Mode(s.mode.Load()) == FailingOwned {
		return nil, ErrStore
	}
	if err := s.fail(); err != nil {
		return nil, err
	}
	return s.mem.Owned(ctx, owner)
}
