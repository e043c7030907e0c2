package pgstore_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/internal/leaktest"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// TestNoLeaks runs the leak scenarios on the real PostgreSQL under every
// adapter, with each failure a real one: the failing calls go to a pool
// for a server that is down (a closed port), with a password in its URL.
// No response may carry the store's error, and no log line a session ID,
// token, secret or the password.
func TestNoLeaks(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	live := newStore(t, pool, pgstore.Options{CleanupInterval: -1})
	addr := leaktest.ClosedAddr(t)
	const password = "pg-password-that-must-stay-private"
	down, err := pgxpool.New(context.Background(), "postgres://postgres:"+password+"@"+addr+"/postgres?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(down.Close)
	broken, err := pgstore.New(down, pgstore.Options{CleanupInterval: -1})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	leaktest.Run(t, leaktest.Backend{Name: "postgres", Live: live, Broken: broken, FailureText: addr, Private: []string{password}})
}
