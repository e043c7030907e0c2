package redisstore_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// TestHotPathsAreOneRoundTripWithoutScripts checks, on a private server
// whose statistics it may reset, that Load is one HGETALL and that Patch
// and Touch of a live session are one MULTI/EXEC, none running a script:
// the client makes one round trip (a hook counts them) and Redis runs
// exactly the commands listed (INFO commandstats).
func TestHotPathsAreOneRoundTripWithoutScripts(t *testing.T) {
	requireBinaries(t)
	srv := startServer(t, freePort(t), t.TempDir(), "--appendonly", "no")
	client := redis.NewClient(&redis.Options{Addr: srv.addr, ContextTimeoutEnabled: true, PoolSize: 1})
	t.Cleanup(func() { client.Close() })
	log := &cmdLog{}
	client.AddHook(log)
	s, err := redisstore.New(client, redisstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	write := []string{"exec", "hexists", "hset", "multi", "pexpireat", "pexpiretime"}
	tests := []struct {
		name string
		fn   func(key string) (bool, error)
		want []string // the commands Redis runs, sorted
	}{
		{"Load", func(key string) (bool, error) { _, found, err := s.Load(ctx, key); return found, err }, []string{"hgetall"}},
		{"Patch", func(key string) (bool, error) {
			return s.Patch(ctx, key, core.Patch{Set: map[string][]byte{"b": []byte("2")}, Expiry: exp})
		}, write},
		{"Patch with deletes", func(key string) (bool, error) {
			return s.Patch(ctx, key, core.Patch{Set: map[string][]byte{"b": []byte("2")}, Delete: []string{"a"}, Expiry: exp})
		}, append([]string{"hdel"}, write...)},
		{"Touch", func(key string) (bool, error) { return s.Touch(ctx, key, exp) }, write},
		{"Touch without expiry", func(key string) (bool, error) { return s.Touch(ctx, key, time.Time{}) },
			[]string{"exec", "hexists", "hset", "multi", "persist", "pexpiretime"}},
	}
	// Some go-redis versions open a fresh connection for the first
	// transaction; let that handshake happen here, not in a measurement.
	warm := storetest.NewKey(t)
	if err := s.Save(ctx, warm, core.Record{Expiry: exp}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		if _, err := tc.fn(warm); err != nil {
			t.Fatal(err)
		}
	}
	for _, owner := range []string{"", "user-1"} {
		for _, tc := range tests {
			t.Run(tc.name+"/owner "+owner, func(t *testing.T) {
				key := storetest.NewKey(t)
				if err := s.Save(ctx, key, ownedBy(owner, exp.Add(time.Hour), exp)); err != nil {
					t.Fatal(err)
				}
				if err := client.ConfigResetStat(ctx).Err(); err != nil {
					t.Fatal(err)
				}
				log.take()
				if found, err := tc.fn(key); err != nil || !found {
					t.Fatalf("%s = %v, %v; want true, nil", tc.name, found, err)
				}
				if sent := log.take(); len(sent) != 1 || strings.Contains(sent[0], "eval") {
					t.Errorf("%s sent %v; want one command or transaction, no script", tc.name, sent)
				}
				got := slices.Sorted(maps.Keys(commandStats(t, client)))
				if !slices.Equal(got, slices.Sorted(slices.Values(tc.want))) {
					t.Errorf("%s ran %v in Redis; want %v", tc.name, got, tc.want)
				}
			})
		}
	}
}
