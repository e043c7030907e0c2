package redisstore_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/internal/testenv"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

func TestEveryCallHonoursTheDeadline(t *testing.T) {
	t.Parallel()
	client := redis.NewClient(&redis.Options{Addr: testenv.BlackHole(t), ContextTimeoutEnabled: true})
	t.Cleanup(func() { client.Close() })
	s, err := redisstore.New(client, redisstore.Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	key := storetest.NewKey(t)
	rec := core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: time.Now().Add(time.Hour)}
	ops := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"Load", func(ctx context.Context) error { _, _, err := s.Load(ctx, key); return err }},
		{"Save", func(ctx context.Context) error { return s.Save(ctx, key, rec) }},
		{"Delete", func(ctx context.Context) error { return s.Delete(ctx, key) }},
		{"Patch", func(ctx context.Context) error {
			_, err := s.Patch(ctx, key, core.Patch{Set: rec.Values, Expiry: rec.Expiry})
			return err
		}},
		{"Touch", func(ctx context.Context) error { _, err := s.Touch(ctx, key, rec.Expiry); return err }},
		{"Pop", func(ctx context.Context) error { _, _, err := s.Pop(ctx, key, "a"); return err }},
		{"Count", func(ctx context.Context) error { _, err := s.Count(ctx); return err }},
		{"Owned", func(ctx context.Context) error { _, err := s.Owned(ctx, "owner"); return err }},
		{"Save owned", func(ctx context.Context) error {
			return s.Save(ctx, key, core.Record{Values: rec.Values, Expiry: rec.Expiry, Owner: core.Owner{ID: "owner"}})
		}},
		{"Range", func(ctx context.Context) error {
			return s.Range(ctx, func(string, core.Record) bool { return true })
		}},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := op.fn(ctx)
			// A hang guard, not a performance check: go-redis's own
			// ReadTimeout is 3s.
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("%s on a hung server took %v; want the 200ms deadline to end it", op.name, d)
			}
			if err == nil {
				t.Errorf("%s on a hung server = nil; want an error", op.name)
			}
		})
	}
}

// TestClientIgnoringDeadlinesWaitsForReadTimeout shows what New's warning
// says: without ContextTimeoutEnabled, go-redis ignores the context's
// deadline on the socket, and a call to a hung server lasts the client's
// ReadTimeout instead.
func TestClientIgnoringDeadlinesWaitsForReadTimeout(t *testing.T) {
	t.Parallel()
	const readTimeout = 500 * time.Millisecond
	client := redis.NewClient(&redis.Options{Addr: testenv.BlackHole(t), ReadTimeout: readTimeout, WriteTimeout: readTimeout})
	t.Cleanup(func() { client.Close() })
	s, err := redisstore.New(client, redisstore.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err = s.Load(ctx, storetest.NewKey(t))
	d := time.Since(start)
	if err == nil {
		t.Errorf("Load on a hung server = nil; want an error")
	}
	if d < readTimeout {
		// go-redis has started honouring deadlines: New's warning and the
		// package doc are out of date.
		t.Errorf("Load on a hung server returned after %v, before the %v ReadTimeout; want the 50ms deadline ignored, as New's warning says", d, readTimeout)
	}
	// A hang guard, not a performance check.
	if d > 5*time.Second {
		t.Errorf("Load on a hung server took %v; want the %v ReadTimeout to end it", d, readTimeout)
	}
}
