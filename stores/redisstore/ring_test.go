package redisstore_test

import (
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core/storetest"
)

// startRing returns a client of a two-shard Ring on private servers.
func startRing(t *testing.T) *redis.Ring {
	t.Helper()
	requireBinaries(t)
	dir := t.TempDir()
	shards := map[string]string{}
	for _, name := range []string{"a", "b"} {
		shards[name] = startServer(t, freePort(t), dir, "--appendonly", "no").addr
	}
	client := redis.NewRing(&redis.RingOptions{Addrs: shards, ContextTimeoutEnabled: true})
	t.Cleanup(func() { client.Close() })
	return client
}

func TestRing(t *testing.T) {
	t.Parallel()
	client := startRing(t)
	s, _ := newStore(t, client)
	storetest.Run(t, s)
	t.Run("IteratorSpansShards", func(t *testing.T) { testIteratorSpansNodes(t, client, client.ForEachShard) })
}
