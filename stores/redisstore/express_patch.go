package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/expressrec"
)

// Patch implements core.Patcher with a compare-and-set (see the package
// doc's "Sharing sessions with Express"): it rewrites the document with
// p's values set and deleted, every other member byte for byte as it
// was, and SETs it with PXAT the record's new expiry: as Express's save
// computes it, now plus the maxAge of the record's own cookie member,
// which is refreshed with that expires (see expressrec.Patch), or
// p.Expiry for a record without one (exact to the millisecond; no TTL
// for a zero Expiry). An owned record's Owner.Seen moves to the time of the
// call; an unowned one gains no owner member. found is false, and nothing
// is written, when the key is absent or p.Expiry has passed. A write
// from Express between the read and the EXEC makes Patch read again, so
// the write is never lost; after casAttempts such rounds Patch returns an
// error saying the session is under write contention.
func (s *ExpressStore) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("redisstore: express: patch: %w", err)
	}
	if expired(p.Expiry, time.Now()) {
		return false, nil
	}
	found, err := s.cas(ctx, key, func(doc []byte) (casWrite, error) {
		out, expiry, err := expressrec.Patch(doc, p, time.Now())
		return casWrite{found: true, doc: out, expiry: expiry}, err
	})
	if err != nil {
		return false, fmt.Errorf("redisstore: express: patch: %w", err)
	}
	return found, nil
}

// Touch implements core.Toucher with a compare-and-set: for an unowned
// record it moves only the TTL (PEXPIREAT, to now plus the record's own
// cookie maxAge as Express's touch computes it, or to expiry for a record
// without one, exact to the millisecond, or
// PERSIST for a zero expiry) and leaves the document as it is; for an
// owned one it rewrites the document with Owner.Seen moved to the time of
// the call (SET … PXAT). Either way the write commits only if the key is
// unchanged since it was read, so a concurrent write is never lost.
// found is false, and nothing is written, when the key is absent or
// expiry has passed: Touch never creates or revives a record. Contention
// ends it as it ends Patch.
func (s *ExpressStore) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("redisstore: express: touch: %w", err)
	}
	if expired(expiry, time.Now()) {
		return false, nil
	}
	found, err := s.cas(ctx, key, func(doc []byte) (casWrite, error) {
		out, changed, next, err := expressrec.Touch(doc, time.Now(), expiry)
		w := casWrite{found: true, expiry: next}
		if changed {
			w.doc = out
		}
		return w, err
	})
	if err != nil {
		return false, fmt.Errorf("redisstore: express: touch: %w", err)
	}
	return found, nil
}

// Pop implements core.Popper with a compare-and-set: it removes the
// member name from the document and SETs the rest with KEEPTTL, so the
// expiry does not move, and returns the member's exact bytes. Of
// concurrent pops of one value exactly one gets it. found is false, and
// nothing is written, when the key or the member is absent. A pop that
// removes a value moves an owned record's Owner.Seen. Contention ends it
// as it ends Patch.
func (s *ExpressStore) Pop(ctx context.Context, key, name string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("redisstore: express: pop: %w", err)
	}
	var value []byte
	found, err := s.cas(ctx, key, func(doc []byte) (casWrite, error) {
		out, v, found, err := expressrec.Pop(doc, name, time.Now())
		value = v
		if !found {
			return casWrite{}, err
		}
		return casWrite{found: true, doc: out, keepTTL: true}, err
	})
	if err != nil {
		return nil, false, fmt.Errorf("redisstore: express: pop: %w", err)
	}
	if !found {
		return nil, false, nil
	}
	return value, true, nil
}
