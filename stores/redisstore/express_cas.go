package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"
)

// casAttempts bounds the compare-and-set attempts of one Patch, Touch or
// Pop: each attempt fails only because another client wrote the key
// between its GET and its EXEC, so running out means the session is
// rewritten faster than a round trip, over and over.
const casAttempts = 64

// The backoff before each retry is random, below casBackoffBase doubled
// per failed attempt and at most casBackoffCap, so racing writers spread
// out rather than collide again. The worst case, every attempt failing,
// waits about casAttempts*casBackoffCap/2 in all (under a second).
const (
	casBackoffBase = 100 * time.Microsecond
	casBackoffCap  = 25 * time.Millisecond
)

// errContention is returned when every attempt of a compare-and-set found
// the key rewritten before its EXEC.
var errContention = fmt.Errorf("session under write contention: it changed during each of %d compare-and-set attempts", casAttempts)

// casWrite is what a compare-and-set writes, decided from the document it
// read.
type casWrite struct {
	found   bool      // what the call reports; false writes nothing
	doc     []byte    // the new document, or nil to keep the one read
	keepTTL bool      // leave the TTL as it is, rather than set it to expiry
	expiry  time.Time // the record's new expiry; zero for no TTL
}

// cas reads the document under key with the key WATCHed, passes it to
// decide, and commits the write decide returns in MULTI/EXEC, which
// Redis refuses if any client wrote the key since the WATCH; then cas
// tries again, after a backoff, up to casAttempts times. It reports the
// write's found, false for an absent key, for which decide is not called.
// decide may run once per attempt.
func (s *ExpressStore) cas(ctx context.Context, key string, decide func(doc []byte) (casWrite, error)) (bool, error) {
	rkey := s.base.redisKey(key)
	for attempt := range casAttempts {
		if attempt > 0 {
			if err := pause(ctx, casBackoff(attempt)); err != nil {
				return false, err
			}
		}
		var found bool
		err := s.base.client.Watch(ctx, func(tx *redis.Tx) error {
			found = false // a cluster client may run this again after a redirect
			doc, err := tx.Get(ctx, rkey).Bytes()
			if errors.Is(err, redis.Nil) {
				return nil
			}
			if err != nil {
				return err
			}
			w, err := decide(doc)
			if err != nil {
				return err
			}
			found, err = commit(ctx, tx, rkey, w)
			return err
		}, rkey)
		if !errors.Is(err, redis.TxFailedErr) {
			return found && err == nil, err
		}
	}
	return false, errContention
}

// commit queues w's commands on key in one MULTI/EXEC and reports w's
// found, or false, with nothing written, when w's expiry has passed by
// the clock just before the EXEC is sent. Expiries are absolute (PXAT,
// PEXPIREAT).
func commit(ctx context.Context, tx *redis.Tx, key string, w casWrite) (bool, error) {
	if !w.found || w.doc == nil && w.keepTTL {
		return w.found, nil
	}
	if !w.keepTTL && !live(w.expiry, time.Now()) {
		return false, nil
	}
	_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
		switch {
		case w.doc != nil && w.keepTTL:
			p.Set(ctx, key, w.doc, redis.KeepTTL)
		case w.doc != nil:
			setDoc(ctx, p, key, w.doc, w.expiry)
		case w.expiry.IsZero():
			p.Persist(ctx, key)
		default:
			p.PExpireAt(ctx, key, time.UnixMilli(expiryMillis(w.expiry)))
		}
		return nil
	})
	return err == nil, err
}

// casBackoff returns the random wait before retry attempt (from 1).
func casBackoff(attempt int) time.Duration {
	return rand.N(min(casBackoffCap, casBackoffBase<<min(attempt, 16)))
}

// pause waits d, or until ctx is done.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
