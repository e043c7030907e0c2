package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Pop implements core.Popper with one atomic script on the session's hash:
// if the session exists and has not expired by the application's clock,
// it reads the value's field and deletes it (HGET and HDEL), leaving the
// other values and the expiry alone. Of concurrent pops of one value
// exactly one gets it. found is false, and nothing is written, when the
// session or the value is absent. A pop that removes a value sets an
// owned session's Owner.Seen in the same script.
func (s *Store) Pop(ctx context.Context, key, name string) ([]byte, bool, error) {
	return s.pop(ctx, key, name, time.Now())
}

// pop is Pop with the application's clock reading now.
func (s *Store) pop(ctx context.Context, key, name string, now time.Time) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("redisstore: pop: %w", err)
	}
	at := strconv.FormatInt(now.UnixMilli(), 10)
	v, err := popScript.Run(ctx, s.client, []string{s.redisKey(key)}, at, valuePrefix+name).Text()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("redisstore: pop: %w", err)
	}
	return []byte(v), true, nil
}
