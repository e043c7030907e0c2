package bench

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/sessionkit/sessionkit/core"
)

// OpCounter counts the store calls of one subject from the outside, by
// wrapping its store: reads (sessionkit's Load, scs's Find) and writes
// (everything else that reaches the backend: Save, Patch, Touch, Pop and
// Delete; scs's Commit and Delete). Range, Count and Cleanup are not
// counted: no request makes them. It is safe for concurrent use.
type OpCounter struct {
	reads, writes atomic.Int64
}

// Reads returns the number of store reads so far.
func (c *OpCounter) Reads() int64 { return c.reads.Load() }

// Writes returns the number of store writes so far.
func (c *OpCounter) Writes() int64 { return c.writes.Load() }

// Total returns Reads plus Writes.
func (c *OpCounter) Total() int64 { return c.Reads() + c.Writes() }

// Reset sets both counts to zero.
func (c *OpCounter) Reset() {
	c.reads.Store(0)
	c.writes.Store(0)
}

// Store wraps a sessionkit store so that c counts its calls. The wrapper
// is built on core.WrapStore, so the manager sees exactly the capabilities
// of next (an atomic Patch stays a Patch).
func (c *OpCounter) Store(next core.Store) core.Store {
	return countedStore{core.WrapStore(next), c}
}

type countedStore struct {
	core.StoreWrapper
	c *OpCounter
}

func (s countedStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	s.c.reads.Add(1)
	return s.StoreWrapper.Load(ctx, key)
}

func (s countedStore) Save(ctx context.Context, key string, rec core.Record) error {
	s.c.writes.Add(1)
	return s.StoreWrapper.Save(ctx, key, rec)
}

func (s countedStore) Delete(ctx context.Context, key string) error {
	s.c.writes.Add(1)
	return s.StoreWrapper.Delete(ctx, key)
}

func (s countedStore) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	s.c.writes.Add(1)
	return s.StoreWrapper.Patch(ctx, key, p)
}

func (s countedStore) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	s.c.writes.Add(1)
	return s.StoreWrapper.Touch(ctx, key, expiry)
}

func (s countedStore) Pop(ctx context.Context, key, name string) ([]byte, bool, error) {
	s.c.writes.Add(1)
	return s.StoreWrapper.Pop(ctx, key, name)
}

// SCSStore wraps an scs store so that c counts its calls. The wrapper is
// an scs.CtxStore, and passes the request context on to next when next is
// one too (as goredisstore is), so scs calls it exactly as it would call
// next.
func (c *OpCounter) SCSStore(next scs.Store) scs.Store {
	cs, _ := next.(scs.CtxStore)
	return &countedSCS{next: next, ctxNext: cs, c: c}
}

type countedSCS struct {
	next    scs.Store
	ctxNext scs.CtxStore // nil when next takes no context
	c       *OpCounter
}

func (s *countedSCS) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s *countedSCS) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

func (s *countedSCS) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

func (s *countedSCS) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	s.c.reads.Add(1)
	if s.ctxNext != nil {
		return s.ctxNext.FindCtx(ctx, token)
	}
	return s.next.Find(token)
}

func (s *countedSCS) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	s.c.writes.Add(1)
	if s.ctxNext != nil {
		return s.ctxNext.CommitCtx(ctx, token, b, expiry)
	}
	return s.next.Commit(token, b, expiry)
}

func (s *countedSCS) DeleteCtx(ctx context.Context, token string) error {
	s.c.writes.Add(1)
	if s.ctxNext != nil {
		return s.ctxNext.DeleteCtx(ctx, token)
	}
	return s.next.Delete(token)
}
