package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/examples/contract"
	"github.com/sessionkit/sessionkit/stores/pgstore"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

func TestOpenStoreMemory(t *testing.T) {
	t.Parallel()
	mgr := openForTest(t, config{store: storeMemory, secrets: testSecrets})
	if _, ok := mgr.Store().(*core.MemoryStore); !ok {
		t.Fatalf("openStore(memory) = %T; want core's *core.MemoryStore", mgr.Store())
	}
	roundTrip(t, mgr)
}

func TestOpenStoreRedis(t *testing.T) {
	t.Parallel()
	cfg := config{store: storeRedis, redisURL: contract.RedisURL(t), secrets: testSecrets}
	mgr := openForTest(t, cfg)
	if _, ok := mgr.Store().(*redisstore.Store); !ok {
		t.Fatalf("openStore(redis) = %T; want *redisstore.Store", mgr.Store())
	}
	roundTrip(t, mgr)
}

func TestOpenStorePostgres(t *testing.T) {
	t.Parallel()
	// The example always uses the default table; a schema of its own, put
	// first in the search_path, keeps this test away from other users of
	// that table.
	dbURL := contract.PrivateSchema(t, contract.DatabaseURL(t), "example")
	mgr := openForTest(t, config{store: storePostgres, databaseURL: dbURL, secrets: testSecrets})
	if _, ok := mgr.Store().(*pgstore.Store); !ok {
		t.Fatalf("openStore(postgres) = %T; want *pgstore.Store", mgr.Store())
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL) // the private schema first in its search_path
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM sessionkit_sessions").Scan(&n); err != nil {
		t.Fatalf("openStore(postgres) did not create the table in the test's schema: %v", err)
	}
	roundTrip(t, mgr)
}

func TestOpenStoreReportsUnreachableServices(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     config
		wantErr string
	}{
		{"bad redis URL", config{store: storeRedis, redisURL: "http://127.0.0.1:1"}, "REDIS_URL"},
		{"redis down", config{store: storeRedis, redisURL: "redis://127.0.0.1:1/0"}, "redis at 127.0.0.1:1"},
		{"bad database URL", config{store: storePostgres, databaseURL: "postgres://%zz"}, "DATABASE_URL"},
		{"postgres down", config{store: storePostgres, databaseURL: "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2"}, "postgres at 127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, release, err := openStore(context.Background(), tt.cfg, slog.New(slog.DiscardHandler))
			if err == nil {
				release()
				t.Fatalf("openStore(%+v) = %T, nil; want an error", tt.cfg, st)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("openStore(%+v) error = %v; want one containing %q", tt.cfg, err, tt.wantErr)
			}
		})
	}
}

var testSecrets = [][]byte{[]byte("0123456789abcdef0123456789abcdef")}

// openForTest opens cfg's store and a manager over it, both closed by t's
// cleanup, as run does.
func openForTest(t *testing.T, cfg config) *core.Manager {
	t.Helper()
	cfg.lifetime = time.Minute
	logger := slog.New(slog.DiscardHandler)
	store, release, err := openStore(context.Background(), cfg, logger)
	if err != nil {
		t.Fatalf("openStore(%s) error = %v", cfg.store, err)
	}
	t.Cleanup(release)
	mgr, err := newManager(cfg, store, nil, logger)
	if err != nil {
		t.Fatalf("newManager(%s) error = %v", cfg.store, err)
	}
	t.Cleanup(func() { mgr.Close() })
	return mgr
}

// roundTrip stores a value through mgr, reads it back on the next request
// and destroys the session, leaving nothing behind in the shared service.
func roundTrip(t *testing.T, mgr *core.Manager) {
	t.Helper()
	mux := http.NewServeMux()
	k := core.Key[string]("k")
	mux.HandleFunc("POST /set", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		k.Set(s, "stored")
		if err := s.Err(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("GET /get", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		v := k.Get(s)
		if err := s.Err(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, v)
	})
	mux.HandleFunc("POST /destroy", func(w http.ResponseWriter, r *http.Request) { core.FromRequest(r).Destroy() })
	srv := httptest.NewServer(mgr.Handler(mux))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	for _, step := range []struct{ method, path, want string }{
		{http.MethodPost, "/set", ""},
		{http.MethodGet, "/get", "stored"},
		{http.MethodPost, "/destroy", ""},
		{http.MethodGet, "/get", ""},
	} {
		req, _ := http.NewRequest(step.method, srv.URL+step.path, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", step.method, step.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != step.want {
			t.Fatalf("%s %s = %d %q; want 200 %q", step.method, step.path, resp.StatusCode, body, step.want)
		}
	}
}
