package redisstore_test

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
)

// startCluster starts a three-master Redis Cluster on free loopback ports
// and returns its addresses once every node reports cluster_state:ok.
func startCluster(t *testing.T) []string {
	t.Helper()
	requireBinaries(t)
	dir := t.TempDir()
	var addrs []string
	for range 3 {
		port := freePort(t)
		conf := filepath.Join(dir, fmt.Sprintf("nodes-%d.conf", port))
		s := startServer(t, port, dir, "--cluster-enabled", "yes", "--cluster-config-file", conf, "--appendonly", "no")
		addrs = append(addrs, s.addr)
	}
	args := append(append([]string{"--cluster", "create"}, addrs...), "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	ctx := context.Background()
	for _, addr := range addrs {
		c := redis.NewClient(&redis.Options{Addr: addr})
		var info string
		deadline := time.Now().Add(15 * time.Second)
		for !strings.Contains(info, "cluster_state:ok") && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			info, _ = c.ClusterInfo(ctx).Result()
		}
		c.Close()
		if !strings.Contains(info, "cluster_state:ok") {
			t.Fatalf("node %s: no cluster_state:ok within 15s:\n%s", addr, info)
		}
	}
	return addrs
}

func TestCluster(t *testing.T) {
	t.Parallel()
	addrs := startCluster(t)
	client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, ContextTimeoutEnabled: true})
	t.Cleanup(func() { client.Close() })
	s, _ := newStore(t, client)
	storetest.Run(t, s)

	t.Run("IteratorSpansMasters", func(t *testing.T) { testIteratorSpansNodes(t, client, client.ForEachMaster) })
}

// testIteratorSpansNodes saves records until they sit on at least two of
// the nodes forEach visits, then checks Count and Range find them all. It
// uses a store of its own, since counts are exact and the conformance
// suite's manager checks leave sessions behind.
func testIteratorSpansNodes(t *testing.T, client redis.UniversalClient, forEach func(context.Context, func(context.Context, *redis.Client) error) error) {
	s, _ := newStore(t, client)
	ctx := context.Background()
	const n = 30
	rec := core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: time.Now().Add(time.Hour)}
	keys := map[string]bool{}
	for range n {
		key := storetest.NewKey(t)
		keys[key] = true
		if err := s.Save(ctx, key, rec); err != nil {
			t.Fatalf("Save: %v", err)
		}
	}
	t.Cleanup(func() {
		for key := range keys {
			s.Delete(context.Background(), key)
		}
	})
	var holding atomic.Int32
	err := forEach(ctx, func(ctx context.Context, c *redis.Client) error {
		n, err := c.DBSize(ctx).Result()
		if n > 0 {
			holding.Add(1)
		}
		return err
	})
	if err != nil {
		t.Fatalf("visiting nodes: %v", err)
	}
	if h := holding.Load(); h < 2 {
		t.Fatalf("%d records landed on %d node(s); want them spread over at least 2", n, h)
	}
	if got, err := s.Count(ctx); err != nil || got != n {
		t.Errorf("Count = %d, %v; want %d, nil", got, err, n)
	}
	seen := 0
	if err := s.Range(ctx, func(key string, _ core.Record) bool {
		if keys[key] {
			seen++
		}
		return true
	}); err != nil {
		t.Fatalf("Range: %v", err)
	}
	if seen != n {
		t.Errorf("Range visited %d of the %d records", seen, n)
	}
}
