package redisstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t, sharedClient(t))
	storetest.Run(t, s)
}

func TestCapabilities(t *testing.T) {
	t.Parallel()
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: true})
	t.Cleanup(func() { client.Close() })
	s, err := redisstore.New(client, redisstore.Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	// Redis expires keys itself, so there is nothing to Cleanup.
	if got, want := core.CapabilitiesOf(s), core.CanPatch|core.CanTouch|core.CanPop|core.CanIterate; got != want {
		t.Errorf("CapabilitiesOf(Store) = %v; want %v", got, want)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	tests := []struct {
		name   string
		prefix string
	}{
		{"open brace", "app{1}:"},
		{"close brace", "app}:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if s, err := redisstore.New(client, redisstore.Options{Prefix: tc.prefix}); err == nil {
				t.Errorf("New(Prefix: %q) = %v, nil; want an error", tc.prefix, s)
			}
		})
	}
	t.Run("nil client", func(t *testing.T) {
		if s, err := redisstore.New(nil, redisstore.Options{}); err == nil {
			t.Errorf("New(nil) = %v, nil; want an error", s)
		}
	})
	ignoringDeadlines := []struct {
		name   string
		client redis.UniversalClient
	}{
		{"client", redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})},
		{"cluster", redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:1"}})},
		{"ring", redis.NewRing(&redis.RingOptions{Addrs: map[string]string{"a": "127.0.0.1:1"}})},
	}
	for _, tc := range ignoringDeadlines {
		t.Run(tc.name+" without ContextTimeoutEnabled", func(t *testing.T) {
			t.Cleanup(func() { tc.client.Close() })
			if s, err := redisstore.New(tc.client, redisstore.Options{}); err == nil {
				t.Errorf("New(%s without ContextTimeoutEnabled) = %v, nil; want an error", tc.name, s)
			}
		})
	}
}

func TestDefaultPrefix(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, err := redisstore.New(client, redisstore.Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx := context.Background()
	key := storetest.NewKey(t)
	if err := s.Save(ctx, key, core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: time.Now().Add(time.Minute)}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	t.Cleanup(func() { client.Del(context.Background(), redisstore.DefaultPrefix+key) })
	if n, err := client.Exists(ctx, "sessionkit:"+key).Result(); err != nil || n != 1 {
		t.Errorf("EXISTS sessionkit:<key> = %d, %v; want 1, nil", n, err)
	}
}

func TestCloseKeepsClientOpen(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, _ := newStore(t, client)
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v; want nil", err)
	}
	if err := client.Ping(context.Background()).Err(); err != nil {
		t.Errorf("Ping after Store.Close = %v; want nil", err)
	}
}

func TestErrorsNameTheOperation(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	key := storetest.NewKey(t)
	// A string where a hash belongs makes every script fail with WRONGTYPE.
	if err := client.Set(ctx, prefix+key, "x", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Del(context.Background(), prefix+key) })
	exp := time.Now().Add(time.Minute)
	ops := []struct {
		name string
		fn   func() error
	}{
		{"load", func() error { _, _, err := s.Load(ctx, key); return err }},
		{"patch", func() error {
			_, err := s.Patch(ctx, key, core.Patch{Set: map[string][]byte{"a": []byte("1")}, Expiry: exp})
			return err
		}},
		{"pop", func() error { _, _, err := s.Pop(ctx, key, "a"); return err }},
	}
	for _, op := range ops {
		err := op.fn()
		if err == nil || !strings.HasPrefix(err.Error(), "redisstore: "+op.name+": ") || !strings.Contains(err.Error(), "WRONGTYPE") {
			t.Errorf("%s on a non-hash key = %v; want \"redisstore: %s: ...WRONGTYPE...\"", op.name, err, op.name)
		}
	}
}
