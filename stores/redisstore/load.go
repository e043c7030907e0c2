package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
)

// Load implements core.Store in one round trip (two the first time a Redis
// server runs the script). A record whose expiry has passed, by Redis's
// clock or the application's, is reported as not found.
func (s *Store) Load(ctx context.Context, key string) (core.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return core.Record{}, false, fmt.Errorf("redisstore: load: %w", err)
	}
	rec, found, err := decodeReply(loadScript.Run(ctx, s.client, []string{s.redisKey(key)}).Result())
	if err != nil {
		return core.Record{}, false, fmt.Errorf("redisstore: load: %w", err)
	}
	return rec, found, nil
}

// decodeReply interprets one reply of loadScript.
func decodeReply(res any, err error) (core.Record, bool, error) {
	if errors.Is(err, redis.Nil) {
		return core.Record{}, false, nil
	}
	if err != nil {
		return core.Record{}, false, err
	}
	rec, err := decodeLoad(res)
	if err != nil {
		return core.Record{}, false, err
	}
	if expired(rec.Expiry, time.Now()) {
		return core.Record{}, false, nil
	}
	return rec, true, nil
}

// decodeLoad turns loadScript's {PEXPIRETIME, HGETALL} reply into a
// Record, with its Owner. Fields outside the layout are ignored.
func decodeLoad(res any) (core.Record, error) {
	parts, ok := res.([]any)
	if !ok || len(parts) != 2 {
		return core.Record{}, fmt.Errorf("unexpected reply %T", res)
	}
	ms, ok := parts[0].(int64)
	if !ok {
		return core.Record{}, fmt.Errorf("unexpected expiry %T", parts[0])
	}
	fields, ok := parts[1].([]any)
	if !ok || len(fields)%2 != 0 {
		return core.Record{}, fmt.Errorf("unexpected fields %T", parts[1])
	}
	rec := core.Record{Values: make(map[string][]byte, len(fields)/2)}
	if ms > 0 { // -1: no TTL
		rec.Expiry = time.UnixMilli(ms)
	}
	var owner [len(ownerFields)]string
	for i := 0; i < len(fields); i += 2 {
		f, ok1 := fields[i].(string)
		v, ok2 := fields[i+1].(string)
		if !ok1 || !ok2 {
			return core.Record{}, fmt.Errorf("unexpected field %T=%T", fields[i], fields[i+1])
		}
		if k, ok := strings.CutPrefix(f, valuePrefix); ok {
			rec.Values[k] = []byte(v)
		} else if j, ok := ownerFieldIndex[f]; ok {
			owner[j] = v
		}
	}
	var err error
	if rec.Owner, err = decodeOwner(owner); err != nil {
		return core.Record{}, err
	}
	return rec, nil
}
