package pgstore

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/expressrec"
)

// edit computes the sess text to write from the one stored, and the
// row's new expiry (an expireArg, or nil to keep it). write false means
// there is nothing to write; a result equal to doc writes only the
// expiry.
type edit func(doc []byte) (next []byte, expire any, write bool, err error)

// update applies fn to the live row sid: first optimistically, reading
// the row and writing with one UPDATE that matches only while sess still
// holds the text read; if another writer got there in between, then
// under the row's lock (SELECT … FOR UPDATE, and the same UPDATE, in one
// transaction), which other writers, Express's upserts included, wait
// for. So a call makes at most two attempts and never fails for
// contention, however many requests write one session at once. found is
// false, and nothing is written, when the row is absent or expired.
//
// Nothing another writer commits is lost: each write applies fn to the
// text it replaces.
func (s *ExpressStore) update(ctx context.Context, sid string, fn edit) (found bool, err error) {
	sess, _, found, err := s.read(ctx, sid)
	if err != nil || !found {
		return false, err
	}
	text, expire, write, err := applyEdit(sess, fn)
	if err != nil || !write {
		return true, err
	}
	if s.beforeCAS != nil {
		s.beforeCAS()
	}
	tag, err := s.pool.Exec(ctx, s.q.cas, sid, sess, text, expire)
	switch {
	case err == nil && tag.RowsAffected() == 1:
		return true, nil
	case err != nil && !serializationFailure(err):
		return false, err
	}
	// Lost the race: to another writer, or, under a repeatable read or
	// serializable default_transaction_isolation, to its snapshot.
	return s.updateLocked(ctx, sid, fn)
}

// serializationFailure reports whether err is SQLSTATE 40001, what an
// UPDATE racing another writer raises above read committed.
func serializationFailure(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "40001"
}

// updateLocked applies fn to the live row sid while holding its lock, in
// a read committed transaction whatever the connection's default, so
// that the locking read sees the latest committed text.
func (s *ExpressStore) updateLocked(ctx context.Context, sid string, fn edit) (found bool, err error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return false, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	var sess string
	err = tx.QueryRow(ctx, s.q.lock, sid).Scan(&sess)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	text, expire, write, err := applyEdit(sess, fn)
	if err != nil || !write {
		return true, err
	}
	if _, err := tx.Exec(ctx, s.q.cas, sid, sess, text, expire); err != nil {
		return false, err
	}
	return true, tx.Commit(ctx)
}

// applyEdit applies fn to the document the row's sess text holds, and
// returns the sess text to write: nil, for NULL, when fn left the document
// as it was, so that only the expiry is written.
func applyEdit(sess string, fn edit) (text, expire any, write bool, err error) {
	doc, err := unpack([]byte(sess))
	if err != nil {
		return nil, nil, false, err
	}
	next, expire, write, err := fn(doc)
	if err != nil || !write || bytes.Equal(next, doc) {
		return nil, expire, write, err
	}
	text, err = sessText(next)
	return text, expire, true, err
}

// Patch implements core.Patcher by compare-and-set (see the package
// documentation): it applies p.Set and p.Delete to sess, leaving every
// other member byte for byte as it was, moves the expiry, and sets the
// owner's Seen to the time of the call. Usually one SELECT and one UPDATE.
// found is false, and nothing is written, when the row is absent or
// expired.
func (s *ExpressStore) Patch(ctx context.Context, sid string, p core.Patch) (bool, error) {
	now := time.Now()
	if !p.Expiry.IsZero() && !p.Expiry.After(now) {
		return false, nil // never revives a record, nor writes an expired one
	}
	found, err := s.update(ctx, sid, func(doc []byte) ([]byte, any, bool, error) {
		next, expiry, err := expressrec.Patch(doc, p, now)
		return next, expireArg(expiry), true, err
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
	if !expiry.IsZero() && !expiry.After(now) {
		return false, nil
	}
	found, err := s.update(ctx, sid, func(doc []byte) ([]byte, any, bool, error) {
		next, _, expiry, err := expressrec.Touch(doc, now, expiry)
		return next, expireArg(expiry), true, err
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
	found, err := s.update(ctx, sid, func(doc []byte) (next []byte, expire any, write bool, err error) {
		next, value, has, err = expressrec.Pop(doc, name, now)
		return next, nil, has, err
	})
	if err != nil {
		return nil, false, expressErr("pop", err)
	}
	if !found || !has {
		return nil, false, nil
	}
	return value, true, nil
}
