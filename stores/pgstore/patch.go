package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// Patch implements core.Patcher with one UPDATE that merges p.Set, each
// value encoded as Save encodes it, into the jsonb object, removes p.Delete
// and moves the expiry; an owned row's Seen becomes the time of the call,
// in the same statement. The row lock makes concurrent patches of one
// record apply one after the other, each on the other's result, so none is
// lost. An absent or expired row is left alone
// and found is false.
func (s *Store) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	set, err := encodeValues(p.Set)
	if err != nil {
		return false, fmt.Errorf("pgstore: patch: %w", err)
	}
	del := p.Delete
	if del == nil {
		del = []string{} // a NULL array would make the whole object NULL
	}
	tag, err := s.pool.Exec(ctx, s.q.patch, key, set, del, timestamp(p.Expiry), time.Now())
	if err != nil {
		return false, fmt.Errorf("pgstore: patch: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// Touch implements core.Toucher with one UPDATE of the expiry column and,
// for an owned row, of the seen column to the time of the call; the data
// is not rewritten. An absent or expired row is left alone and found is
// false.
func (s *Store) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, s.q.touch, key, timestamp(expiry), time.Now())
	if err != nil {
		return false, fmt.Errorf("pgstore: touch: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}
