package pgstore_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/internal/testenv"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// TestSurvivesTerminatedBackends kills every connection of the app's pool
// from the server side. Requests during the outage may fail, but only with a
// generic 500 and never by hanging; afterwards the same process serves again
// and the acknowledged write is intact.
func TestSurvivesTerminatedBackends(t *testing.T) {
	t.Parallel()
	pool, appName := newPool(t)
	admin, _ := newPool(t)
	st := newStore(t, pool, pgstore.Options{CleanupInterval: -1})
	a := newApp(t, st, time.Second)
	c := newClient(t)

	mustCall(t, c, a, "POST", "/set/user?v=alice")
	if got := mustCall(t, c, a, "GET", "/get/user"); got != "alice" {
		t.Fatalf("GET /get/user = %q; want alice", got)
	}

	var killed int
	err := admin.QueryRow(ctxT(t), `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))
		FROM pg_stat_activity WHERE application_name = $1`, appName).Scan(&killed)
	if err != nil {
		t.Fatalf("pg_terminate_backend: %v", err)
	}
	if killed == 0 {
		t.Fatal("no backend of the app's pool was terminated; the fault was not injected")
	}

	// Each dead connection can fail at most one request before the pool
	// drops it, so this many attempts must reach a success.
	attempts := int(pool.Config().MaxConns) + 2
	failures, ok := 0, false
	for i := range attempts {
		method, path := "GET", "/get/user" // reads and writes alternate
		if i%2 == 1 {
			method, path = "POST", "/set/after?v=1"
		}
		start := time.Now()
		r, err := call(c, a, method, path)
		if err != nil {
			t.Fatalf("%s %s after the backends were terminated: %v (after %v)", method, path, err, time.Since(start))
		}
		if r.status == http.StatusOK {
			ok = true
			break
		}
		failures++
		checkGenericFailure(t, method+" "+path+" after the backends were terminated", r)
	}
	if !ok {
		t.Fatalf("no request succeeded in %d attempts after the backends were terminated", attempts)
	}
	t.Logf("%d backends terminated; %d requests failed (generic 500) before recovery", killed, failures)

	for i := range 5 {
		if got := mustCall(t, c, a, "GET", "/get/user"); got != "alice" {
			t.Errorf("GET /get/user #%d after recovery = %q; want the acknowledged alice", i, got)
		}
	}
	mustCall(t, c, a, "POST", "/set/later?v=2")
	if got := mustCall(t, c, a, "GET", "/get/later"); got != "2" {
		t.Errorf("GET /get/later after recovery = %q; want 2", got)
	}
}

// unreachablePool returns a pool for a server at addr that never answers
// usefully. It never connects at construction.
func unreachablePool(t *testing.T, addr string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), "postgres://postgres@"+addr+"/postgres?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// closedPort returns an address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestUnreachableStoreFailsFast serves a session created on a healthy
// instance to instances whose database cannot be reached: the request must
// end in a generic 500 within about the StoreTimeout, and the manager must
// log the store error it keeps from the client.
func TestUnreachableStoreFailsFast(t *testing.T) {
	t.Parallel()
	const storeTimeout = time.Second
	pool, _ := newPool(t)
	healthy := newApp(t, newStore(t, pool, pgstore.Options{CleanupInterval: -1}), storeTimeout)

	tests := []struct {
		name string
		addr string
	}{
		{"closed port", closedPort(t)},
		{"black hole", testenv.BlackHole(t)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, err := pgstore.New(unreachablePool(t, tc.addr), pgstore.Options{CleanupInterval: -1})
			if err != nil {
				t.Fatal(err)
			}
			down := newApp(t, st, storeTimeout)
			c := newClient(t)
			mustCall(t, c, healthy, "POST", "/set/user?v=alice")

			for _, req := range []struct{ method, path string }{
				{"GET", "/get/user"},        // needs a Load
				{"POST", "/set/user?v=bob"}, // needs a Load before its Patch
				{"GET", "/keys"},
			} {
				start := time.Now()
				r, err := call(c, down, req.method, req.path)
				elapsed := time.Since(start)
				if err != nil {
					t.Fatalf("%s %s with the store down: %v after %v; want a 500 within the StoreTimeout", req.method, req.path, err, elapsed)
				}
				checkGenericFailure(t, req.method+" "+req.path+" with the store down", r)
				if limit := storeTimeout + time.Second; elapsed > limit {
					t.Errorf("%s %s with the store down took %v; want under %v", req.method, req.path, elapsed, limit)
				}
			}
			if logs := down.logs.String(); !strings.Contains(logs, "pgstore: load") {
				t.Errorf("manager log = %q; want the store error it kept from the client", logs)
			}
			if got := mustCall(t, c, healthy, "GET", "/get/user"); got != "alice" {
				t.Errorf("GET /get/user on the healthy instance = %q; want alice, untouched by the failed write", got)
			}
		})
	}
}
