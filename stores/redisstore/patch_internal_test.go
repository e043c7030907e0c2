package redisstore

import (
	"context"
	"crypto/rand"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/internal/testenv"
)

// TestUndoSparesARecordSavedSince: the write a Patch or Touch of a gone
// session takes back is deleted, but a record a Save has written under
// the key since, with its own marker and expiry, stays.
func TestUndoSparesARecordSavedSince(t *testing.T) {
	t.Parallel()
	opts, err := redis.ParseURL(testenv.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	opts.ContextTimeoutEnabled = true
	client := redis.NewClient(opts)
	t.Cleanup(func() { client.Close() })
	s := &Store{client: client, prefix: "sessionkit-test:undo:" + rand.Text() + ":"}
	ctx := context.Background()
	const exp = "1900000000000" // the expiry the Patch or Touch wrote
	tests := []struct {
		name     string
		prior    liveness
		fields   []any // the hash when undo runs
		wantKept bool
	}{
		{"missing, leftover", absent, []any{"e", exp, "o:s", "1", "v:b", "2"}, false},
		{"missing, saved since", absent, []any{"m", "2", "e", "1900000000001", "v:a", "1"}, true},
		{"missing, saved since with the same expiry", absent, []any{"m", "2", "e", exp}, true},
		{"expired, as written", stale, []any{"m", "2", "e", exp, "v:a", "1"}, false},
		{"expired, saved since", stale, []any{"m", "2", "e", "1900000000001", "v:a", "1"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rk := s.redisKey(rand.Text())
			t.Cleanup(func() { client.Del(context.Background(), rk) })
			if err := client.HSet(ctx, rk, tc.fields...).Err(); err != nil {
				t.Fatal(err)
			}
			if err := s.undo(ctx, rk, tc.prior, exp); err != nil {
				t.Fatalf("undo: %v", err)
			}
			if n, err := client.Exists(ctx, rk).Result(); err != nil || (n == 1) != tc.wantKept {
				t.Errorf("EXISTS after undo = %d, %v; want kept %v", n, err, tc.wantKept)
			}
		})
	}
}
