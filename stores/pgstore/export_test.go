package pgstore

import (
	"context"
	"time"
)

// PopAt is Pop with the application's clock reading now, so tests can put
// that clock past a row's expiry.
func (s *Store) PopAt(ctx context.Context, key, name string, now time.Time) ([]byte, bool, error) {
	return s.pop(ctx, key, name, now)
}

// OwnedQuery is the statement Owned runs, for tests that EXPLAIN it.
func (s *Store) OwnedQuery() string { return s.q.owned }

// SetLockTimeout sets how long s's CreateTable waits for a schema
// change's lock.
func (s *Store) SetLockTimeout(d time.Duration) { s.lockTimeout = d }

// LockID is the advisory lock key CreateTable takes.
func (s *Store) LockID() int64 { return s.lockID() }

// SetBeforeCAS makes s call fn between the read and the write of each
// compare-and-set attempt, so a test can change the row in between.
func (s *ExpressStore) SetBeforeCAS(fn func()) { s.beforeCAS = fn }
