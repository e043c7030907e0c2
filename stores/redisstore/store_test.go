package redisstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
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
	if got, want := core.CapabilitiesOf(s), core.CanPatch|core.CanTouch|core.CanPop|core.CanIterate|core.CanIndexOwners; got != want {
		t.Errorf("CapabilitiesOf(Store) = %v; want %v", got, want)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	// New does not contact Redis: nothing listens on port 1.
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: true})
	t.Cleanup(func() { client.Close() })
	tests := []struct {
		name   string
		client redis.UniversalClient
		prefix string
	}{
		{"open brace", client, "app{1}:"},
		{"close brace", client, "app}:"},
		{"nil client", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if s, err := redisstore.New(tc.client, redisstore.Options{Prefix: tc.prefix}); err == nil {
				t.Errorf("New(Prefix: %q) = %v, nil; want an error", tc.prefix, s)
			}
			if s, err := redisstore.NewExpress(tc.client, redisstore.ExpressOptions{Prefix: tc.prefix}); err == nil {
				t.Errorf("NewExpress(Prefix: %q) = %v, nil; want an error", tc.prefix, s)
			}
		})
	}
}

// recorder is a slog.Handler that keeps every record it is given.
type recorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *recorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recorder) WithGroup(string) slog.Handler            { return h }

func (h *recorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

// text returns each record as one line: level, message and attributes.
func (h *recorder) text() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	lines := make([]string, len(h.records))
	for i, r := range h.records {
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s", r.Level, r.Message)
		r.Attrs(func(a slog.Attr) bool {
			fmt.Fprintf(&b, " %s=%s", a.Key, a.Value)
			return true
		})
		lines[i] = b.String()
	}
	return lines
}

// TestNewWarnsOnceWhenClientIgnoresDeadlines gives New every kind of
// client go-redis builds, with and without ContextTimeoutEnabled: New
// accepts each, and logs one warning, naming the fix and the client's type
// but never its address or password, for each one that ignores deadlines.
func TestNewWarnsOnceWhenClientIgnoresDeadlines(t *testing.T) {
	t.Parallel()
	const (
		addr     = "127.0.0.1:1" // nothing listens there
		password = "redis-password-that-must-stay-private"
	)
	kinds := []struct {
		name     string
		wantType string
		client   func(honour bool) redis.UniversalClient
	}{
		{"Client", "*redis.Client", func(honour bool) redis.UniversalClient {
			return redis.NewClient(&redis.Options{Addr: addr, Password: password, ContextTimeoutEnabled: honour})
		}},
		{"ClusterClient", "*redis.ClusterClient", func(honour bool) redis.UniversalClient {
			return redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{addr}, Password: password, ContextTimeoutEnabled: honour})
		}},
		{"Ring", "*redis.Ring", func(honour bool) redis.UniversalClient {
			return redis.NewRing(&redis.RingOptions{Addrs: map[string]string{"a": addr}, Password: password, ContextTimeoutEnabled: honour})
		}},
		{"FailoverClient", "*redis.Client", func(honour bool) redis.UniversalClient {
			return redis.NewFailoverClient(&redis.FailoverOptions{MasterName: "main", SentinelAddrs: []string{addr}, Password: password, ContextTimeoutEnabled: honour})
		}},
		{"FailoverClusterClient", "*redis.ClusterClient", func(honour bool) redis.UniversalClient {
			return redis.NewFailoverClusterClient(&redis.FailoverOptions{MasterName: "main", SentinelAddrs: []string{addr}, Password: password, ContextTimeoutEnabled: honour})
		}},
		{"UniversalClient/one address", "*redis.Client", func(honour bool) redis.UniversalClient {
			return redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{addr}, Password: password, ContextTimeoutEnabled: honour})
		}},
		{"UniversalClient/addresses", "*redis.ClusterClient", func(honour bool) redis.UniversalClient {
			return redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{addr, "127.0.0.1:2"}, Password: password, ContextTimeoutEnabled: honour})
		}},
		{"UniversalClient/master name", "*redis.Client", func(honour bool) redis.UniversalClient {
			return redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{addr}, MasterName: "main", Password: password, ContextTimeoutEnabled: honour})
		}},
	}
	for _, kind := range kinds {
		for _, honour := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/ContextTimeoutEnabled=%t", kind.name, honour), func(t *testing.T) {
				t.Parallel()
				client := kind.client(honour)
				t.Cleanup(func() { client.Close() })
				if got := fmt.Sprintf("%T", client); got != kind.wantType {
					t.Fatalf("client type = %s; want %s", got, kind.wantType)
				}
				log := &recorder{}
				if _, err := redisstore.New(client, redisstore.Options{Logger: slog.New(log)}); err != nil {
					t.Fatalf("New = %v; want a Store", err)
				}
				lines := log.text()
				if honour {
					if len(lines) != 0 {
						t.Errorf("log = %q; want nothing for a client that honours deadlines", lines)
					}
					return
				}
				if len(lines) != 1 {
					t.Fatalf("log = %q; want exactly one warning", lines)
				}
				line := lines[0]
				for _, want := range []string{"WARN ", "ContextTimeoutEnabled: true", "client=" + kind.wantType, "ReadTimeout"} {
					if !strings.Contains(line, want) {
						t.Errorf("warning %q; want it to contain %q", line, want)
					}
				}
				for _, secret := range []string{password, addr} {
					if strings.Contains(line, secret) {
						t.Errorf("warning %q reveals %q", line, secret)
					}
				}
			})
		}
	}
}

// TestNewWarnsThroughDefaultLogger leaves Options.Logger nil. Not
// parallel: it replaces slog's default logger.
func TestNewWarnsThroughDefaultLogger(t *testing.T) {
	log := &recorder{}
	old := slog.Default()
	slog.SetDefault(slog.New(log))
	t.Cleanup(func() { slog.SetDefault(old) })
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { client.Close() })
	if _, err := redisstore.New(client, redisstore.Options{}); err != nil {
		t.Fatalf("New = %v; want a Store", err)
	}
	if lines := log.text(); len(lines) != 1 || !strings.Contains(lines[0], "ContextTimeoutEnabled: true") {
		t.Errorf("slog.Default() received %q; want one warning naming ContextTimeoutEnabled", lines)
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
