package pgstore

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/expressrec"
)

// casAttempts bounds the compare-and-set attempts of one Patch, Touch or
// Pop. Each failed attempt means another write to the session committed
// in between, so reaching it takes 64 writes during one call.
const casAttempts = 64

// errContention is what a call returns after casAttempts attempts, each
// beaten by another writer.
var errContention = errors.New("the session is under write contention: every compare-and-set attempt found it changed by another writer")

// edit computes the sess text to write from the one stored. write false
// means there is nothing to write; a result equal to doc writes only the
// expiry.
type edit func(doc []byte) (next []byte, write bool, err error)

// update applies fn to the live row sid by compare-and-set, with expire
// (an expireArg, or nil to keep it) as the row's new expiry: it reads the
// row, computes the new text, and writes it with one UPDATE that matches
// only if sess still holds the text read. When the UPDATE matches nothing
// it reads again: a row gone or expired means found is false; a row
// changed by another writer is edited again, after a short random pause
// that spreads out writers colliding on one session. found is false, and
// nothing is written, when the row is absent or expired.
//
// Nothing another writer commits is lost: the write succeeds only on the
// text fn saw, so every change committed before it is in what fn edited.
func (s *ExpressStore) update(ctx context.Context, sid string, expire any, fn edit) (found bool, err error) {
	for attempt := range casAttempts {
		if attempt > 0 {
			if err := pause(ctx, attempt); err != nil {
				return false, err
			}
		}
		sess, _, found, err := s.read(ctx, sid)
		if err != nil || !found {
			return false, err
		}
		text, write, err := applyEdit(sess, fn)
		if err != nil || !write {
			return true, err
		}
		if s.beforeCAS != nil {
			s.beforeCAS()
		}
		tag, err := s.pool.Exec(ctx, s.q.cas, sid, sess, text, expire)
		if err != nil {
			return false, err
		}
		if tag.RowsAffected() == 1 {
			return true, nil
		}
	}
	return false, errContention
}

// applyEdit applies fn to the document the row's sess text holds, and
// returns the sess text to write: nil, for NULL, when fn left the document
// as it was, so that only the expiry is written.
func applyEdit(sess string, fn edit) (text any, write bool, err error) {
	doc, err := unpack([]byte(sess))
	if err != nil {
		return nil, false, err
	}
	next, write, err := fn(doc)
	if err != nil || !write || bytes.Equal(next, doc) {
		return nil, write, err
	}
	text, err = sessText(next)
	return text, true, err
}

// pause waits a random time of up to attempt milliseconds, at most 8, or
// until ctx is done.
func pause(ctx context.Context, attempt int) error {
	t := time.NewTimer(rand.N(time.Duration(min(attempt, 8)) * time.Millisecond))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Patch implements core.Patcher by compare-and-set (see the package
// documentation): it applies p.Set and p.Delete to sess, leaving every
// other member byte for byte as it was, moves the expiry, and sets the
// owner's Seen to the time of the call. Usually one SELECT and one UPDATE.
// found is false, and nothing is written, when the row is absent or
// expired.
func (s *ExpressStore) Patch(ctx context.Context, sid string, p core.Patch) (bool, error) {
	now := time.Now()
	found, err := s.update(ctx, sid, expireArg(p.Expiry), func(doc []byte) ([]byte, bool, error) {
		next, err := expressrec.Patch(doc, p, now)
		return next, true, err
	})
	if err != nil {
		return false, expressErr("patch", err)
	}
	return found, nil
}

// Touch implements core.Toucher by compare-and-set: it moves the expiry
// and, for an owned session, sets the owner's Seen to the time of the
// call; sess is rewritten only for that. Usually one SELECT and one
// UPDATE. found is false, and nothing is written, when the row is absent
// or expired.
//
// A touch of an unowned session rewrites only expire, but still matches
// the sess it read: a Save binding an owner in between makes it read again
// and set that owner's Seen too.
func (s *ExpressStore) Touch(ctx context.Context, sid string, expiry time.Time) (bool, error) {
	now := time.Now()
	found, err := s.update(ctx, sid, expireArg(expiry), func(doc []byte) ([]byte, bool, error) {
		next, _, err := expressrec.Touch(doc, now)
		return next, true, err
	})
	if err != nil {
		return false, expressErr("touch", err)
	}
	return found, nil
}

// Pop implements core.Popper by compare-and-set: it removes the member
// name from sess, leaving the rest and the expiry as they are, sets the
// owner's Seen to the time of the call, and returns the member's exact
// bytes. Of concurrent pops of one value exactly one finds it: the others'
// writes no longer match, and their second read lacks it. Usually one
// SELECT and one UPDATE; only the SELECT when the row is absent or expired
// or lacks the value, and then found is false.
func (s *ExpressStore) Pop(ctx context.Context, sid, name string) ([]byte, bool, error) {
	now := time.Now()
	var (
		value []byte
		has   bool
	)
	found, err := s.update(ctx, sid, nil, func(doc []byte) (next []byte, write bool, err error) {
		next, value, has, err = expressrec.Pop(doc, name, now)
		return next, has, err
	})
	if err != nil {
		return nil, false, expressErr("pop", err)
	}
	if !found || !has {
		return nil, false, nil
	}
	return value, true, nil
}
