package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// Save implements core.Store: it replaces the whole hash and sets its TTL
// in one atomic script. A record whose expiry has already passed is not
// stored, and any record under key is deleted.
func (s *Store) Save(ctx context.Context, key string, rec core.Record) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisstore: save: %w", err)
	}
	if expired(rec.Expiry, time.Now()) {
		if err := s.client.Del(ctx, s.redisKey(key)).Err(); err != nil {
			return fmt.Errorf("redisstore: save: %w", err)
		}
		return nil
	}
	args := make([]any, 1, 1+2*len(rec.Values))
	args[0] = expiryArg(rec.Expiry)
	args = hashArgs(args, rec.Values)
	if err := saveScript.Run(ctx, s.client, []string{s.redisKey(key)}, args...).Err(); err != nil {
		return fmt.Errorf("redisstore: save: %w", err)
	}
	return nil
}

// Delete implements core.Store with one DEL.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisstore: delete: %w", err)
	}
	if err := s.client.Del(ctx, s.redisKey(key)).Err(); err != nil {
		return fmt.Errorf("redisstore: delete: %w", err)
	}
	return nil
}
