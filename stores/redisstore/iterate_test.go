package redisstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

func TestIteratorStaysInsideGlobPrefix(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	base := testPrefix(t)
	// Unescaped, the pattern "<base>a*:*" would also match "<base>ab:...".
	globby := mustStore(t, client, base+"a*:")
	other := mustStore(t, client, base+"ab:")
	ctx := context.Background()
	rec := core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: time.Now().Add(time.Hour)}
	mine := storetest.NewKey(t)
	for _, s := range []*redisstore.Store{globby, other} {
		if err := s.Save(ctx, mine, rec); err != nil {
			t.Fatalf("Save: %v", err)
		}
	}
	// A key of another type under the prefix is not a session.
	if err := client.Set(ctx, base+"a*:stray", "x", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Del(context.Background(), base+"a*:stray") })

	if n, err := globby.Count(ctx); err != nil || n != 1 {
		t.Errorf("Count = %d, %v; want 1, nil", n, err)
	}
	var keys []string
	if err := globby.Range(ctx, func(k string, _ core.Record) bool { keys = append(keys, k); return true }); err != nil {
		t.Fatalf("Range: %v", err)
	}
	if len(keys) != 1 || keys[0] != mine {
		t.Errorf("Range visited %q; want [%q]", keys, mine)
	}
}

// Two managers in one app, say users under "app:" and admins under
// "app:admin:": the user store's walk must not include admin sessions.
func TestIteratorIgnoresLongerPrefixes(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	base := testPrefix(t)
	users := mustStore(t, client, base)
	admins := mustStore(t, client, base+"admin:")
	ctx := context.Background()
	rec := core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: time.Now().Add(time.Hour)}
	user, admin := storetest.NewKey(t), storetest.NewKey(t)
	if err := users.Save(ctx, user, rec); err != nil {
		t.Fatal(err)
	}
	if err := admins.Save(ctx, admin, rec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Del(context.Background(), base+user, base+"admin:"+admin) })
	if n, err := users.Count(ctx); err != nil || n != 1 {
		t.Errorf("users.Count = %d, %v; want 1, nil: the admin session must not count", n, err)
	}
	var keys []string
	if err := users.Range(ctx, func(k string, _ core.Record) bool { keys = append(keys, k); return true }); err != nil {
		t.Fatalf("Range: %v", err)
	}
	if len(keys) != 1 || keys[0] != user {
		t.Errorf("users.Range visited %q; want only [%q]", keys, user)
	}
}

func TestIteratorSpansScanPages(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, _ := newStore(t, client)
	ctx := context.Background()
	const n = 1000
	want := map[string]string{}
	for i := range n {
		want[storetest.NewKey(t)] = fmt.Sprint(i) // keys shaped like the manager's
	}
	var wg sync.WaitGroup
	keys := make(chan string)
	for range 10 {
		wg.Go(func() {
			for key := range keys {
				rec := core.Record{Values: map[string][]byte{"i": []byte(want[key])}, Expiry: time.Now().Add(time.Hour)}
				if err := s.Save(ctx, key, rec); err != nil {
					t.Errorf("Save: %v", err)
				}
			}
		})
	}
	for key := range want {
		keys <- key
	}
	close(keys)
	wg.Wait()
	if got, err := s.Count(ctx); err != nil || got != n {
		t.Errorf("Count = %d, %v; want %d, nil", got, err, n)
	}
	seen := map[string]bool{}
	err := s.Range(ctx, func(key string, rec core.Record) bool {
		if w, ok := want[key]; !ok || string(rec.Values["i"]) != w {
			t.Errorf("Range visited %q with i = %q; want %q", key, rec.Values["i"], w)
		}
		seen[key] = true
		return true
	})
	if err != nil {
		t.Fatalf("Range: %v", err)
	}
	if len(seen) != n {
		t.Errorf("Range visited %d distinct records; want %d", len(seen), n)
	}
}

func mustStore(t *testing.T, client redis.UniversalClient, prefix string) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(client, redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatalf("New(Prefix: %q): %v", prefix, err)
	}
	t.Cleanup(func() { deleteSessions(t, client, prefix) })
	return s
}
