package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// Load implements core.Store with one plain HGETALL: the hash carries its
// own expiry (expiryField), so no script and no second command is needed.
// A hash without the marker is no record, and one whose expiry has
// passed by the application's clock is reported as not found even while
// Redis, whose clock may lag, still holds it.
//
// Only a record without a current expiry field, one saved by a version
// of this package older than layout "2" and not written since, or one
// whose field says it has expired, costs a second round trip, PEXPIRETIME,
// to read the TTL Redis holds: an older version's Patch or Touch moves
// the TTL but not the field, so during a rolling deploy the TTL is the
// truth.
func (s *Store) Load(ctx context.Context, key string) (core.Record, bool, error) {
	return s.load(ctx, key, time.Now())
}

// load is Load with the application's clock reading now.
func (s *Store) load(ctx context.Context, key string, now time.Time) (core.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return core.Record{}, false, fmt.Errorf("redisstore: load: %w", err)
	}
	rk := s.redisKey(key)
	fields, err := s.client.HGetAll(ctx, rk).Result()
	if err != nil {
		return core.Record{}, false, fmt.Errorf("redisstore: load: %w", err)
	}
	rec, state, err := decodeHash(fields, now)
	if err != nil {
		return core.Record{}, false, fmt.Errorf("redisstore: load: %w", err)
	}
	if state == ttlUnknown {
		at, err := s.client.Do(ctx, "pexpiretime", rk).Int64()
		if err != nil {
			return core.Record{}, false, fmt.Errorf("redisstore: load: %w", err)
		}
		state = rec.withTTL(at, now)
	}
	return rec.Record, state == alive, nil
}

// liveness is what a hash read says about its record.
type liveness int

const (
	absent     liveness = iota // no record, or one expired by the application's clock
	alive                      // a record whose expiry has not passed
	ttlUnknown                 // a record whose expiry only the key's TTL knows
	stale                      // a record expired by the application's clock that Redis still holds
)

// loaded is a decoded record, before its liveness is settled.
type loaded struct{ core.Record }

// withTTL settles the liveness of a ttlUnknown record from at, the key's
// PEXPIRETIME read after the hash (-2: gone since, -1: no TTL), and sets
// its Expiry to match.
func (r *loaded) withTTL(at int64, now time.Time) liveness {
	switch {
	case at == -2:
		return absent
	case at < 0:
		r.Expiry = time.Time{}
		return alive
	}
	r.Expiry = time.UnixMilli(at)
	if expired(r.Expiry, now) {
		return absent
	}
	return alive
}

// decodeHash turns a session's fields, as HGETALL returns them, into a
// Record with its Owner, and says whether it is live by the application's
// clock now. Fields outside the layout are ignored; "o:s" without "o:id"
// (written by every Patch and Touch, owned or not) reads as no owner.
func decodeHash(fields map[string]string, now time.Time) (loaded, liveness, error) {
	if _, ok := fields[markerField]; !ok {
		// Missing, or the leftover of a Patch or Touch of a missing key.
		return loaded{}, absent, nil
	}
	state := ttlUnknown
	var expiry time.Time
	if e, ok := fields[expiryField]; ok {
		ms, err := strconv.ParseInt(e, 10, 64)
		switch {
		case err != nil:
			// Not ours to interpret; the TTL decides.
		case ms == 0:
			state = alive
		case !expired(time.UnixMilli(ms), now):
			state, expiry = alive, time.UnixMilli(ms)
		}
	}
	rec := loaded{core.Record{Values: make(map[string][]byte, len(fields)), Expiry: expiry}}
	var owner [len(ownerFields)]string
	for f, v := range fields {
		if k, ok := strings.CutPrefix(f, valuePrefix); ok {
			rec.Values[k] = []byte(v)
		} else if j, ok := ownerFieldIndex[f]; ok {
			owner[j] = v
		}
	}
	var err error
	if rec.Owner, err = decodeOwner(owner); err != nil {
		return loaded{}, absent, err
	}
	return rec, state, nil
}
