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

// Range implements core.Iterator. It walks every string key under Prefix
// with SCAN … MATCH <Prefix>* TYPE string (never KEYS), on every master of
// a cluster or every live shard of a ring, skipping keys of other types,
// and reads each page of keys in one pipelined round trip, GET then PTTL
// per key. Unlike Load's, that pair is not one transaction: a record
// rewritten between the two is visited with its new expiry and the
// document read just before. Records that expire or are deleted during
// the walk are skipped; as SCAN guarantees, a record present for the
// whole walk is visited, and, if Redis resizes its key table meanwhile,
// may be visited twice. A record that does not decode ends the walk with
// an error wrapping core.ErrBadRecord: an owner's sessions, which the
// manager finds through Range, would otherwise go unlisted.
func (s *ExpressStore) Range(ctx context.Context, fn func(key string, rec core.Record) bool) error {
	err := s.walk(ctx, func(node redis.Cmdable, keys []string) (bool, error) {
		gets := make([]*redis.StringCmd, len(keys))
		pttls := make([]*redis.DurationCmd, len(keys))
		now := time.Now()
		// Exec's error repeats the first failed command's, redis.Nil for
		// a key gone since SCAN included; each is checked below.
		_, _ = node.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, k := range keys {
				gets[i], pttls[i] = p.Get(ctx, k), p.PTTL(ctx, k)
			}
			return nil
		})
		for i, k := range keys {
			rec, found, err := expressRecord(gets[i], pttls[i], now)
			if errors.Is(err, core.ErrBadRecord) {
				continue // not a session Go can read; Load reports it
			}
			if err != nil {
				return false, err
			}
			if found && !fn(strings.TrimPrefix(k, s.base.prefix), rec) {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: express: range: %w", err)
	}
	return nil
}

// Count implements core.Iterator by counting the string keys under Prefix
// that SCAN returns, as Range walks them, in one round trip per scanCount
// keys examined. Like Range, it may count a key twice if Redis resizes its
// key table during the walk.
func (s *ExpressStore) Count(ctx context.Context) (int, error) {
	n := 0
	err := s.walk(ctx, func(_ redis.Cmdable, keys []string) (bool, error) {
		n += len(keys)
		return true, nil
	})
	if err != nil {
		return 0, fmt.Errorf("redisstore: express: count: %w", err)
	}
	return n, nil
}

// walk passes each non-empty page of the string keys under the prefix to
// page, with the node that holds them, until page returns false or an
// error.
func (s *ExpressStore) walk(ctx context.Context, page func(node redis.Cmdable, keys []string) (bool, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	nodes, err := s.base.nodes(ctx)
	if err != nil {
		return err
	}
	match := globEscape(s.base.prefix) + "*"
	for _, node := range nodes {
		if more, err := walkNode(ctx, node, match, page); !more || err != nil {
			return err
		}
	}
	return nil
}

// walkNode is walk on one node; more is false once page has stopped the
// walk.
func walkNode(ctx context.Context, node redis.Cmdable, match string, page func(redis.Cmdable, []string) (bool, error)) (more bool, err error) {
	for cursor, started := uint64(0), false; cursor != 0 || !started; started = true {
		var keys []string
		if keys, cursor, err = node.ScanType(ctx, cursor, match, scanCount, "string").Result(); err != nil {
			return false, err
		}
		if len(keys) == 0 {
			continue
		}
		if more, err = page(node, keys); !more || err != nil {
			return false, err
		}
	}
	return true, nil
}
