package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// Patch implements core.Patcher with one atomic script: if the session
// exists it sets p.Set's fields, deletes p.Delete's and moves the expiry;
// otherwise it writes nothing and reports found false. Concurrent patches
// to different keys of one session never lose each other's writes. An
// expiry already in the past deletes the session.
func (s *Store) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("redisstore: patch: %w", err)
	}
	args := make([]any, 0, 2+len(p.Delete)+2*len(p.Set))
	args = append(args, expiryArg(p.Expiry), strconv.Itoa(len(p.Delete)))
	for _, k := range p.Delete {
		args = append(args, valuePrefix+k)
	}
	args = hashArgs(args, p.Set)
	n, err := patchScript.Run(ctx, s.client, []string{s.redisKey(key)}, args...).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: patch: %w", err)
	}
	return n == 1, nil
}

// Touch implements core.Toucher: it moves the expiry of an existing
// session in one round trip and never recreates a missing one. A zero
// expiry removes the TTL; one already in the past deletes the session.
func (s *Store) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("redisstore: touch: %w", err)
	}
	n, err := touchScript.Run(ctx, s.client, []string{s.redisKey(key)}, expiryArg(expiry)).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: touch: %w", err)
	}
	return n == 1, nil
}
