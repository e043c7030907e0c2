package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// Patch implements core.Patcher with one atomic script: if the session
// exists and has not expired by the application's clock, it sets p.Set's
// fields, deletes p.Delete's and moves the expiry; otherwise it writes
// nothing and reports found false. Concurrent patches to different keys of
// one session never lose each other's writes. An expiry already in the
// past deletes the session. An owned session's Owner.Seen is set to the
// time of the call by the same script: no extra command.
func (s *Store) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("redisstore: patch: %w", err)
	}
	args := make([]any, 0, 3+len(p.Delete)+2*len(p.Set))
	args = append(args, expiryArg(p.Expiry), nowArg(), strconv.Itoa(len(p.Delete)))
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

// Touch implements core.Toucher: it moves the expiry of a session that
// exists and has not expired by the application's clock, in one round
// trip, and never recreates a missing or expired one. A zero expiry
// removes the TTL; one already in the past deletes the session. Like
// Patch, it sets an owned session's Owner.Seen in the same script.
func (s *Store) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("redisstore: touch: %w", err)
	}
	n, err := touchScript.Run(ctx, s.client, []string{s.redisKey(key)}, expiryArg(expiry), nowArg()).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: touch: %w", err)
	}
	return n == 1, nil
}

// nowArg encodes the application's clock for the scripts, in the Unix
// milliseconds Load compares expiries in.
func nowArg() string { return strconv.FormatInt(time.Now().UnixMilli(), 10) }
