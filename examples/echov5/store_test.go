package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"slices"
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

// With SESSION_COMPAT the Express app's store is on the same Redis
// client: it holds the sessions themselves with express, and with
// express-migrate those that move to the native store.
func TestOpenStoreRedisCompat(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		compat       core.ExpressMode
		wantSessions string // the manager's store
	}{
		{core.ExpressShare, "*redisstore.ExpressStore"},
		{core.ExpressMigrate, "*redisstore.Store"},
	} {
		t.Run(tt.compat.String(), func(t *testing.T) {
			t.Parallel()
			cfg := compatConfig(tt.compat, storeRedis)
			cfg.redisURL = contract.RedisURL(t)
			mgr, st := openStoresForTest(t, cfg)
			if got := fmt.Sprintf("%T", mgr.Store()); got != tt.wantSessions {
				t.Errorf("openStore(redis, %v): the manager's store is %s; want %s", tt.compat, got, tt.wantSessions)
			}
			if _, ok := st.express.(*redisstore.ExpressStore); tt.compat == core.ExpressMigrate && !ok {
				t.Errorf("openStore(redis, %v).express = %T; want *redisstore.ExpressStore", tt.compat, st.express)
			}
			roundTrip(t, mgr)
		})
	}
}

// With SESSION_COMPAT on PostgreSQL, connect-pg-simple's table "session"
// is created next to the native one when missing, both found through the
// connection's search_path.
func TestOpenStorePostgresCompat(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		compat       core.ExpressMode
		wantSessions string
		wantTables   []string
	}{
		{core.ExpressShare, "*pgstore.ExpressStore", []string{"session"}},
		{core.ExpressMigrate, "*pgstore.Store", []string{"session", "sessionkit_sessions"}},
	} {
		t.Run(tt.compat.String(), func(t *testing.T) {
			t.Parallel()
			cfg := compatConfig(tt.compat, storePostgres)
			cfg.databaseURL = contract.PrivateSchema(t, contract.DatabaseURL(t), "example_compat")
			mgr, st := openStoresForTest(t, cfg)
			if got := fmt.Sprintf("%T", mgr.Store()); got != tt.wantSessions {
				t.Errorf("openStore(postgres, %v): the manager's store is %s; want %s", tt.compat, got, tt.wantSessions)
			}
			if _, ok := st.express.(*pgstore.ExpressStore); tt.compat == core.ExpressMigrate && !ok {
				t.Errorf("openStore(postgres, %v).express = %T; want *pgstore.ExpressStore", tt.compat, st.express)
			}
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, cfg.databaseURL)
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			defer conn.Close(ctx)
			var tables []string
			rows, err := conn.Query(ctx, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1")
			if err == nil {
				tables, err = pgx.CollectRows(rows, pgx.RowTo[string])
			}
			if err != nil || !slices.Equal(tables, tt.wantTables) {
				t.Errorf("tables in the test's schema = %q, %v; want %q", tables, err, tt.wantTables)
			}
			roundTrip(t, mgr)
		})
	}
}

// pgDown is a PostgreSQL URL where nothing listens.
const pgDown = "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2"

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
		{"postgres down", config{store: storePostgres, databaseURL: pgDown}, "postgres at 127.0.0.1"},
		{"redis down, express", config{store: storeRedis, redisURL: "redis://127.0.0.1:1/0", compat: core.ExpressShare}, "redis at 127.0.0.1:1"},
		{"postgres down, express", config{store: storePostgres, databaseURL: pgDown, compat: core.ExpressShare}, "postgres at 127.0.0.1"},
		{"postgres down, express-migrate", config{store: storePostgres, databaseURL: pgDown, compat: core.ExpressMigrate}, "postgres at 127.0.0.1"},
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
	mgr, _ := openStoresForTest(t, cfg)
	return mgr
}

// compatConfig is a configuration with SESSION_COMPAT=compat on store,
// with the Express app's short secret and its cookie name.
func compatConfig(compat core.ExpressMode, store string) config {
	return config{
		store: store, compat: compat, expressCookie: core.DefaultExpressCookieName,
		secrets: [][]byte{[]byte("keyboard cat")}, nativeSecrets: testSecrets,
	}
}

// openStoresForTest is openForTest, returning the stores too.
func openStoresForTest(t *testing.T, cfg config) (*core.Manager, stores) {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	st, release, err := openStore(context.Background(), cfg, logger)
	if err != nil {
		t.Fatalf("openStore(%s, %v) error = %v", cfg.store, cfg.compat, err)
	}
	t.Cleanup(release)
	cfg.lifetime = time.Minute
	mgr, err := newManager(cfg, st, nil, logger)
	if err != nil {
		t.Fatalf("newManager(%s, %v) error = %v", cfg.store, cfg.compat, err)
	}
	t.Cleanup(func() { mgr.Close() })
	return mgr, st
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
