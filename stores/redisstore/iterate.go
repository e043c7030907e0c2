package redisstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
)

// scanCount is the COUNT hint for each SCAN call: how many keys Redis
// examines per round trip.
const scanCount = 500

// Range implements core.Iterator. It visits the keys the manager writes,
// Prefix followed by a 43-character hashed ID; a record saved by a direct
// caller under a key of another length is not visited. It walks them with SCAN
// (never KEYS, so Redis is not blocked), on every master of a cluster or
// every live shard of a ring, and loads each page of keys in one pipelined
// round trip of HGETALLs (plus one of PEXPIRETIMEs for records written
// by a version older than layout "2", see Load). Records that expire or are deleted during the walk are
// skipped. As SCAN guarantees, a record present for the whole walk is
// visited; if Redis resizes its key table meanwhile, one may be visited
// twice.
func (s *Store) Range(ctx context.Context, fn func(key string, rec core.Record) bool) error {
	err := s.scan(ctx, func(keys []string) (bool, error) {
		recs, err := s.loadPage(ctx, keys, time.Now())
		if err != nil {
			return false, err
		}
		for i, rec := range recs {
			if rec != nil && !fn(strings.TrimPrefix(keys[i], s.prefix), *rec) {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: range: %w", err)
	}
	return nil
}

// loadPage loads the records under the Redis keys of one SCAN page, nil
// for each that is gone or not live by the application's clock now, as
// Load does: one pipelined round trip of HGETALLs, and a second of
// PEXPIRETIMEs only for the records whose expiry only the TTL knows.
func (s *Store) loadPage(ctx context.Context, keys []string, now time.Time) ([]*core.Record, error) {
	hashes := make([]*redis.MapStringStringCmd, len(keys))
	// Exec's error repeats the first failed command's; each is checked below.
	_, _ = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			hashes[i] = p.HGetAll(ctx, k)
		}
		return nil
	})
	recs := make([]*core.Record, len(keys))
	unknown := make([]*loaded, len(keys))
	pending := false
	for i, cmd := range hashes {
		fields, err := cmd.Result()
		if err != nil {
			return nil, err
		}
		rec, state, err := decodeHash(fields, now)
		if err != nil {
			return nil, err
		}
		switch state {
		case alive:
			recs[i] = &rec.Record
		case ttlUnknown:
			unknown[i], pending = &rec, true
		}
	}
	if !pending {
		return recs, nil
	}
	return recs, s.settleTTLs(ctx, keys, unknown, recs, now)
}

// settleTTLs reads the PEXPIRETIME of each key whose record is in unknown,
// in one pipelined round trip, and puts each that is live into recs.
func (s *Store) settleTTLs(ctx context.Context, keys []string, unknown []*loaded, recs []*core.Record, now time.Time) error {
	ttls := make([]*redis.Cmd, len(keys))
	_, _ = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, rec := range unknown {
			if rec != nil {
				ttls[i] = p.Do(ctx, "pexpiretime", keys[i])
			}
		}
		return nil
	})
	for i, rec := range unknown {
		if rec == nil {
			continue
		}
		at, err := ttls[i].Int64()
		if err != nil {
			return err
		}
		if rec.withTTL(at, now) == alive {
			recs[i] = &rec.Record
		}
	}
	return nil
}

// Count implements core.Iterator by counting the keys SCAN returns, on
// every master of a cluster or every live shard of a ring. It takes one
// round trip per scanCount keys and, like Range, may count a key twice if
// Redis resizes its key table during the walk.
func (s *Store) Count(ctx context.Context) (int, error) {
	n := 0
	err := s.scan(ctx, func(keys []string) (bool, error) {
		n += len(keys)
		return true, nil
	})
	if err != nil {
		return 0, fmt.Errorf("redisstore: count: %w", err)
	}
	return n, nil
}

// storeKeyLen is the length of the keys core.Manager.StoreKey derives:
// base64url SHA-256.
const storeKeyLen = 43

// scan passes each non-empty page of the store's Redis keys to page, node
// by node, until page returns false or an error.
func (s *Store) scan(ctx context.Context, page func(keys []string) (bool, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	nodes, err := s.nodes(ctx)
	if err != nil {
		return err
	}
	// Match exactly the keys the manager writes, Prefix plus a hashed ID,
	// so a store whose prefix extends this one's (say "app:" and
	// "app:admin:") is not swept up in this one's walk.
	match := globEscape(s.prefix) + strings.Repeat("?", storeKeyLen)
	for _, node := range nodes {
		var cursor uint64
		for {
			keys, next, err := node.ScanType(ctx, cursor, match, scanCount, "hash").Result()
			if err != nil {
				return err
			}
			if len(keys) > 0 {
				more, err := page(keys)
				if err != nil || !more {
					return err
				}
			}
			if cursor = next; cursor == 0 {
				break
			}
		}
	}
	return nil
}

// nodes returns the clients to SCAN: every master of a cluster, every live
// shard of a ring, otherwise the client itself.
func (s *Store) nodes(ctx context.Context) ([]redis.Cmdable, error) {
	var (
		mu    sync.Mutex
		nodes []redis.Cmdable
	)
	collect := func(_ context.Context, c *redis.Client) error {
		mu.Lock()
		defer mu.Unlock()
		nodes = append(nodes, c)
		return nil
	}
	var err error
	switch c := s.client.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, collect)
	case *redis.Ring:
		err = c.ForEachShard(ctx, collect)
	default:
		return []redis.Cmdable{s.client}, nil
	}
	return nodes, err
}

// globEscape quotes the characters SCAN's MATCH treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
