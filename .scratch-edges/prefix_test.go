package scratch

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

func TestRedisPrefixOverlap(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	defer c.Close()
	ctx := context.Background()
	user, _ := redisstore.New(c, redisstore.Options{Prefix: "scratch-edges-app:"})
	admin, _ := redisstore.New(c, redisstore.Options{Prefix: "scratch-edges-app:admin:"})
	exp := time.Now().Add(time.Minute)
	ku, ka := core.StoreKey("user-id"), core.StoreKey("admin-id")
	user.Save(ctx, ku, core.Record{Values: map[string][]byte{"u": []byte("1")}, Expiry: exp})
	admin.Save(ctx, ka, core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: exp})
	defer user.Delete(ctx, ku)
	defer admin.Delete(ctx, ka)
	n, _ := user.Count(ctx)
	var keys []string
	user.Range(ctx, func(k string, _ core.Record) bool { keys = append(keys, k); return true })
	t.Logf("user store Count=%d Range keys=%q", n, keys)
	if n != 1 {
		t.Errorf("user store (prefix %q) counts %d sessions; want 1 (the admin store's session leaks in)", "scratch-edges-app:", n)
	}
	// Deleting everything Range visits on the user store kills the admin session.
	for _, k := range keys {
		user.Delete(ctx, k)
	}
	if _, found, _ := admin.Load(ctx, ka); !found {
		t.Errorf("admin session gone after deleting every session the user store's Range visited")
	}
}
