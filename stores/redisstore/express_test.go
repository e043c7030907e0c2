package redisstore_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// newExpressStore returns an ExpressStore on client under a fresh prefix,
// and deletes every key under that prefix, whatever its type, when t
// ends.
func newExpressStore(t *testing.T, client redis.UniversalClient) (*redisstore.ExpressStore, string) {
	t.Helper()
	prefix := testPrefix(t)
	s, err := redisstore.NewExpress(client, redisstore.ExpressOptions{Prefix: prefix})
	if err != nil {
		t.Fatalf("NewExpress: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		keys, err := keysUnder(ctx, client, prefix)
		for _, k := range keys {
			if err == nil {
				err = client.Del(ctx, k).Err()
			}
		}
		if err != nil {
			t.Errorf("deleting test keys: %v", err)
		}
	})
	return s, prefix
}

// keysUnder returns every key under prefix on every node of client.
func keysUnder(ctx context.Context, client redis.UniversalClient, prefix string) ([]string, error) {
	var (
		mu   sync.Mutex // forEachNode visits the nodes concurrently
		keys []string
	)
	err := forEachNode(ctx, client, func(ctx context.Context, c *redis.Client) error {
		var mine []string
		iter := c.Scan(ctx, 0, redisstore.GlobEscape(prefix)+"*", 500).Iterator()
		for iter.Next(ctx) {
			mine = append(mine, iter.Val())
		}
		mu.Lock()
		defer mu.Unlock()
		keys = append(keys, mine...)
		return iter.Err()
	})
	return keys, err
}

func TestExpressConformance(t *testing.T) {
	t.Parallel()
	s, _ := newExpressStore(t, sharedClient(t))
	storetest.Run(t, s)
}

func TestExpressCluster(t *testing.T) {
	t.Parallel()
	client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: startCluster(t), ContextTimeoutEnabled: true})
	t.Cleanup(func() { client.Close() })
	s, _ := newExpressStore(t, client)
	storetest.Run(t, s)
	t.Run("IteratorSpansMasters", func(t *testing.T) { testExpressIteratorSpansNodes(t, client, client.ForEachMaster) })
}

func TestExpressRing(t *testing.T) {
	t.Parallel()
	client := startRing(t)
	s, _ := newExpressStore(t, client)
	storetest.Run(t, s)
	t.Run("IteratorSpansShards", func(t *testing.T) { testExpressIteratorSpansNodes(t, client, client.ForEachShard) })
}

// testExpressIteratorSpansNodes writes records until they sit on two or
// more of the nodes forEach visits, then checks that Count and Range find
// exactly them, in a store of their own.
func testExpressIteratorSpansNodes(t *testing.T, client redis.UniversalClient, forEach func(context.Context, func(context.Context, *redis.Client) error) error) {
	s, prefix := newExpressStore(t, client)
	ctx := context.Background()
	const n = 30
	want := map[string]bool{}
	for range n {
		key := storetest.NewKey(t)
		want[key] = true
		if err := client.Set(ctx, prefix+key, `{"cookie":{}}`, time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
	}
	var nodes atomic.Int32 // forEach calls fn concurrently
	if err := forEach(ctx, func(ctx context.Context, c *redis.Client) error {
		keys, err := keysUnder(ctx, c, prefix)
		if len(keys) > 0 {
			nodes.Add(1)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if nodes := nodes.Load(); nodes < 2 {
		t.Fatalf("%d records landed on %d node(s); want at least 2", n, nodes)
	}
	if got, err := s.Count(ctx); err != nil || got != n {
		t.Errorf("Count = %d, %v; want %d, nil", got, err, n)
	}
	got := map[string]bool{}
	if err := s.Range(ctx, func(key string, _ core.Record) bool { got[key] = true; return true }); err != nil {
		t.Fatalf("Range: %v", err)
	}
	if len(got) != n {
		t.Errorf("Range visited %d keys; want the %d written", len(got), n)
	}
	for key := range want {
		if !got[key] {
			t.Errorf("Range missed a record")
			break
		}
	}
}

func TestExpressCapabilities(t *testing.T) {
	t.Parallel()
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: true})
	t.Cleanup(func() { client.Close() })
	s, err := redisstore.NewExpress(client, redisstore.ExpressOptions{})
	if err != nil {
		t.Fatalf("NewExpress: %v", err)
	}
	// Redis expires keys itself (no Cleanup), and the manager lists an
	// owner's sessions through Range (no IndexOwners).
	if got, want := core.CapabilitiesOf(s), core.CanPatch|core.CanTouch|core.CanPop|core.CanIterate; got != want {
		t.Errorf("CapabilitiesOf(ExpressStore) = %v; want %v", got, want)
	}
}

// TestNewExpressWarnsWhenClientIgnoresDeadlines: NewExpress logs New's
// one warning, through its own Logger, and nothing for a client that
// honours deadlines.
func TestNewExpressWarnsWhenClientIgnoresDeadlines(t *testing.T) {
	t.Parallel()
	for _, honour := range []bool{false, true} {
		client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: honour})
		t.Cleanup(func() { client.Close() })
		log := &recorder{}
		if _, err := redisstore.NewExpress(client, redisstore.ExpressOptions{Logger: slog.New(log)}); err != nil {
			t.Fatalf("NewExpress = %v; want a store", err)
		}
		lines := log.text()
		switch {
		case honour && len(lines) != 0:
			t.Errorf("ContextTimeoutEnabled: log = %q; want nothing", lines)
		case !honour && (len(lines) != 1 || !strings.Contains(lines[0], "ContextTimeoutEnabled: true")):
			t.Errorf("no ContextTimeoutEnabled: log = %q; want one warning naming ContextTimeoutEnabled", lines)
		}
	}
}

// TestExpressDefaultPrefix: with no Prefix, records live under
// connect-redis's default, sess:<id>.
func TestExpressDefaultPrefix(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, err := redisstore.NewExpress(client, redisstore.ExpressOptions{})
	if err != nil {
		t.Fatalf("NewExpress: %v", err)
	}
	ctx := context.Background()
	key := storetest.NewKey(t)
	t.Cleanup(func() { client.Del(context.Background(), "sess:"+key) })
	if err := s.Save(ctx, key, core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: time.Now().Add(time.Minute)}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if doc, err := client.Get(ctx, "sess:"+key).Result(); err != nil || doc != `{"a":1}` {
		t.Errorf("GET sess:<key> = %q, %v; want {\"a\":1}, nil", doc, err)
	}
}
