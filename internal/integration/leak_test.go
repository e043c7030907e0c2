package integration_test

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/alexedwards/scs/v2/memstore"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/leaktest"
	"github.com/sessionkit/sessionkit/internal/testenv"
	"github.com/sessionkit/sessionkit/stores/pgstore"
	"github.com/sessionkit/sessionkit/stores/redisstore"
	"github.com/sessionkit/sessionkit/stores/scsstore"
)

// TestNoLeaksMemory runs the leak scenarios on the memory store, whose
// failures are leaktest.Failing's, under the adapters the root module's
// TestNoLeaksMemoryStore does not cover.
func TestNoLeaksMemory(t *testing.T) {
	t.Parallel()
	live := core.NewMemoryStore(core.MemoryStoreOptions{})
	t.Cleanup(func() { live.Close() })
	leaktest.Run(t, leaktest.Backend{Name: "memory", Live: live, Broken: leaktest.Failing{}, FailureText: leaktest.FailureText}, moduleApps...)
}

// TestNoLeaksSCS runs them on an scs memstore through scsstore.
func TestNoLeaksSCS(t *testing.T) {
	t.Parallel()
	live := scsstore.New(memstore.NewWithCleanupInterval(0))
	leaktest.Run(t, leaktest.Backend{Name: "scs memstore", Live: live, Broken: leaktest.Failing{}, FailureText: leaktest.FailureText}, apps...)
}

// TestNoLeaksRedis runs them on the real Redis, each failure a real one: a
// client of a Redis that is down (a closed port), with a password.
func TestNoLeaksRedis(t *testing.T) {
	t.Parallel()
	opts, err := redis.ParseURL(testenv.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	opts.ContextTimeoutEnabled = true
	client := redis.NewClient(opts)
	t.Cleanup(func() { client.Close() })
	prefix := "sessionkit-integration:" + strings.ToLower(rand.Text()) + ":"
	live, err := redisstore.New(client, redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { deleteKeys(t, client, prefix) })
	addr := leaktest.ClosedAddr(t)
	const password = "redis-password-that-must-stay-private"
	down := redis.NewClient(&redis.Options{Addr: addr, Password: password, ContextTimeoutEnabled: true, MaxRetries: -1})
	t.Cleanup(func() { down.Close() })
	broken, err := redisstore.New(down, redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	leaktest.Run(t, leaktest.Backend{Name: "redis", Live: live, Broken: broken, FailureText: addr, Private: []string{password}}, apps...)
}

func deleteKeys(t *testing.T, client *redis.Client, prefix string) {
	ctx := context.Background()
	iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		client.Del(ctx, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("SCAN %s*: %v", prefix, err)
	}
}

// TestNoLeaksPostgres runs them on the real PostgreSQL, each failure a real
// one: a pool for a server that is down, with a password in its URL.
func TestNoLeaksPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.DatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	table := "sessionkit_integration_" + strings.ToLower(rand.Text())
	live, err := pgstore.New(pool, pgstore.Options{Table: table, CleanupInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := live.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		live.Close()
		if _, err := pool.Exec(context.Background(), "DROP TABLE IF EXISTS "+table); err != nil {
			t.Errorf("DROP TABLE %s: %v", table, err)
		}
	})
	addr := leaktest.ClosedAddr(t)
	const password = "pg-password-that-must-stay-private"
	down, err := pgxpool.New(ctx, "postgres://postgres:"+password+"@"+addr+"/postgres?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(down.Close)
	broken, err := pgstore.New(down, pgstore.Options{Table: table, CleanupInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	leaktest.Run(t, leaktest.Backend{Name: "postgres", Live: live, Broken: broken, FailureText: addr, Private: []string{password}}, apps...)
}
