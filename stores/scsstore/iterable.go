package scsstore

import (
	"context"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/sessionkit/sessionkit/core"
)

// IterableBackend is an scs store that can list its sessions, such as
// memstore, mysqlstore, pgxstore or redisstore.
type IterableBackend interface {
	scs.Store
	scs.IterableStore
}

// IterableStore is a Store that also implements core.Iterator, for admin
// pages and metrics. Both Range and Count fetch every live session from the
// scs store in one call (its All method) and decode each blob, so they cost
// memory and time proportional to the number of sessions.
type IterableStore struct {
	*Store
	all    scs.IterableStore
	allCtx scs.IterableCtxStore // nil unless the backend implements it
}

// NewIterable returns an IterableStore that keeps its records in s. It
// behaves as New(s) does and, if s implements scs.IterableCtxStore, lists
// sessions with AllCtx so the context reaches the backend.
func NewIterable(s IterableBackend) *IterableStore {
	if s == nil {
		s = nilBackend{}
	}
	it := &IterableStore{Store: New(s), all: s}
	it.allCtx, _ = s.(scs.IterableCtxStore)
	return it
}

// Range implements core.Iterator. Expired records are skipped, and a blob
// that is not a record stops the iteration with an error wrapping
// core.ErrBadRecord.
func (s *IterableStore) Range(ctx context.Context, fn func(key string, rec core.Record) bool) error {
	if err := s.each(ctx, fn); err != nil {
		return fmt.Errorf("scsstore: range: %w", err)
	}
	return nil
}

// Count implements core.Iterator. It counts the records Range would visit,
// so it fails the same way on a blob that is not a record.
func (s *IterableStore) Count(ctx context.Context) (int, error) {
	n := 0
	if err := s.each(ctx, func(string, core.Record) bool { n++; return true }); err != nil {
		return 0, fmt.Errorf("scsstore: count: %w", err)
	}
	return n, nil
}

func (s *IterableStore) each(ctx context.Context, fn func(key string, rec core.Record) bool) error {
	blobs, err := s.list(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	for key, b := range blobs {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := core.DecodeRecord(b)
		if err != nil {
			return err
		}
		if expired(rec, now) {
			continue
		}
		if !fn(key, rec) {
			return nil
		}
	}
	return nil
}

func (s *IterableStore) list(ctx context.Context) (map[string][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.allCtx != nil {
		return s.allCtx.AllCtx(ctx)
	}
	m, err := s.all.All()
	if err == nil {
		err = ctx.Err()
	}
	return m, err
}
