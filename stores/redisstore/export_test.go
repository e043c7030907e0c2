package redisstore

import (
	"context"
	"time"
)

// PopAt is Pop with the application's clock reading now, so tests can put
// that clock ahead of Redis's.
func (s *Store) PopAt(ctx context.Context, key, name string, now time.Time) ([]byte, bool, error) {
	return s.pop(ctx, key, name, now)
}

// GlobEscape quotes the characters SCAN's MATCH treats specially.
var GlobEscape = globEscape

// ErrExpressContention is the error an ExpressStore's Patch, Touch and
// Pop wrap when every compare-and-set attempt found the key rewritten.
var ErrExpressContention = errContention

// ExpressCASAttempts bounds the compare-and-set attempts of one call.
const ExpressCASAttempts = casAttempts
