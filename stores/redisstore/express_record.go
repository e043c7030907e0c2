package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/expressrec"
)

// Load implements core.Store in one round trip: GET and PTTL of the key in
// one MULTI/EXEC, so the document and its expiry are read at one instant.
// The record's Expiry is the time of the call plus the PTTL, or zero for
// a key without a TTL. A document that is not a JSON object is an error
// wrapping core.ErrBadRecord; a malformed owner member reads as no owner.
func (s *ExpressStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return core.Record{}, false, fmt.Errorf("redisstore: express: load: %w", err)
	}
	rkey := s.base.redisKey(key)
	var (
		get  *redis.StringCmd
		pttl *redis.DurationCmd
	)
	now := time.Now()
	// Exec's error repeats the first failed command's, redis.Nil for an
	// absent key included; expressRecord reads each command's own.
	_, err := s.base.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		get, pttl = p.Get(ctx, rkey), p.PTTL(ctx, rkey)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return core.Record{}, false, fmt.Errorf("redisstore: express: load: %w", err)
	}
	rec, found, err := expressRecord(get, pttl, now)
	if err != nil {
		return core.Record{}, false, fmt.Errorf("redisstore: express: load: %w", err)
	}
	return rec, found, nil
}

// expressRecord turns the replies of GET and PTTL on one key, sent at now,
// into a record. found is false when the key is absent, or was gone by
// the PTTL.
func expressRecord(get *redis.StringCmd, pttl *redis.DurationCmd, now time.Time) (core.Record, bool, error) {
	doc, err := get.Bytes()
	if errors.Is(err, redis.Nil) {
		return core.Record{}, false, nil
	}
	if err != nil {
		return core.Record{}, false, err
	}
	ttl, err := pttl.Result()
	if err != nil {
		return core.Record{}, false, err
	}
	if ttl == -2 { // PTTL's "no such key", unscaled by go-redis
		return core.Record{}, false, nil
	}
	rec, err := expressrec.Decode(doc)
	if err != nil {
		return core.Record{}, false, err
	}
	if ttl >= 0 { // -1: no TTL; 0: its last millisecond
		rec.Expiry = now.Add(ttl)
	}
	return rec, true, nil
}

// Save implements core.Store with one command: SET of the document with
// PXAT, the exact expiry to the millisecond (rounded up), or without a TTL
// for a zero Expiry. A record whose expiry has passed is not stored, and
// the key is deleted instead. The owner goes in the "sessionkitOwner"
// member; a value of that name is refused with core.ErrBadRecord.
func (s *ExpressStore) Save(ctx context.Context, key string, rec core.Record) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisstore: express: save: %w", err)
	}
	if !live(rec.Expiry, time.Now()) {
		if err := s.base.client.Del(ctx, s.base.redisKey(key)).Err(); err != nil {
			return fmt.Errorf("redisstore: express: save: %w", err)
		}
		return nil
	}
	doc, err := expressrec.Encode(rec)
	if err != nil {
		return fmt.Errorf("redisstore: express: save: %w", err)
	}
	if err := setDoc(ctx, s.base.client, s.base.redisKey(key), doc, rec.Expiry).Err(); err != nil {
		return fmt.Errorf("redisstore: express: save: %w", err)
	}
	return nil
}

// Delete implements core.Store with one DEL, as connect-redis's destroy
// does. An absent key is not an error.
func (s *ExpressStore) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisstore: express: delete: %w", err)
	}
	if err := s.base.client.Del(ctx, s.base.redisKey(key)).Err(); err != nil {
		return fmt.Errorf("redisstore: express: delete: %w", err)
	}
	return nil
}
