package redisstore

import (
	"context"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// PopAt is Pop with the application's clock reading now, so tests can put
// that clock ahead of Redis's.
func (s *Store) PopAt(ctx context.Context, key, name string, now time.Time) ([]byte, bool, error) {
	return s.pop(ctx, key, name, now)
}

// LoadAt is Load with the application's clock reading now.
func (s *Store) LoadAt(ctx context.Context, key string, now time.Time) (core.Record, bool, error) {
	return s.load(ctx, key, now)
}

// PatchAt is Patch with the application's clock reading now.
func (s *Store) PatchAt(ctx context.Context, key string, p core.Patch, now time.Time) (bool, error) {
	return s.patch(ctx, key, p, now)
}

// TouchAt is Touch with the application's clock reading now.
func (s *Store) TouchAt(ctx context.Context, key string, expiry, now time.Time) (bool, error) {
	return s.touch(ctx, key, expiry, now)
}

// GlobEscape quotes the characters SCAN's MATCH treats specially.
var GlobEscape = globEscape

// ErrExpressContention is the error an ExpressStore's Patch, Touch and
// Pop wrap when every compare-and-set attempt found the key rewritten.
var ErrExpressContention = errContention

// ExpressCASAttempts bounds the compare-and-set attempts of one call.
const ExpressCASAttempts = casAttempts
