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
//
// Then, in a second round trip that only a Save involving an owner makes,
// it writes the session's entry in its owner's index and deletes the one
// in its previous owner's, if the owner changed (both in one pipeline). A
// Save to no owner of a session that had none makes no second round trip.
// If the index write fails, Save deletes the record it just wrote (unless
// another Save has replaced it since) and returns the error, so that a
// failed Save leaves no owned session its owner's index lacks.
func (s *Store) Save(ctx context.Context, key string, rec core.Record) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisstore: save: %w", err)
	}
	if expired(rec.Expiry, time.Now()) {
		if err := s.remove(ctx, key); err != nil {
			return fmt.Errorf("redisstore: save: %w", err)
		}
		return nil
	}
	args := make([]any, 1, 1+2*len(rec.Values)+14)
	args[0] = expiryArg(rec.Expiry)
	args = hashArgs(args, rec.Values)
	var now binding
	if rec.Owner.Bound() {
		now = binding{owner: rec.Owner.ID, gen: newGeneration(indexUntil(rec.Owner.Ends, rec.Expiry))}
		args = ownerArgs(args, rec.Owner, now.gen)
	}
	old, err := decodeBinding(saveScript.Run(ctx, s.client, []string{s.redisKey(key)}, args...).Result())
	if err != nil {
		return fmt.Errorf("redisstore: save: %w", err)
	}
	if err := s.reindex(ctx, key, planReindex(old, now, rec.Owner, rec.Expiry)); err != nil {
		s.rollback(ctx, key, now.gen)
		return fmt.Errorf("redisstore: save: owner index: %w", err)
	}
	return nil
}

// rollback deletes the record a Save just wrote under key with generation
// gen, unless another Save has replaced it since: its index entry could
// not be written, and an owned session its owner's index lacks would
// escape revocation. The index write most often fails because ctx has
// ended, so the rollback runs on a context of its own, bounded by
// rollbackTimeout, and is tried twice.
func (s *Store) rollback(ctx context.Context, key, gen string) {
	for range 2 {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		err := rollbackScript.Run(rctx, s.client, []string{s.redisKey(key)}, gen).Err()
		cancel()
		if err == nil {
			return
		}
	}
}

// rollbackTimeout bounds each attempt of rollback.
const rollbackTimeout = 2 * time.Second

// Delete implements core.Store with one script that deletes the hash and
// returns its owner. For an owned session a second round trip then
// deletes its entry from the owner's index, best effort: Owned never
// lists an entry whose record is gone, and prunes it.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisstore: delete: %w", err)
	}
	if err := s.remove(ctx, key); err != nil {
		return fmt.Errorf("redisstore: delete: %w", err)
	}
	return nil
}

// remove deletes the record under key, then its owner index entry.
func (s *Store) remove(ctx context.Context, key string) error {
	old, err := decodeBinding(deleteScript.Run(ctx, s.client, []string{s.redisKey(key)}).Result())
	if err != nil {
		return err
	}
	s.unindex(ctx, key, old)
	return nil
}
