package adaptertest

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// StoreFailureText is the text of the errors a failing Store returns. It
// must never reach a client.
const StoreFailureText = "adaptertest: store detail that must stay private"

// ErrStoreDown is the error a failing Store returns.
var ErrStoreDown = errors.New(StoreFailureText)

// Op is a set of Store methods, for FailOn.
type Op uint8

// The Store methods.
const (
	OpLoad Op = 1 << iota
	OpSave
	OpDelete
	OpPatch
	OpTouch
	OpOwned

	// OpAll is every method.
	OpAll = OpLoad | OpSave | OpDelete | OpPatch | OpTouch | OpOwned
)

// Store is a real core.Store (and Patcher, Toucher and OwnerIndex) backed by a
// core.MemoryStore. It counts every call it receives and, for the methods
// set to fail, returns ErrStoreDown instead of delegating.
type Store struct {
	mem     *core.MemoryStore
	calls   atomic.Int64
	failing atomic.Uint32 // an Op
}

// NewStore returns an empty Store. Its memory store runs no sweeper, so it
// starts no goroutine.
func NewStore() *Store {
	return &Store{mem: core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})}
}

// Calls reports how many calls the store has received since it was created
// or last Reset.
func (s *Store) Calls() int64 { return s.calls.Load() }

// Reset sets the call count to zero.
func (s *Store) Reset() { s.calls.Store(0) }

// SetFailing makes every later call fail (true) or succeed again (false).
func (s *Store) SetFailing(fail bool) {
	if fail {
		s.FailOn(OpAll)
	} else {
		s.FailOn(0)
	}
}

// FailOn makes later calls of exactly the methods in ops fail, and those
// of every other method succeed: FailOn(OpDelete) lets a session load and
// save but not be deleted, and FailOn(0) ends every failure.
func (s *Store) FailOn(ops Op) { s.failing.Store(uint32(ops)) }

// Len reports how many live records the store holds.
func (s *Store) Len() int {
	n, _ := s.mem.Count(context.Background())
	return n
}

func (s *Store) enter(op Op) error {
	s.calls.Add(1)
	if Op(s.failing.Load())&op != 0 {
		return ErrStoreDown
	}
	return nil
}

// Load implements core.Store.
func (s *Store) Load(ctx context.Context, key string) (core.Record, bool, error) {
	if err := s.enter(OpLoad); err != nil {
		return core.Record{}, false, err
	}
	return s.mem.Load(ctx, key)
}

// Save implements core.Store.
func (s *Store) Save(ctx context.Context, key string, rec core.Record) error {
	if err := s.enter(OpSave); err != nil {
		return err
	}
	return s.mem.Save(ctx, key, rec)
}

// Delete implements core.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.enter(OpDelete); err != nil {
		return err
	}
	return s.mem.Delete(ctx, key)
}

// Patch implements core.Patcher.
func (s *Store) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	if err := s.enter(OpPatch); err != nil {
		return false, err
	}
	return s.mem.Patch(ctx, key, p)
}

// Touch implements core.Toucher.
func (s *Store) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	if err := s.enter(OpTouch); err != nil {
		return false, err
	}
	return s.mem.Touch(ctx, key, expiry)
}

// Owned implements core.OwnerIndex.
func (s *Store) Owned(ctx context.Context, owner string) ([]core.OwnedRecord, error) {
	if err := s.enter(OpOwned); err != nil {
		return nil, err
	}
	return any(s.mem).(core.OwnerIndex).Owned(ctx, owner)
}
