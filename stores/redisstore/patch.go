package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
)

// Patch implements core.Patcher in one round trip, one MULTI/EXEC on the
// session's hash and no script: it sets p.Set's fields, deletes
// p.Delete's (sets first, so a key in both ends up deleted), writes the
// expiry field and moves the TTL. Redis applies a transaction whole, so
// concurrent patches to different keys of one session never lose each
// other's writes. An expiry already in the past deletes the session.
//
// The transaction also reads, before its writes and at the same instant,
// whether the record existed and was live by the application's clock. If
// it was not, Patch reports found false and, in a second round trip,
// deletes what the transaction wrote (see the package doc's "Patch and
// Touch of a missing session"), so it never creates or revives a record.
//
// The same transaction sets Owner.Seen ("o:s") to the time of the call,
// owned or not: readers ignore it in an unowned record.
func (s *Store) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	return s.patch(ctx, key, p, time.Now())
}

// patch is Patch with the application's clock reading now.
func (s *Store) patch(ctx context.Context, key string, p core.Patch, now time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("redisstore: patch: %w", err)
	}
	found, err := s.update(ctx, key, update{set: p.Set, del: p.Delete, expiry: p.Expiry}, now)
	if err != nil {
		return false, fmt.Errorf("redisstore: patch: %w", err)
	}
	return found, nil
}

// Touch implements core.Toucher as Patch does, with nothing to set or
// delete: one MULTI/EXEC that moves the expiry field and the TTL of a
// session that exists and has not expired by the application's clock,
// and sets its Owner.Seen. It never recreates a missing or expired
// session. A zero expiry removes the TTL; one already in the past deletes
// the session.
func (s *Store) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	return s.touch(ctx, key, expiry, time.Now())
}

// touch is Touch with the application's clock reading now.
func (s *Store) touch(ctx context.Context, key string, expiry time.Time, now time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("redisstore: touch: %w", err)
	}
	found, err := s.update(ctx, key, update{expiry: expiry}, now)
	if err != nil {
		return false, fmt.Errorf("redisstore: touch: %w", err)
	}
	return found, nil
}

// update is the change one Patch or Touch makes to a session.
type update struct {
	set    map[string][]byte
	del    []string
	expiry time.Time
}

// hsetChunk bounds the field/value pairs of one HSET or HDEL, so that a
// huge patch never becomes a command that Redis's or a proxy's limits on
// arguments refuse.
const hsetChunk = 1000

// update applies u to the session under key in one MULTI/EXEC, then, if
// the transaction's own reads show that there was no live record, takes
// its writes back (see undo). now is the application's clock.
func (s *Store) update(ctx context.Context, key string, u update, now time.Time) (bool, error) {
	rk := s.redisKey(key)
	exp := expiryArg(u.expiry)
	var (
		marker *redis.BoolCmd
		at     *redis.Cmd
	)
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		marker = p.HExists(ctx, rk, markerField)
		at = p.Do(ctx, "pexpiretime", rk)
		pairs := hashArgs(make([]any, 0, 4+2*len(u.set)), u.set)
		pairs = append(pairs, expiryField, exp, ownerSeenField, msArg(now))
		for i := 0; i < len(pairs); i += 2 * hsetChunk {
			p.HSet(ctx, rk, pairs[i:min(i+2*hsetChunk, len(pairs))]...)
		}
		for i := 0; i < len(u.del); i += hsetChunk {
			p.HDel(ctx, rk, valueFields(u.del[i:min(i+hsetChunk, len(u.del))])...)
		}
		if u.expiry.IsZero() {
			p.Persist(ctx, rk)
		} else {
			p.Do(ctx, "pexpireat", rk, exp)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	prior := preState(marker.Val(), at.Val(), now)
	if prior == alive {
		return true, nil
	}
	if err := s.undo(ctx, rk, prior, exp); err != nil {
		return false, fmt.Errorf("taking back a write to a missing session: %w", err)
	}
	return false, nil
}

// preState judges the record a transaction found: whether it had the
// marker, and its PEXPIRETIME at (-2: no key, -1: no TTL), by the
// application's clock now.
func preState(marker bool, at any, now time.Time) liveness {
	ms, _ := at.(int64)
	switch {
	case !marker || ms == -2:
		return absent
	case ms == -1 || !expired(time.UnixMilli(ms), now):
		return alive
	}
	return stale
}

// valueFields returns the hash fields of the value keys.
func valueFields(keys []string) []string {
	fields := make([]string, len(keys))
	for i, k := range keys {
		fields[i] = valuePrefix + k
	}
	return fields
}

// undo takes back the writes of a Patch or Touch that found no live
// record under the Redis key rk: prior says what it found, exp is the
// expiry it wrote (as expiryArg). For a missing record it deletes the key
// if it still has no marker, so the marker-less leftover goes and a
// record a Save has written since stays. For one expired by the
// application's clock it deletes the key if its expiry field is still
// exp: the record was dead, and a Save since has written its own expiry.
// Like a Save's rollback it runs on a context of its own, so that the
// caller's ending does not leave a write it must take back, and is tried
// twice.
func (s *Store) undo(ctx context.Context, rk string, prior liveness, exp string) error {
	mode := "absent"
	if prior == stale {
		mode = "expired"
	}
	var err error
	for range 2 {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		err = undoScript.Run(uctx, s.client, []string{rk}, mode, exp).Err()
		cancel()
		if err == nil {
			return nil
		}
	}
	return err
}
