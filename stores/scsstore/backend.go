package scsstore

import (
	"context"
	"errors"
	"time"
)

// The helpers below route each call to the scs store's Ctx method when it has
// one. The context is checked first either way, so a canceled context never
// reaches a backend that ignores it; plain stores are checked again after the
// call, since they cannot observe a deadline that passes while they run.

func (s *Store) find(ctx context.Context, token string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	if s.withCtx != nil {
		return s.withCtx.FindCtx(ctx, token)
	}
	b, found, err := s.plain.Find(token)
	if err == nil {
		err = ctx.Err()
	}
	return b, found, err
}

func (s *Store) commit(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.withCtx != nil {
		return s.withCtx.CommitCtx(ctx, token, b, expiry)
	}
	if err := s.plain.Commit(token, b, expiry); err != nil {
		return err
	}
	return ctx.Err()
}

func (s *Store) delete(ctx context.Context, token string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.withCtx != nil {
		return s.withCtx.DeleteCtx(ctx, token)
	}
	if err := s.plain.Delete(token); err != nil {
		return err
	}
	return ctx.Err()
}

// errNilBackend is what every call reports when New was given a nil store.
var errNilBackend = errors.New("nil scs store")

// nilBackend stands in for a nil scs store so that mistake surfaces as an
// error from each call instead of a panic.
type nilBackend struct{}

func (nilBackend) Find(string) ([]byte, bool, error)      { return nil, false, errNilBackend }
func (nilBackend) Commit(string, []byte, time.Time) error { return errNilBackend }
func (nilBackend) Delete(string) error                    { return errNilBackend }
func (nilBackend) All() (map[string][]byte, error)        { return nil, errNilBackend }
